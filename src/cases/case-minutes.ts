/**
 * A case's minutes as one document (issue 14): where the case stands (the advice in force, the
 * decision in force with its reasons, the deadlines and their state), then its history in order:
 * each advice in its one-page form (assessments/minutes.ts), re-rendered from the assessment as it
 * was recorded, never re-evaluated; each decision with its reasons, who recorded it, whether it
 * departs from the advice and which record it corrects; and whether the keyed chain holds.
 *
 * Built as the same blocks the one-page minutes use, so it comes in the same formats through the
 * same renderers: Markdown, HTML (pastes into Word), plain text and .docx. Free text (reasons, the
 * capacity a chair decided in, names from sign-in) is escaped for Markdown by the caller's `free`
 * function (cases/views.ts markdownText); the other renderers escape or never interpret it. Who
 * recorded each record is the record's own `madeBy` (issue 12), in words (cases/views.ts).
 */
import type { Assessment } from "../assessments/assess.js";
import { loadedLadder } from "../rulesets/outcomes.js";
import { minutesDocument, type Block, type Item } from "../assessments/minutes.js";
import type { AdviceSide } from "./reassess.js";
import type { StoredRecord, VerifyResult } from "./store.js";
import type { CaseTimeline, MilestoneState } from "./case-timeline.js";
import {
  adviceInWords,
  caseFileRecordWords,
  longDate,
  madeByWords,
  STATE_WORDS,
  timeWords,
} from "./views.js";

export interface DecisionContent {
  adviceId?: string;
  /** Decisions recorded before the advice had one id everywhere name it so. */
  assessmentId?: string;
  decision: string;
  decisionText: string;
  decidedOn: string;
  decidedBy?: string;
  reasons: string;
  corrects?: string;
  /** The recommendation the decision was taken on, where the edition records one (cspr-2018). */
  recommendation?: { id: string; text: string };
  departsFromAdvice: boolean | null;
  departure: string;
  deadlines: Array<{
    id: string;
    text: string;
    due: string | null;
    rule: string;
    citation: { section: string; document: string };
  }>;
}

interface CaseDeadline {
  milestone: string;
  text: string;
  due: string | null;
  state: MilestoneState;
  /** What the state rests on, in words ("by 14 March 2024", "decided on 14 March 2024"). */
  note: string;
  source: string;
}

/** The decisions no later decision corrects: the ones in force (normally one). */
function decisionsInForce(records: readonly StoredRecord[]): StoredRecord[] {
  const decisions = records.filter((r) => r.kind === "decision");
  const corrected = new Set(decisions.map((r) => (r.content as unknown as DecisionContent).corrects));
  return decisions.filter((r) => !corrected.has(r.recordId));
}

/** For each decision record id, the records that correct it. */
function correctionsOf(records: readonly StoredRecord[]): Map<string, StoredRecord[]> {
  const by = new Map<string, StoredRecord[]>();
  for (const r of records) {
    const corrects = r.kind === "decision" ? (r.content as unknown as DecisionContent).corrects : undefined;
    if (corrects) by.set(corrects, [...(by.get(corrects) ?? []), r]);
  }
  return by;
}

/**
 * The case's deadlines as its timeline counts them (case-timeline.ts, from case-state.ts): the
 * edition's requirements and advice to chairs that apply or may, and any milestone done, each with
 * its state as of the timeline's day. The list, the timeline page, the calendar and these minutes
 * read the one calculation, so they cannot disagree: a milestone marked done is done here too, and
 * due soon is the configured number of working days (CASE_DUE_SOON_WORKING_DAYS).
 */
function caseDeadlines(timeline: CaseTimeline): CaseDeadline[] {
  const cite = (c: { section: string; document: string }) => `${c.document.split("_")[0]} ${c.section}`;
  return timeline.milestones
    .filter((m) => m.nature !== "scope" && (m.tracked || m.done))
    .map((m) => ({
      milestone: m.id,
      text: m.text,
      due: m.due,
      state: m.state,
      note: m.done
        ? m.done.byDecision
          ? `decided on ${longDate(m.done.on)}`
          : `marked done on ${longDate(m.done.on)}${m.due ? `, due ${longDate(m.due)}` : ""}`
        : m.due
          ? `by ${longDate(m.due)}`
          : m.rule,
      source: cite(m.citation),
    }));
}

