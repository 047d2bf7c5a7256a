/**
 * Where a case stands, worked out from its records alone: its dates, the milestones marked done,
 * whether a chair has closed it, its latest advice and decision, and so its stage. Nothing here is
 * stored apart from the records: a stage or a deadline is always derived again, so it can never
 * disagree with the chain.
 *
 * The records read are few and small: every `case-dates`, `milestone-done` and `case-closed`
 * record, and the latest `assessment` and `decision` (a correction is a later decision record, so
 * the latest decision is the one that stands). Two queries for a whole page of cases.
 */
import type { DecisionOptions } from "./decisions.js";
import type { Db } from "./db.js";
import { iso, recordFields, type RecordRow } from "./store.js";
import type { MadeBy } from "../service.js";

type DecisionOption = DecisionOptions["options"][number];

/**
 * The case's dates, in the order a case meets them. `incident`, `becameAware`, `referral`, `decision`
 * and `publication` are the dates the edition's timescales count from (rules/timescales); `meeting`
 * (the sub-group's) and `completion` (the review's) are kept for the board and, for completion, for
 * the stage.
 */
export const CASE_DATE_NAMES = [
  "incident",
  "becameAware",
  "referral",
  "meeting",
  "decision",
  "completion",
  "publication",
] as const;
export type CaseDateName = (typeof CASE_DATE_NAMES)[number];

export const CASE_DATE_LABELS: Record<CaseDateName, string> = {
  incident: "The incident",
  becameAware: "Became aware of the incident",
  referral: "Referral",
  meeting: "Sub-group meeting",
  decision: "Chair's decision",
  completion: "Review completed",
  publication: "Publication",
};

/** Where a date came from: recorded as the case's date, or read from the advice or the decision. */
export type DateSource = "recorded" | "advice" | "decision";

export type Stage = "referred" | "assessed" | "decided" | "review-under-way" | "completed";
export const STAGES: readonly Stage[] = ["referred", "assessed", "decided", "review-under-way", "completed"];

/** A record as this module reads it. */
export interface CaseRecord {
  recordId: string;
  reference: string;
  seq: number;
  kind: string;
  recordedAt: string;
  content: Record<string, unknown>;
  madeBy: MadeBy | null;
}

export interface CaseState {
  reference: string;
  openedAt: string;
  /** The highest record number read: it grows whenever anything here changes. */
  lastSeq: number;
  dates: Partial<Record<CaseDateName, { date: string; source: DateSource }>>;
  done: Map<string, { on: string; recordedAt: string; madeBy: MadeBy | null }>;
  closed: {
    closedOn: string;
    retainUntil: string;
    reason: string | null;
    recordedAt: string;
    madeBy: MadeBy | null;
  } | null;
  latestAdvice: {
    recordId: string;
    edition: string;
    outcome: string;
    determined: boolean;
    triggers: Map<string, string>;
  } | null;
  latestDecision: {
    recordId: string;
    decision: string;
    decisionText: string;
    decidedOn: string;
    review: boolean;
    recordedAt: string;
    madeBy: MadeBy | null;
  } | null;
  stage: Stage;
}

/**
 * The stage, from the records, first match wins:
 * 1. `completed`: a chair closed the case, or the review's completion date is recorded;
 * 2. `review-under-way`: the decision that stands is to hold a review (rules/editions/<edition>/decisions.yaml
 *    `review: true`), not yet completed;
 * 3. `decided`: a decision stands, and it is not to hold a review (the duties to notify it may still
 *    be due: the deadlines say so, not the stage);
 * 4. `assessed`: advice is recorded and no decision yet: it awaits the chair;
 * 5. `referred`: the case is open with no advice yet: it awaits the sub-group.
 */
