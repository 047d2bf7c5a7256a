/**
 * Minutes: a Markdown rationale a chair can paste into the minutes of the sub-group or keep with
 * the decision. Everything in it comes from the assessment, which comes from the rule files, so
 * every statement carries its quote and citation. A decision not to hold a review needs the most
 * careful record (000 §4.3; 001 Stage 1), so the alternatives and the record-keeping duties are
 * always included.
 *
 * The guidance text of each rule (summary, quote, source) renders the same for every assessment,
 * so those blocks are rendered once and reused, as Markdown and as the JSON string the API
 * answers with: the minutes are kept as lines, each a string rendered for this assessment or a
 * block rendered once, and only the former are encoded per answer.
 */
import type { Assessment, Basis, RuleReport } from "./assess.js";
import { ladderFor } from "../rulesets/outcomes.js";

/** The words of an edition's outcomes, for every rendering of the advice (pages, case records). */
export { ladderFor };
import type { Citation, Source } from "../rulesets/types.js";

export const STATUS_WORDS = { met: "Met", "not-met": "Not met", undetermined: "Undetermined" } as const;

export const APPLIES_WORDS = {
  required: "Yes",
  "if-review-held": "If a review is held",
  "may-be-required": "May apply",
  "not-required": "No",
} as const;

function blockquote(text: string): string {
  return "> " + text.replace(/\n/g, "\n> ");
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

/** A piece of guidance rendered once: its Markdown, and the same as the inside of a JSON string. */
export interface Block {
  text: string;
  json: Buffer;
}

/** A line of the minutes: rendered for this assessment, or a block of guidance rendered once. */
export type Line = string | Block;

/**
 * Rendered guidance blocks, keyed by the citation object of the rule (or alternative, or passage)
 * they render, and by the words before the quote (a trigger's requirement shares its rule's
 * citation object with nothing else, but the key costs nothing). Rule files are loaded once, so
 * each citation object stands for one piece of guidance text for the life of the library; a
 * reloaded library brings new objects, and the old blocks go with the old library.
 */
const blocks = new WeakMap<Citation, Block>();

function guidanceBlock(
  sources: ReadonlyMap<string, Source>,
  summary: string | null,
  quote: string,
  citation: Citation,
): Block {
  let block = blocks.get(citation);
  if (block === undefined) {
    const source = sources.get(citation.document);
    const cite = `${source?.short ?? citation.document}, ${citation.section} (${citation.document})`;
    // A source not held word for word is stated in the project's words, and says so.
    const text =
      source?.quoted === false
        ? `${summary ? `${summary}\n\n` : ""}${blockquote(`Not quoted; in the project's words: ${quote}`)}\n\nSource: ${cite}, ${source.address}.`
        : `${summary ? `${summary}\n\n` : ""}${blockquote(quote)}\n\nSource: ${cite}.`;
    block = { text, json: Buffer.from(JSON.stringify(text).slice(1, -1)) };
    blocks.set(citation, block);
  }
  return block;
}

const lineText = (l: Line) => (typeof l === "string" ? l : l.text);

/** The minutes as Markdown. */
export function minutesText(lines: readonly Line[]): string {
  return lines.map(lineText).join("\n") + "\n";
}

/**
 * @param wordings question id -> wording, so the answers read as the questionnaire asked them.
 */
export function renderMinutes(a: Assessment, wordings: ReadonlyMap<string, string>): string {
  return minutesText(minutesLines(a, wordings));
}

/** The minutes line by line (see minutesText and minutesJson). */
export function minutesLines(a: Assessment, wordings: ReadonlyMap<string, string>): Line[] {
  const out: Line[] = [];
  // The outcomes' words are the edition's (edition.yaml `outcomes`).
  const {
    words: OUTCOME_WORDS,
    phrase: OUTCOME_PHRASE,
    none,
    reviewTitle,
    decidersOwn,
  } = ladderFor(a.edition.id);
  const sources = new Map(a.sources.map((s) => [s.document, s]));
  const guidance = (summary: string | null, quote: string, citation: Citation) =>
    guidanceBlock(sources, summary, quote, citation);
  const ruleSection = (r: RuleReport, heading: string): Line[] => {
    const lines: Line[] = [`### ${heading}`, "", guidance(r.summary, r.quote, r.citation), ""];
    const law = (r as { law?: { quote: string; citation: Citation } }).law;
    if (law) lines.push("The law:", guidance(null, law.quote, law.citation), "");
    lines.push(`Answers read: ${r.basis.map(basisLine).join("; ")}.`);
    for (const x of r.assumptions) {
      lines.push("", `Unanswered question read as the guidance directs: ${x.question}. ${x.because}`);
    }
    return lines;
  };

  out.push(
    `# ${reviewTitle} decision: advice for the minutes`,
    "",
    `Criteria: ${a.edition.title} (${a.edition.id}). Rule set ${a.ruleset.version}, ${a.ruleset.hash}.`,
    "",
    `Advice reference: ${a.adviceId}.`,
    "",
    `This is advice from the Threshold decision service. The decision is ${decidersOwn} alone.`,
    "",
    `Edition chosen: ${a.editionChoice.reason}`,
    ...a.editionChoice.warnings.flatMap((w) => ["", `**Confirm:** ${w}`]),
    "",
    "## Advice",
    "",
  );
  if (a.determined) {
    out.push(
      `**${OUTCOME_WORDS[a.outcome]}.** Every way of answering the open questions gives this outcome.`,
    );
  } else {
    const established =
      a.outcome === none
        ? "no criterion is met on the answers given so far"
        : `${OUTCOME_PHRASE[a.outcome]} (a criterion at that level is met; a stronger outcome remains possible)`;
    out.push(
      `**Not yet determined.** Established so far: ${established}.`,
      "",
      `Still possible, depending on the open questions: ${a.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join("; ")}.`,
    );
  }

  out.push("", "## Answers given", "");
  if (a.answers.length === 0) {
    out.push("No questions were answered.");
  } else {
    out.push("| Question | Answer |", "| --- | --- |");
    for (const g of a.answers) {
      const note = g.usedByEdition ? "" : ` (not used by ${a.edition.title})`;
      out.push(`| ${cell(wordings.get(g.id) ?? g.id)} (${g.id}) | ${answerWords(g.answer)}${note} |`);
    }
  }
  if (a.openQuestions.length > 0) {
    out.push("", `Not yet answered (${a.openQuestions.length}): ${a.openQuestions.join(", ")}.`);
  }

  if (a.decisiveQuestions.length > 0) {
    out.push("", "## Open questions that could change the outcome", "");
    for (const d of a.decisiveQuestions) {
      const effects = d.ifAnswered
        .map((e) => `if ${e.answer}: ${e.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join(" or ")}`)
        .join("; ");
      out.push(`- ${d.wording} (${d.id}): ${effects}.`);
    }
  }

  for (const status of ["met", "undetermined", "not-met"] as const) {
    const group = a.criteria.filter((c) => c.status === status);
    if (group.length === 0) continue;
    out.push("", `## Criteria ${STATUS_WORDS[status].toLowerCase()} (${group.length})`);
    for (const c of group) out.push("", ...ruleSection(c, `${STATUS_WORDS[status]}: ${c.title}`));
  }

  out.push("", "## Notifications and parallel processes");
  for (const t of a.triggers) {
    if (t.status === "not-met") continue;
    const heading = `${t.status === "met" ? "Applies" : "May apply"}: ${t.title}`;
    const follows = guidance(t.requires.text, t.requires.quote, t.requires.citation);
    out.push("", ...ruleSection(t, heading), "", "What follows:", follows);
  }
  const notMet = a.triggers.filter((t) => t.status === "not-met");
  if (notMet.length > 0) {
    out.push("", `Not applicable on these answers: ${notMet.map((t) => t.title).join("; ")}.`);
  }

  if (a.tensions.length > 0) {
    out.push("", "## Where the guidance pulls apart", "");
    out.push("The source texts say different things here; both are quoted, and the decision is the chair's.");
    for (const t of a.tensions) {
      out.push("", `### ${t.title}`, "", t.summary);
      for (const side of t.sides) out.push("", guidance(side.appliesWhen, side.quote, side.citation));
      out.push("", `How this advice reads it: ${t.reading}`);
    }
  }

  out.push("", "## Deadlines", "");
  out.push("| Action | Applies | Due | How it is counted | Source |", "| --- | --- | --- | --- | --- |");
  for (const x of a.actions) {
    if (x.applies === "not-required") continue;
    const due = x.due ?? (x.fromDate !== null ? "no time set" : `needs ${x.from}`);
    const source = `${x.citation.section} (${x.citation.document})`;
    out.push(`| ${cell(x.text)} | ${APPLIES_WORDS[x.applies]} | ${due} | ${x.rule} | ${source} |`);
  }

  out.push("", `## If no ${reviewTitle} is held`, "", "The guidance offers these alternatives:");
  for (const alt of a.alternatives) {
    out.push("", `### ${alt.title}`, "", guidance(alt.text, alt.quote, alt.citation));
  }

  out.push("", "## Recording the decision");
  a.recordKeeping.forEach((p) => out.push("", guidance(null, p.quote, p.citation)));

  out.push("", "## Sources", "");
  for (const s of a.sources) out.push(`- ${s.document}: ${s.title}`);

  return out;
}