export interface CaseMinutesOptions {
  /** Free text as the format needs it (Markdown escapes it; the rest keep it as it is). */
  free: (text: string) => string;
  /** The case's timeline (case-timeline.ts): its deadlines and their state, as of its day. */
  timeline: CaseTimeline;
}

/** The one-page minutes of recorded advice, nested in the case's minutes. */
function adviceBlocks(
  a: Assessment & { minutes?: string },
  wordings: ReadonlyMap<string, string>,
  reference: string,
): Block[] {
  let blocks: Block[];
  try {
    blocks = minutesDocument(a, wordings, { reference });
  } catch {
    // Advice recorded before the one-page minutes (issue 13) lacks parts they read: its minutes
    // are given as they were recorded.
    return [
      {
        kind: "paragraph",
        lead: "Minutes as recorded:",
        text: "this advice was recorded before the one-page minutes; its minutes follow as they were kept.",
      },
      { kind: "quote", text: a.minutes ?? "", cite: "minutes as recorded with the advice" },
    ];
  }
  const out: Block[] = [];
  let skipping = false;
  for (const b of blocks) {
    if (b.kind === "heading") {
      // The advice's own title is the record's heading; its blank lines for the chair's decision
      // give way to the decisions recorded.
      if (b.level === 1) continue;
      skipping = b.text === "The chair's decision";
      if (skipping) continue;
      out.push({ ...b, level: 3 });
      continue;
    }
    if (skipping || b.kind === "fill") continue;
    out.push(b);
  }
  return out;
}

