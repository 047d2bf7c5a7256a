/**
 * The quality-assurance result as a Markdown report for the board: summary by section, the gaps
 * with their sources, the computed timeliness items with their dates and rule, and the features
 * Ofsted judged with the items that bear on each.
 */
import type { QaReport } from "./checklist.js";

const WORDS = {
  achieved: "Achieved",
  "not-achieved": "Not achieved",
  "not-applicable": "Not applicable",
  unknown: "Not known",
};

export function renderQualityReport(r: QaReport): string {
  const out: string[] = [
    "# Quality assurance of a Serious Case Review",
    "",
    "Checked against the quality assurance checklist of the Barnsley Safeguarding Children Board's Serious Case Review Toolkit (000_e68e991094baaa7a.txt, Appendix I).",
    "",
    "## Summary by section",
    "",
    "| Section | Achieved | Not achieved | Not applicable | Not known |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const s of r.sections)
    out.push(`| ${s.title} | ${s.achieved} | ${s.notAchieved} | ${s.notApplicable} | ${s.unknown} |`);

  out.push("", "## Timeliness, computed from the dates", "");
  for (const i of r.items.filter((x) => x.computation)) {
    const c = i.computation!;
    const dates =
      Object.entries(c.dates)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none given";
    out.push(
      `- **${WORDS[i.status]}**: ${i.text}`,
      `  Rule: ${c.rule}.${c.deadline ? ` Deadline ${c.deadline}.` : ""} Dates: ${dates}.${c.missing.length ? ` Missing: ${c.missing.join(", ")}.` : ""}`,
      `  Basis: ${c.basis.text} (${c.basis.citation.section}, ${c.basis.citation.document})`,
    );
  }

  out.push("", "## Gaps", "");
  if (r.gaps.length === 0) out.push("None: every item is achieved or not applicable.");
  for (const g of r.gaps) out.push(`- **${WORDS[g.status]}** (${g.section}): ${g.text}`);

  out.push("", "## What Ofsted judged (000 §13), and the items that bear on it", "");
  for (const f of r.features) {
    out.push(`- ${f.text} ${f.gaps.length ? `Gaps: ${f.gaps.join(", ")}.` : "No gaps."}`);
  }
  return out.join("\n") + "\n";
}