function stageOf(s: Pick<CaseState, "closed" | "dates" | "latestDecision" | "latestAdvice">): Stage {
  if (s.closed || s.dates.completion) return "completed";
  if (s.latestDecision) return s.latestDecision.review ? "review-under-way" : "decided";
  if (s.latestAdvice) return "assessed";
  return "referred";
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The state of one case from its records of the kinds above, in record order. */
export function caseState(
  reference: string,
  openedAt: string,
  records: readonly CaseRecord[],
  options: readonly DecisionOption[],
): CaseState {
  const recorded: CaseState["dates"] = {};
  const done: CaseState["done"] = new Map();
  let closed: CaseState["closed"] = null;
  let latestAdvice: CaseState["latestAdvice"] = null;
  let latestDecision: CaseState["latestDecision"] = null;
  let adviceDates: Record<string, unknown> = {};
  let lastSeq = 0;
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    lastSeq = Math.max(lastSeq, r.seq);
    const c = r.content;
    if (r.kind === "case-dates") {
      // A later record's date replaces an earlier one; null clears a date recorded in error.
      for (const [name, value] of Object.entries((c.dates ?? {}) as Record<string, unknown>)) {
        if (!(CASE_DATE_NAMES as readonly string[]).includes(name)) continue;
        if (typeof value === "string") recorded[name as CaseDateName] = { date: value, source: "recorded" };
        else if (value === null) delete recorded[name as CaseDateName];
      }
    } else if (r.kind === "milestone-done") {
      const id = str(c.milestone);
      if (id)
        done.set(id, {
          on: str(c.doneOn) ?? r.recordedAt.slice(0, 10),
          recordedAt: r.recordedAt,
          madeBy: r.madeBy,
        });
    } else if (r.kind === "case-closed") {
      closed = {
        closedOn: str(c.closedOn) ?? r.recordedAt.slice(0, 10),
        retainUntil: str(c.retainUntil) ?? "",
        reason: str(c.reason),
        recordedAt: r.recordedAt,
        madeBy: r.madeBy,
      };
    } else if (r.kind === "assessment") {
      const a = (c.assessment ?? {}) as {
        edition?: { id?: string };
        outcome?: string;
        determined?: boolean;
        triggers?: Array<{ id: string; status: string }>;
      };
      latestAdvice = {
        recordId: r.recordId,
        edition: a.edition?.id ?? "",
        outcome: a.outcome ?? "undetermined",
        determined: a.determined ?? false,
        triggers: new Map((a.triggers ?? []).map((t) => [t.id, t.status])),
      };
      adviceDates = ((c.request as { dates?: Record<string, unknown> } | undefined)?.dates ?? {}) as Record<
        string,
        unknown
      >;
    } else if (r.kind === "decision") {
      const id = str(c.decision) ?? "";
      latestDecision = {
        recordId: r.recordId,
        decision: id,
        decisionText: str(c.decisionText) ?? id,
        decidedOn: str(c.decidedOn) ?? "",
        review: options.find((o) => o.id === id)?.review ?? false,
        recordedAt: r.recordedAt,
        madeBy: r.madeBy,
      };
    }
  }
  // Dates the board recorded for the case win; otherwise the decision's date, and the dates the
  // latest advice was given with (the questionnaire asks for them), each marked with its source.
  const dates: CaseState["dates"] = {};
  for (const name of CASE_DATE_NAMES) {
    const fromAdvice = str(adviceDates[name]);
    if (recorded[name]) dates[name] = recorded[name];
    else if (name === "decision" && latestDecision?.decidedOn)
      dates[name] = { date: latestDecision.decidedOn, source: "decision" };
    else if (fromAdvice) dates[name] = { date: fromAdvice, source: "advice" };
  }
  const partial = { closed, dates, latestDecision, latestAdvice };
  return { reference, openedAt, lastSeq, done, ...partial, stage: stageOf(partial) };
}

/**
 * Each case's latest advice and decision. An advice record is tens of kilobytes (its proof, its
 * minutes) and the list of cases reads up to list.ts MAX_SCAN of them for one page, so the database returns
 * only what `caseState` reads of it (its edition, outcome, whether determined, each trigger's status,
 * the request's dates), in the same shape; keep the two in step. A decision is returned whole.
 * The OFFSET 0 keeps the content parsed once per row rather than once per path.
 */
const LATEST_ADVICE_AND_DECISION = `
WITH latest AS (
  SELECT DISTINCT ON (reference, kind) id FROM records
  WHERE reference = ANY($1) AND kind IN ('assessment', 'decision')
  ORDER BY reference, kind, seq DESC
)
SELECT r.id, r.reference, r.seq, r.kind, r.recorded_at, r.made_by,
  CASE r.kind WHEN 'assessment' THEN jsonb_build_object(
    'assessment', jsonb_build_object(
      'edition', jsonb_build_object('id', j.c #> '{assessment,edition,id}'),
      'outcome', j.c #> '{assessment,outcome}',
      'determined', j.c #> '{assessment,determined}',
      'triggers', (
        SELECT jsonb_agg(jsonb_build_object('id', t -> 'id', 'status', t -> 'status'))
        FROM jsonb_array_elements(CASE jsonb_typeof(j.c #> '{assessment,triggers}')
          WHEN 'array' THEN j.c #> '{assessment,triggers}' ELSE '[]'::jsonb END) AS t)),
    'request', jsonb_build_object('dates', j.c #> '{request,dates}'))::text
  ELSE r.content END AS content
FROM records r
JOIN latest USING (id)
CROSS JOIN LATERAL (SELECT CASE r.kind WHEN 'assessment' THEN r.content::jsonb END AS c OFFSET 0) AS j`;

/** The states of the named cases (those that exist), read in two queries. */
export async function readCaseStates(
  db: Db,
  cases: ReadonlyArray<{ reference: string; openedAt: string }>,
  options: readonly DecisionOption[],
): Promise<CaseState[]> {
  if (cases.length === 0) return [];
  const refs = cases.map((c) => c.reference);
  const small = await db.query<RecordRow>(
    "SELECT * FROM records WHERE reference = ANY($1) AND kind IN ('case-dates', 'milestone-done', 'case-closed') ORDER BY reference, seq",
    [refs],
  );
  const latest = await db.query<RecordRow>(LATEST_ADVICE_AND_DECISION, [refs]);
  const byCase = new Map<string, CaseRecord[]>(refs.map((r) => [r, []]));
  for (const row of [...small, ...latest]) byCase.get(row.reference)?.push(recordFields(row));
  return cases.map((c) => caseState(c.reference, c.openedAt, byCase.get(c.reference)!, options));
}

/** One case's state; null when there is no such case. */
export async function readCaseState(
  db: Db,
  reference: string,
  options: readonly DecisionOption[],
): Promise<CaseState | null> {
  const [row] = await db.query<{ reference: string; created_at: Date | string }>(
    "SELECT reference, created_at FROM cases WHERE reference = $1",
    [reference],
  );
  if (!row) return null;
  const [state] = await readCaseStates(db, [{ reference, openedAt: iso(row.created_at) }], options);
  return state!;
}