export function caseMinutesDocument(
  reference: string,
  records: readonly StoredRecord[],
  verification: VerifyResult,
  wordings: ReadonlyMap<string, string>,
  options: CaseMinutesOptions,
): Block[] {
  const { free, timeline } = options;
  const out: Block[] = [];
  const h = (level: 1 | 2 | 3, text: string) => out.push({ kind: "heading", level, text });
  const p = (text: string, lead?: string) => out.push({ kind: "paragraph", text, ...(lead ? { lead } : {}) });
  const bySeq = new Map(records.map((r) => [r.recordId, r]));
  const corrections = correctionsOf(records);

  h(1, `Case ${reference}: minutes`);
  // Who decides is the edition's (the chair, the board, the safeguarding partners).
  const advice = [...records].reverse().find((r) => r.kind === "assessment");
  const editionId = (advice?.content.assessment as { edition?: { id?: string } } | undefined)?.edition?.id;
  // An edition no longer loaded keeps the wording the service has always used.
  const decidersOwn = (editionId && loadedLadder(editionId)?.decidersOwn) || "the chair's";
  p(
    `The case's advice and decisions in the order they were recorded. Each advice is given in its one-page form as it was advised at the time, under the rules then in force: it is never re-evaluated. Threshold advises; the decision is ${decidersOwn} alone.`,
  );

  h(2, "Where the case stands");
  if (advice) {
    const a = advice.content.assessment as AdviceSide;
    p(`${adviceInWords(a)} (record ${advice.seq}, ${timeWords(advice.recordedAt)}).`, "Latest advice:");
  } else p("No advice has been recorded.", "Latest advice:");
  const inForce = decisionsInForce(records);
  if (inForce.length === 0) p("No decision has been recorded.", "Decision:");
  for (const r of inForce) {
    const d = r.content as unknown as DecisionContent;
    p(
      `${d.decisionText}, decided on ${longDate(d.decidedOn)}${d.decidedBy ? ` as ${free(d.decidedBy)}` : ""}; recorded by ${free(madeByWords(r.madeBy))} (record ${r.seq}${d.corrects ? `, correcting record ${bySeq.get(d.corrects)?.seq ?? "?"}` : ""}).`,
      "Decision:",
    );
    if (d.departsFromAdvice === true) p(d.departure, "It departs from the advice.");
    out.push({ kind: "quote", text: free(d.reasons), cite: "the reasons, as recorded" });
  }

  h(2, "Deadlines");
  const deadlines = caseDeadlines(timeline);
  if (timeline.problem)
    p(`the deadlines cannot be counted from the case's dates: ${timeline.problem}.`, "Warning:");
  if (deadlines.length === 0) p("None yet: the deadlines follow from the case's dates and the decision.");
  else
    out.push({
      kind: "list",
      items: deadlines.map((x): Item => ({
        lead: `${STATE_WORDS[x.state]}:`,
        text: `${x.text.replace(/\.$/, "")} (${x.note}; ${x.source}).`,
      })),
    });
  p(
    `States as of ${longDate(timeline.asOf)}, as the case's timeline and the list of cases give them; due soon means within ${timeline.dueSoonWorkingDays} working days (England and Wales bank holidays excluded).${timeline.nextDeadline ? ` Next deadline: ${timeline.nextDeadline.text.replace(/\.$/, "")}, ${longDate(timeline.nextDeadline.due)}.` : ""}`,
  );

  p("every record of the case follows, in the order it was made.", "History:");
  for (const r of records) {
    const by = free(madeByWords(r.madeBy));
    if (r.kind === "case-opened") {
      h(2, `${r.seq}. Case opened, ${timeWords(r.recordedAt)}`);
      p(`Recorded by ${by}.`);
    } else if (r.kind === "assessment") {
      const a = r.content.assessment as Assessment & { minutes?: string };
      h(2, `${r.seq}. Advice, recorded ${timeWords(r.recordedAt)}`);
      p(`Recorded by ${by}; advice reference ${a.adviceId ?? r.recordId}.`);
      out.push(...adviceBlocks(a, wordings, reference));
    } else if (r.kind === "decision") {
      const d = r.content as unknown as DecisionContent;
      const corrected = d.corrects ? bySeq.get(d.corrects) : undefined;
      h(
        2,
        `${r.seq}. Decision${d.corrects ? ` correcting record ${corrected?.seq ?? "?"}` : ""}, recorded ${timeWords(r.recordedAt)}`,
      );
      p(`${d.decisionText}.`, "Decision:");
      p(
        `${longDate(d.decidedOn)}${d.decidedBy ? `, as ${free(d.decidedBy)}` : ""}; recorded by ${by}.`,
        "Decided on:",
      );
      if (d.recommendation) p(`${d.recommendation.text}.`, "Recommendation recorded with it:");
      const on = bySeq.get(String(d.adviceId ?? d.assessmentId));
      p(
        `record ${on?.seq ?? "?"} (advice reference ${free(String(d.adviceId ?? d.assessmentId))}).`,
        "On the advice:",
      );
      p(
        d.departure,
        d.departsFromAdvice === true ? "It departs from the advice." : "Compared with the advice:",
      );
      out.push({ kind: "quote", text: free(d.reasons), cite: "the reasons, as recorded" });
      if (d.deadlines.length > 0)
        out.push({
          kind: "list",
          items: d.deadlines.map((x) => ({
            lead: `${x.due ? `By ${longDate(x.due)}` : x.rule}:`,
            text: `${x.text.replace(/\.$/, "")} (${x.citation.document.split("_")[0]} ${x.citation.section}).`,
          })),
        });
      for (const c of corrections.get(r.recordId) ?? [])
        p(`record ${c.seq}, ${timeWords(c.recordedAt)}; this record stays as it was made.`, "Corrected by:");
    } else if (caseFileRecordWords(r)) {
      // The case file's records (issue 14): its dates, milestones marked done, and closing.
      const words = caseFileRecordWords(r)!;
      h(2, `${r.seq}. ${words.heading}, ${timeWords(r.recordedAt)}`);
      p(`${free(words.text)} Recorded by ${by}.`);
    } else {
      h(2, `${r.seq}. Chain sealed with the records key, ${timeWords(r.recordedAt)}`);
      p(
        `The ${String(r.content.sealedRecords)} records before this one were made before the chain was keyed (unkeyed, legacy); this record seals them with the records key.`,
      );
    }
  }

  h(2, "The record's integrity");
  p(
    verification.valid
      ? `${(verification as VerifyResult & { summary?: string }).summary ?? `The chain of all ${verification.records} records holds: no record has been changed since it was made.`} Whether records have been removed from the end is shown only against an anchor kept outside the service (GET /v1/cases/{reference}/anchor).`
      : `The chain does NOT hold: ${verification.problems.map((x) => `record ${x.seq} ${x.problem}`).join("; ")}.`,
  );
  return out;
}
