/**
 * Minutes: a Markdown rationale a chair can paste into the minutes of the sub-group or keep with
 * the decision. Everything in it comes from the assessment, which comes from the rule files, so
 * every statement carries its quote and citation. A decision not to hold a review needs the most
 * careful record (000 §4.3; 001 Stage 1), so the alternatives and the record-keeping duties are
 * always included.
 */
import type { Assessment, Basis, RuleReport } from "../evaluation/assess.js";
import type { Outcome, ResolvedCitation } from "../rules/types.js";

export const OUTCOME_WORDS: Record<Outcome, string> = {
  "initiate-scr": "Initiate a Serious Case Review",
  "consider-scr": "Consider a Serious Case Review",
  "criteria-not-met": "The criteria for a Serious Case Review are not met",
};

/** The same, to stand inside a sentence. */
const OUTCOME_PHRASE: Record<Outcome, string> = {
  "initiate-scr": "initiate a Serious Case Review",
  "consider-scr": "consider a Serious Case Review",
  "criteria-not-met": "the criteria are not met",
};

const STATUS_WORDS = { met: "Met", "not-met": "Not met", undetermined: "Undetermined" } as const;

function cite(c: ResolvedCitation): string {
  return `${c.title}, ${c.section} (${c.document})`;
}

function blockquote(text: string): string {
  return text
    .split("\n")
    .map((l) => `> ${l}`)
    .join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function answerWords(a: string | number): string {
  return a === "unknown" ? "not known" : String(a);
}

function basisLine(b: Basis): string {
  const state = b.holds === null ? "open" : b.holds ? "holds" : "does not hold";
  return `${b.question} is ${answerWords(b.answer)} (needs ${b.condition}: ${state})`;
}

function ruleSection(r: RuleReport, heading: string): string {
  const lines = [
    `### ${heading}`,
    "",
    r.summary,
    "",
    blockquote(r.quote),
    "",
    `Source: ${cite(r.citation)}.`,
    "",
    `Answers read: ${r.basis.map(basisLine).join("; ")}.`,
  ];
  for (const a of r.assumptions) {
    lines.push("", `Unanswered question read as the guidance directs: ${a.question}. ${a.because}`);
  }
  return lines.join("\n");
}

export function renderMinutes(a: Assessment): string {
  const out: string[] = [];
  const push = (...s: string[]): void => {
    out.push(...s);
  };

  push(
    "# Serious Case Review decision: advice for the minutes",
    "",
    `Criteria: ${a.edition.title} (${a.edition.id}). Rule set ${a.ruleset.version}, ${a.ruleset.hash}.`,
    "",
    "This is advice from the Threshold decision service. The decision is the chair's alone.",
    "",
    "## Advice",
    "",
  );
  if (a.determined) {
    push(`**${OUTCOME_WORDS[a.outcome]}.** Every way of answering the open questions gives this outcome.`);
  } else {
    const established =
      a.outcome === "criteria-not-met"
        ? "no criterion is met on the answers given so far"
        : `${OUTCOME_PHRASE[a.outcome]} (a criterion at that level is met; a stronger outcome remains possible)`;
    push(
      `**Not yet determined.** Established so far: ${established}.`,
      "",
      `Still possible, depending on the open questions: ${a.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join("; ")}.`,
    );
  }

  push("", "## Answers given", "");
  if (a.answers.length === 0) {
    push("No questions were answered.");
  } else {
    push("| Question | Answer |", "| --- | --- |");
    for (const g of a.answers) {
      const note = g.usedByEdition ? "" : ` (not used by ${a.edition.title})`;
      push(`| ${cell(g.wording)} | ${answerWords(g.answer)}${note} |`);
    }
  }
  if (a.openQuestions.length > 0) {
    push("", `Not yet answered (${a.openQuestions.length}): ${a.openQuestions.join(", ")}.`);
  }

  if (a.decisiveQuestions.length > 0) {
    push("", "## Open questions that could change the outcome", "");
    for (const d of a.decisiveQuestions) {
      const effects = d.ifAnswered
        .map((e) => `if ${e.answer}: ${e.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join(" or ")}`)
        .join("; ");
      push(`- ${d.wording} (${d.id}): ${effects}.`);
    }
  }

  for (const status of ["met", "undetermined", "not-met"] as const) {
    const group = a.criteria.filter((c) => c.status === status);
    if (group.length === 0) continue;
    push("", `## Criteria ${STATUS_WORDS[status].toLowerCase()} (${group.length})`);
    for (const c of group) push("", ruleSection(c, `${STATUS_WORDS[status]}: ${c.title}`));
  }

  push("", "## Notifications and parallel processes");
  for (const t of a.triggers) {
    if (t.status === "not-met") continue;
    push(
      "",
      ruleSection(t, `${t.status === "met" ? "Applies" : "May apply"}: ${t.title}`),
      "",
      `What follows: ${t.requires.text}`,
      "",
      blockquote(t.requires.quote),
      "",
      `Source: ${cite(t.requires.citation)}.`,
    );
  }
  const notMet = a.triggers.filter((t) => t.status === "not-met");
  if (notMet.length > 0) {
    push("", `Not applicable on these answers: ${notMet.map((t) => t.title).join("; ")}.`);
  }

  push(
    "",
    "## Deadlines",
    "",
    "| Action | Applies | Due | How it is counted | Source |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const x of a.actions) {
    if (x.applies === "not-required") continue;
    const applies = {
      required: "Yes",
      "if-review-held": "If a review is held",
      "may-be-required": "May apply",
      "not-required": "No",
    }[x.applies];
    push(
      `| ${cell(x.text)} | ${applies} | ${x.due ?? `needs ${x.from}`} | ${cell(x.rule)} | ${cell(`${x.citation.section} (${x.citation.document})`)} |`,
    );
  }

  push("", "## If no Serious Case Review is held", "", "The guidance offers these alternatives:");
  for (const alt of a.alternatives) {
    push(
      "",
      `### ${alt.title}`,
      "",
      alt.text,
      "",
      blockquote(alt.quote),
      "",
      `Source: ${cite(alt.citation)}.`,
    );
  }

  push("", "## Recording the decision", "");
  for (const p of a.recordKeeping) push(blockquote(p.quote), "", `Source: ${cite(p.citation)}.`, "");

  return out.join("\n").trimEnd() + "\n";
}
