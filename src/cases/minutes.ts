/**
 * A case's whole history as Markdown, for the National Panel or the board's file: every record in
 * order, each assessment's minutes exactly as they were advised at the time (stored, never
 * re-evaluated), each decision with its reasons and the deadlines kept with it, and whether the
 * hash chain holds.
 */
import type { StoredRecord, VerifyResult } from "./store.js";
import { caseFileRecordWords } from "./views.js";

/** Free text inside the case file's records kept as text in Markdown: its markup characters escaped. */
function caseFileMarkdown(text: string): string {
  return text.replace(/\r\n?|\n/g, " ").replace(/[\\`*_{}[\]#|<>~]/g, (c) => `\\${c}`);
}

/** Pushes a stored Markdown document's headings down, so it sits inside the case's minutes. */
function nest(markdown: string, levels: number): string {
  const hashes = "#".repeat(levels);
  return markdown.replace(/^(#{1,6}) /gm, (_m, h: string) => `${h}${hashes} `);
}

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
    out.push(
      `## ${r.seq}. ${r.kind === "case-opened" ? "Case opened" : r.kind === "assessment" ? "Advice" : (caseFileRecordWords(r)?.heading ?? "Decision")}, recorded ${when}`,
      "",
    );
    out.push(`Record ${r.recordId}; hash ${r.hash}; previous ${r.previousHash}.`, "");
    const caseFile = caseFileRecordWords(r);
    if (caseFile) {
      out.push(caseFileMarkdown(caseFile.text), "");
    } else if (r.kind === "assessment") {
      const assessment = r.content.assessment as { minutes?: string };
      out.push(nest(assessment.minutes ?? "", 2).trim(), "");
    } else if (r.kind === "decision") {
      const d = r.content as {
        decisionText: string;
        decidedOn: string;
        decidedBy: string;
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
      out.push(
        `**Decision: ${d.decisionText}.** Decided on ${d.decidedOn} by ${d.decidedBy}, on the advice recorded as ${d.adviceId ?? d.assessmentId}.`,
        "",
        d.departure,
        "",
        "Reasons:",
        "",
        d.reasons
          .split("\n")
          .map((l) => `> ${l}`)
          .join("\n"),
        "",
      );
      if (d.corrects) out.push(`This record corrects record ${d.corrects}.`, "");
      if (d.deadlines.length) {
        out.push("| What follows | Due | How it is counted | Source |", "| --- | --- | --- | --- |");
        for (const x of d.deadlines)
          out.push(
            `| ${x.text} | ${x.due ?? "-"} | ${x.rule} | ${x.citation.section} (${x.citation.document}) |`,
          );
        out.push("");
      }
    }
  }
  out.push(
    "## The record's integrity",
    "",
    verification.valid
      ? `The hash chain of all ${verification.records} records holds: no record has been changed or removed since it was made.`
      : `The hash chain does NOT hold: ${verification.problems.map((p) => `record ${p.seq} ${p.problem}`).join("; ")}.`,
  );
  return out.join("\n") + "\n";
}
