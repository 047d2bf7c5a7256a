/**
 * A case's whole history as Markdown, for the National Panel or the board's file: every record in
 * order, each assessment's minutes exactly as they were advised at the time (stored, never
 * re-evaluated), each decision with its reasons and the deadlines kept with it, and whether the
 * hash chain holds.
 */
import type { MadeBy } from "../service.js";
import type { StoredRecord, VerifyResult } from "./store.js";
import { caseFileRecordWords } from "./views.js";

/**
 * Free text as Markdown that shows exactly that text. CommonMark lets any ASCII punctuation be
 * backslash-escaped; this escapes what could be read as markup and leaves ordinary punctuation
 * alone, so the minutes stay readable as plain text:
 * - anywhere: `\`, backquotes, `*`, `_`, `[`, `]`, `<`, `>`, `|`, `~` and `&` (emphasis, code,
 *   links and images, HTML and entities, tables, strikethrough);
 * - at the start of a line: `#`, `-`, `+`, `=` and a number's `.` or `)` (headings, lists, rules
 *   and setext headings); leading spaces (an indented code block) are dropped.
 * Line breaks are normalised to \n.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) =>
      line
        .replace(/^[ \t]+/, "")
        .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
        .replace(/^([#\-+=])/, "\\$1")
        .replace(/^(\d+)([.)])/, "$1\\$2"),
    )
    .join("\n");
}

/** Free text that must stay on one line (a table cell, a sentence). */
export function markdownLine(text: string): string {
  return markdownText(text.replace(/\s*[\r\n]+\s*/g, " "));
}

/** Who made a record, in words. */
export function madeByWords(m: MadeBy | null): string {
  if (!m) return "not recorded (made before records kept who made them)";
  if (m.kind === "anyone") return "someone using this machine without sign-in";
  if (m.kind === "api-client") return `the application ${m.name ?? m.id ?? "(unnamed)"} (API key)`;
  return `${m.name ?? "(no name)"} (${m.id ?? "no subject"})`;
}

/** Pushes a stored Markdown document's headings down, so it sits inside the case's minutes. */
function nest(markdown: string, levels: number): string {
  const hashes = "#".repeat(levels);
  return markdown.replace(/^(#{1,6}) /gm, (_m, h: string) => `${h}${hashes} `);
}

const KIND_WORDS: Record<StoredRecord["kind"], string> = {
  "case-opened": "Case opened",
  assessment: "Advice",
  decision: "Decision",
  sealed: "Chain sealed with the records key",
  "case-dates": "Dates recorded",
  "milestone-done": "Milestone done",
  "case-closed": "Case closed",
};

export function renderCaseMinutes(
  reference: string,
  records: StoredRecord[],
  verification: VerifyResult,
): string {
  const out: string[] = [
    `# Case ${reference}: advice and decisions`,
    "",
    "Every record of this case in the order it was made. Advice is shown exactly as it was given at the time, under the rules then in force; it is never re-evaluated.",
    "",
  ];
  for (const r of records) {
    const when = r.recordedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
    out.push(`## ${r.seq}. ${KIND_WORDS[r.kind]}, recorded ${when}`, "");
    out.push(
      `Record ${r.recordId}; hash ${r.hash}; previous ${r.previousHash}. Recorded by ${markdownLine(madeByWords(r.madeBy))}.`,
      "",
    );
    const caseFile = caseFileRecordWords(r);
    if (caseFile) {
      out.push(markdownLine(caseFile.text), "");
    } else if (r.kind === "assessment") {
      const assessment = r.content.assessment as { minutes?: string };
      out.push(nest(assessment.minutes ?? "", 2).trim(), "");
    } else if (r.kind === "decision") {
      const d = r.content as {
        decisionText: string;
        decidedOn: string;
        /** The capacity the chair decided in, if given; older decisions always have it. */
        decidedBy?: string;
        reasons: string;
        adviceId?: string;
        /** Decisions recorded before the advice had one id everywhere name it so. */
        assessmentId?: string;
        corrects?: string;
        departure: string;
        deadlines: Array<{
          text: string;
          due: string | null;
          rule: string;
          citation: { section: string; document: string };
        }>;
      };
      const capacity = d.decidedBy ? ` as ${markdownLine(d.decidedBy)}` : "";
      out.push(
        `**Decision: ${d.decisionText}.** Decided on ${d.decidedOn}${capacity}, recorded by ${markdownLine(madeByWords(r.madeBy))}, on the advice recorded as ${markdownLine(String(d.adviceId ?? d.assessmentId))}.`,
        "",
        d.departure,
        "",
        "Reasons:",
        "",
        markdownText(d.reasons)
          .split("\n")
          .map((l) => `> ${l}`)
          .join("\n"),
        "",
      );
      if (d.corrects) out.push(`This record corrects record ${markdownLine(d.corrects)}.`, "");
      if (d.deadlines.length) {
        out.push("| What follows | Due | How it is counted | Source |", "| --- | --- | --- | --- |");
        for (const x of d.deadlines)
          out.push(
            `| ${x.text} | ${x.due ?? "-"} | ${x.rule} | ${x.citation.section} (${x.citation.document}) |`,
          );
        out.push("");
      }
    } else if (r.kind === "sealed") {
      out.push(
        `The ${String(r.content.sealedRecords)} records before this one were made before the chain was keyed (unkeyed, legacy); this record seals them with the records key.`,
        "",
      );
    }
  }
  out.push(
    "## The record's integrity",
    "",
    verification.valid
      ? `${verification.summary} Whether records have been removed from the end is shown only against an anchor kept outside the service (GET /v1/cases/{reference}/anchor).`
      : `The chain does NOT hold: ${verification.problems.map((p) => `record ${p.seq} ${p.problem}`).join("; ")}.`,
  );
  return out.join("\n") + "\n";
}
