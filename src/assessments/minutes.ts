/**
 * Minutes a chair can file: one page by default, in the order a decision record needs (000 §4.3;
 * 001 Stage 1 and 5; a decision not to hold a review needs the most careful record): the decision
 * sought, the advice and what it rests on, the criteria that decide it with quote and citation, the
 * open questions that could change it, the duties and deadlines that follow, the alternatives
 * considered, and lines for the chair's decision and reasons. Questions are named by their wording,
 * never by their ids. The full criteria, every answer and the record-keeping passages form an
 * annex, given on request.
 *
 * The minutes are built once as a small document (headings, paragraphs, lists, quotes, lines to
 * fill in) and rendered from it as Markdown, as HTML that pastes into Word with its headings and
 * lists, as plain text, and as .docx (docx.ts).
 */
import type { Assessment, CriterionReport, RuleReport } from "./assess.js";
import type { Citation, Source } from "../rulesets/types.js";
import {
  APPLIES_WORDS,
  STATUS_WORDS,
  answerWords,
  assumptionWords,
  changes,
  decisiveGroups,
  elevenLeadIn,
  elevenLeadInCitation,
  elevenOpen,
  establishing,
  headline,
  restsOn,
  withoutLeadIn,
} from "./words.js";
import { ladderFor } from "../rulesets/outcomes.js";
import { NO_TIME_SET } from "../timelines/deadlines.js";

/** The formats the minutes come in, by media type. */
export const MINUTES_TYPES = {
  "text/markdown": { extension: "md", name: "Markdown" },
  "text/html": { extension: "html", name: "HTML (pastes into Word)" },
  "text/plain": { extension: "txt", name: "plain text" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    extension: "docx",
    name: "Word",
  },
} as const;
export type MinutesType = keyof typeof MINUTES_TYPES;

export interface Item {
  lead?: string;
  text: string;
  items?: Item[];
}

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string }
  | { kind: "paragraph"; lead?: string; text: string }
  | { kind: "list"; items: Item[] }
  | { kind: "quote"; text: string; cite: string }
  | { kind: "fill"; label: string };

export interface MinutesOptions {
  /** The full criteria, every answer and the record-keeping passages, after the page. */
  annex?: boolean;
  /** The board's case reference, when the advice is for a case. */
  reference?: string;
}

/** "Working Together 2015, §4.4 (i)": a citation as the minutes give it. */
function citeWith(sources: ReadonlyMap<string, Source>, c: Citation): string {
  return `${sources.get(c.document)?.short ?? c.document}, ${c.section}`;
}

/**
 * A passage of guidance: quoted word for word, or, for a source not held word for word (the law
 * behind a Welsh review, the English regulations since 2018), stated in the project's words and
 * saying so, with the source's address.
 */
function passage(sources: ReadonlyMap<string, Source>, text: string, c: Citation): Block {
  const source = sources.get(c.document);
  if (source?.quoted !== false) return { kind: "quote", text, cite: citeWith(sources, c) };
  return {
    kind: "paragraph",
    lead: "Not quoted; in the project's words:",
    text: `${text} (${citeWith(sources, c)}${source.address ? `, ${source.address}` : ""})`,
  };
}

/** The answers a rule read, by question wording: "Has the child died …? yes". */
function answersRead(r: RuleReport, wordings: ReadonlyMap<string, string>): string {
  return r.basis.map((b) => `${wordings.get(b.question) ?? b.question} ${answerWords(b.answer)}`).join("; ");
}

export function minutesDocument(
  a: Assessment,
  wordings: ReadonlyMap<string, string>,
  options: MinutesOptions = {},
): Block[] {
  const sources = new Map(a.sources.map((s) => [s.document, s]));
  const cite = (c: Citation) => citeWith(sources, c);
  // Outside the deciding quotes a citation is the document's number and section ("004 §2.3"),
  // and one line at the end says which document each number is.
  const used = new Set<string>();
  const short = (c: Citation) => {
    used.add(c.document);
    return `${c.document.split("_")[0]} ${c.section}`;
  };
  const out: Block[] = [];
  const h = (level: 1 | 2 | 3, text: string) => out.push({ kind: "heading", level, text });
  const p = (text: string, lead?: string) => out.push({ kind: "paragraph", text, ...(lead ? { lead } : {}) });
  // The review, the outcomes and who decides are the edition's (edition.yaml): a Welsh board's
  // minutes speak of child practice reviews, an English partnership's since 2018 of the partners.
  const { ladder, follows, reviewTitle, reviewName, decider, decidersOwn, decisionTimescale } = ladderFor(
    a.edition.id,
  );
  const Decider = decidersOwn.replace(/^./, (c) => c.toUpperCase());

  h(1, `${reviewTitle} decision: advice for the minutes`);
  p(
    `${options.reference ? `Case ${options.reference}. ` : ""}Advice from Threshold under ${a.edition.title}. Rule set ${a.ruleset.version}; advice reference ${a.adviceId}. Threshold advises; the decision is ${decidersOwn} alone.`,
  );
  // How the edition was chosen, and what the board should confirm about it (rulesets/select.ts).
  if (a.editionChoice.by !== "default" || a.editionChoice.warnings.length > 0)
    p(a.editionChoice.reason, "Edition:");
  for (const w of a.editionChoice.warnings) p(w, "Confirm:");

  h(2, "Decision sought");
  // When the decision is due: the edition's timescale for it (edition.yaml `decisionTimescale`),
  // or that the sources set no time (Wales), said as plainly as a date would be.
  const dueBy = a.actions.find((x) => x.id === decisionTimescale && x.applies !== "not-required");
  const due = dueBy?.due;
  const dueWords = due
    ? ` ${Decider} decision is due by ${due}${dueBy!.applies === "required" ? "" : ` (${dueBy!.appliesWhen})`}.`
    : dueBy && dueBy.rule.startsWith(NO_TIME_SET)
      ? ` No time for ${decidersOwn} decision is set by the sources held.`
      : "";
  // Kinds of review the ladder can bring about (Wales: extended or concise); none as a duty, when
  // every rung leaves the choice to the deciders (cspr-2018: criteria to weigh).
  const kinds = ladder.filter((o) => follows[o] === "review").length;
  const weighed = kinds === 0;
  p(
    `Whether this case meets the criteria for ${reviewName}, and whether to ${kinds > 1 ? "hold one, and of which kind" : weighed ? "hold one" : "initiate one"}.${weighed ? ` The criteria are to be weighed: whatever they give, ${decider} decide${decider.endsWith("s") ? "" : "s"}.` : ""}${dueWords}`,
  );

  h(2, "Advice");
  p(restsOn(a), headline(a));
  for (const x of a.assumptions) p(assumptionWords(a, x), "Assumption.");

  const deciding = establishing(a);
  h(2, deciding.length > 0 ? "The criteria that decide it" : "The criteria");
  if (deciding.length > 0) {
    const lessons = deciding.find((c) => c.level === "useful-lessons");
    if (lessons) out.push(passage(sources, elevenLeadIn(lessons.quote), lessons.citation));
    for (const c of deciding) {
      p(`on the answers: ${answersRead(c, wordings)}.`, `${c.title}:`);
      out.push(passage(sources, withoutLeadIn(c), c.citation));
      // The law the quoted guidance restates (wales-cpr: SI 2012/1712), in the project's words.
      if (c.law) out.push(passage(sources, c.law.quote, c.law.citation));
    }
  } else {
    // Nothing met: the record says which of the strongest criteria the answers rule out and how.
    const strongest = a.criteria.filter((c) => c.outcome === ladder[0]);
    const notMet = strongest.filter((c) => c.status === "not-met");
    if (notMet.length > 0)
      out.push({
        kind: "list",
        items: notMet.map((c) => ({ lead: `Not met: ${c.title} (${cite(c.citation)}).`, text: "" })),
      });
    const lessons = a.criteria.filter((c) => c.level === "useful-lessons");
    const noneOfEleven = lessons.length > 0 && lessons.every((c) => c.status === "not-met");
    if (noneOfEleven)
      p("None of the eleven questions (whether a review could yield useful lessons) is answered yes.");
    if (notMet.length === 0 && !noneOfEleven) p("No criterion is met on the answers given.");
  }

  h(2, "Open questions that could change it");
  if (a.decisiveQuestions.length === 0) {
    p(
      a.openQuestions.length === 0
        ? "Every question is answered."
        : `None: ${a.openQuestions.length} question${a.openQuestions.length === 1 ? " is" : "s are"} unanswered, but no answer to ${a.openQuestions.length === 1 ? "it" : "them"} could change the advice.`,
    );
  } else {
    const items: Item[] = [];
    for (const g of decisiveGroups(a)) {
      if (g.eleven && g.items.length > 1) {
        // The eleven questions by number: their wordings are in the questionnaire and the annex.
        items.push({
          lead: `The eleven questions ${elevenOpen(g.items)}:`,
          text: `unanswered; ${changes(a, { ...g.items[0]!, ifAnswered: g.items[0]!.ifAnswered }).replace(/^if yes/, "a yes to any")}.`,
        });
      } else {
        for (const d of g.items)
          items.push({
            lead: d.wording,
            text: `(${changes(a, d)})${d.assumption ? "; the advice assumes the guidance's reading of it for now" : ""}.`,
          });
      }
    }
    out.push({ kind: "list", items });
  }

  h(2, "Duties and deadlines");
  const duties: Item[] = [];
  const mayApply: string[] = [];
  // A duty that a dated deadline below already states (same paragraph) is named there, not twice.
  const required = a.actions.filter((x) => x.applies === "required");
  const dated = new Set(required.map((x) => `${x.citation.document}|${x.citation.section}`));
  for (const t of a.triggers) {
    if (t.status === "undetermined") mayApply.push(t.title);
    if (t.status !== "met") continue;
    if (dated.has(`${t.requires.citation.document}|${t.requires.citation.section}`)) continue;
    duties.push({ lead: `${t.title}:`, text: `${t.requires.text} (${short(t.requires.citation)})` });
  }
  // Deadlines that share a count are one line; those counted from publication belong to the
  // review's own plan (the annex), not to the decision.
  const byCount = (actions: Assessment["actions"]): Item[] => {
    const groups = new Map<string, Assessment["actions"]>();
    for (const x of actions) {
      const key = `${x.due ?? ""}|${x.rule}`;
      groups.set(key, [...(groups.get(key) ?? []), x]);
    }
    return [...groups.values()].map((xs) => {
      const x = xs[0]!;
      const sections = [...new Set(xs.map((y) => short(y.citation)))].join(", ");
      return {
        lead: `${x.due ? `By ${x.due}` : x.rule.replace(/^./, (c) => c.toUpperCase())}:`,
        text: `${xs.map((y) => y.text.replace(/\.$/, "")).join("; ")} (${sections}).`,
      };
    });
  };
  // In the order they fall due; those counted from a date not yet known after them.
  const inOrder = [...required].sort((x, y) => (x.due ?? "9999").localeCompare(y.due ?? "9999"));
  duties.push(...byCount(inOrder));
  const ifHeld = a.actions.filter((x) => x.applies === "if-review-held" && x.from !== "publication");
  if (ifHeld.length > 0 && a.possibleOutcomes.some((o) => follows[o] !== "no-review")) {
    // Without the decision's date they are a plan, not deadlines: named in the annex.
    const dated = ifHeld.filter((x) => x.due);
    duties.push({
      lead: "If a review is held:",
      text:
        dated.length === 0
          ? `${ifHeld.length} further deadlines count from the date of the decision (the annex lists them).`
          : "",
      ...(dated.length > 0 ? { items: byCount(ifHeld) } : {}),
    });
  }
  // On one page a count; the annex names each process that open questions leave possible.
  if (mayApply.length > 0)
    duties.push({
      lead: "May also apply, depending on open questions:",
      text:
        mayApply.length <= 3
          ? `${mayApply.join("; ")}.`
          : `${mayApply.length} further notifications or parallel processes (the annex names them).`,
    });
  if (duties.length > 0) out.push({ kind: "list", items: duties });
  else p("None on the answers given.");

  if (a.tensions.length > 0) {
    // Where the sources pull apart the record says so rather than choosing silently (issue 15):
    // those these answers raise in full, those every case of the edition meets by title; both
    // quotes of each are in the annex and in the answer.
    h(2, "Where the guidance pulls apart");
    const raised = a.tensions.filter((t) => t.because.length > 0);
    const standing = a.tensions.filter((t) => t.because.length === 0);
    const items: Item[] = raised.map((t) => ({
      lead: `${t.title}:`,
      text: `${t.summary} How this advice reads it: ${t.reading} (${t.sides.map((x) => short(x.citation)).join("; ")})`,
    }));
    if (raised.length > 0 && standing.length > 0)
      items.push({
        lead: "In every case under this edition:",
        text: `${standing.map((t) => t.title).join("; ")} (the annex quotes both sides).`,
      });
    if (items.length > 0) out.push({ kind: "list", items });
    else
      p(
        `${standing.map((t) => t.title).join("; ")}: in every case under this edition (the annex quotes both sides).`,
      );
  }

  h(2, "Alternatives considered");
  // Where a review is not advised, the alternatives are the substance of the record; where it is,
  // naming them is enough.
  const full = !(a.determined && follows[a.outcome] === "review");
  if (a.alternatives.length === 0)
    p(
      `The sources held for ${a.edition.title} name no alternative to ${reviewName}; a decision not to hold one records its reasons below.`,
    );
  else if (full)
    out.push({
      kind: "list",
      items: a.alternatives.map((alt) => ({
        lead: `${alt.title}:`,
        text: `${alt.text} (${short(alt.citation)})`,
      })),
    });
  else p(`${a.alternatives.map((alt) => `${alt.title} (${short(alt.citation)})`).join("; ")}.`);

  h(2, `${Decider} decision`);
  out.push({ kind: "fill", label: "Decision" });
  out.push({ kind: "fill", label: "Reasons" });
  out.push({
    kind: "fill",
    label: decider === "the chair" ? "Chair and date" : `Signed for ${decider}, and date`,
  });

  const named = a.sources.filter((x) => used.has(x.document));
  if (named.length > 0)
    p(`${named.map((x) => `${x.document.split("_")[0]}: ${x.short}`).join("; ")}.`, "Sources:");

  if (options.annex) annex(out, a, wordings, cite, sources);
  return out;
}

function annex(
  out: Block[],
  a: Assessment,
  wordings: ReadonlyMap<string, string>,
  cite: (c: Citation) => string,
  sources: ReadonlyMap<string, Source>,
): void {
  out.push({ kind: "heading", level: 2, text: "Annex: every criterion" });
  const lessons = a.criteria.find((c) => c.level === "useful-lessons");
  for (const status of ["met", "undetermined", "not-met"] as const) {
    const group = a.criteria.filter((c) => c.status === status);
    if (group.length === 0) continue;
    out.push({
      kind: "heading",
      level: 3,
      text: `Criteria ${STATUS_WORDS[status].toLowerCase()} (${group.length})`,
    });
    for (const c of group as CriterionReport[]) {
      out.push({ kind: "paragraph", lead: `${c.title}.`, text: `Answers: ${answersRead(c, wordings)}.` });
      out.push(passage(sources, withoutLeadIn(c), c.citation));
      if (c.law) out.push(passage(sources, c.law.quote, c.law.citation));
    }
  }
  if (lessons)
    out.push({
      kind: "paragraph",
      lead: "The eleven questions are introduced so:",
      text: `“${elevenLeadIn(lessons.quote)}” (${cite(elevenLeadInCitation(lessons.citation))})`,
    });
  if (a.tensions.length > 0) {
    out.push({ kind: "heading", level: 3, text: "Where the guidance pulls apart" });
    for (const t of a.tensions) {
      out.push({ kind: "paragraph", lead: `${t.title}.`, text: t.summary });
      for (const side of t.sides) {
        out.push({ kind: "paragraph", text: side.appliesWhen });
        out.push(passage(sources, side.quote, side.citation));
      }
      out.push({ kind: "paragraph", lead: "How this advice reads it:", text: t.reading });
    }
  }
  const mayApply = a.triggers.filter((t) => t.status === "undetermined");
  if (mayApply.length > 0) {
    out.push({ kind: "heading", level: 3, text: "Processes that may apply, depending on open questions" });
    out.push({
      kind: "list",
      items: mayApply.map((t) => ({
        lead: `${t.title}:`,
        text: `${t.requires.text} (${cite(t.requires.citation)})`,
      })),
    });
  }
  out.push({ kind: "heading", level: 3, text: "Every deadline" });
  out.push({
    kind: "list",
    items: a.actions.map((x) => ({
      lead: `${x.text}`,
      text: `${APPLIES_WORDS[x.applies]}; ${x.due ? `by ${x.due}` : x.rule} (${cite(x.citation)}).`,
    })),
  });
  out.push({ kind: "heading", level: 3, text: "Answers given" });
  out.push({
    kind: "list",
    items:
      a.answers.length === 0
        ? [{ text: "No questions were answered." }]
        : a.answers.map((g) => ({
            lead: wordings.get(g.id) ?? g.id,
            text: `${answerWords(g.answer)}${g.usedByEdition ? "" : ` (not used by ${a.edition.title})`}`,
          })),
  });
  out.push({ kind: "heading", level: 3, text: "Recording the decision" });
  for (const r of a.recordKeeping) out.push(passage(sources, r.quote, r.citation));
  out.push({ kind: "heading", level: 3, text: "Sources" });
  out.push({ kind: "list", items: a.sources.map((s) => ({ text: `${s.title} (${s.document})` })) });
}

// ---- Renderings ----

const itemText = (i: Item) => (i.lead ? `${i.lead}${i.text ? ` ${i.text}` : ""}` : i.text);

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  const mdItem = (i: Item, indent: string): void => {
    out.push(`${indent}- ${i.lead ? `**${i.lead}**${i.text ? ` ${i.text}` : ""}` : i.text}`);
    for (const s of i.items ?? []) mdItem(s, `${indent}  `);
  };
  for (const b of blocks) {
    if (b.kind === "heading") out.push(`${"#".repeat(b.level)} ${b.text}`);
    else if (b.kind === "paragraph") out.push(b.lead ? `**${b.lead}** ${b.text}` : b.text);
    else if (b.kind === "list") b.items.forEach((i) => mdItem(i, ""));
    else if (b.kind === "quote") out.push(`> ${b.text.replace(/\n/g, "\n> ")}\n>\n> (${b.cite})`);
    else out.push(`${b.label}: ______________________________`);
    out.push("");
  }
  return out.join("\n").trimEnd() + "\n";
}

export function toText(blocks: readonly Block[]): string {
  const out: string[] = [];
  const txtItem = (i: Item, indent: string): void => {
    out.push(`${indent}- ${itemText(i)}`);
    for (const s of i.items ?? []) txtItem(s, `${indent}  `);
  };
  for (const b of blocks) {
    if (b.kind === "heading") {
      out.push(b.level === 1 ? b.text.toUpperCase() : b.text);
      out.push((b.level === 1 ? "=" : "-").repeat(Math.min(b.text.length, 72)));
    } else if (b.kind === "paragraph") out.push(b.lead ? `${b.lead} ${b.text}` : b.text);
    else if (b.kind === "list") b.items.forEach((i) => txtItem(i, ""));
    else if (b.kind === "quote") out.push(`    “${b.text}”\n    (${b.cite})`);
    else out.push(`${b.label}: ______________________________`);
    out.push("");
  }
  return out.join("\n").trimEnd() + "\n";
}

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The body of the minutes as HTML: plain elements Word keeps when pasted (h1-h3, p, ul, blockquote). */
export function toHtmlFragment(blocks: readonly Block[]): string {
  const out: string[] = [];
  const li = (i: Item): string =>
    `<li>${i.lead ? `<strong>${escape(i.lead)}</strong>${i.text ? ` ${escape(i.text)}` : ""}` : escape(i.text)}${
      i.items?.length ? `<ul>${i.items.map(li).join("")}</ul>` : ""
    }</li>`;
  for (const b of blocks) {
    if (b.kind === "heading") out.push(`<h${b.level}>${escape(b.text)}</h${b.level}>`);
    else if (b.kind === "paragraph")
      out.push(`<p>${b.lead ? `<strong>${escape(b.lead)}</strong> ` : ""}${escape(b.text)}</p>`);
    else if (b.kind === "list") out.push(`<ul>${b.items.map(li).join("")}</ul>`);
    else if (b.kind === "quote")
      out.push(`<blockquote><p>${escape(b.text)}</p><p>(${escape(b.cite)})</p></blockquote>`);
    else out.push(`<p>${escape(b.label)}: ______________________________</p>`);
  }
  return out.join("\n");
}

/**
 * Set like a page of minutes: A4 with 1.5 to 1.8 cm margins, 9.5 pt Arial, tight headings, so a typical
 * case's minutes print on one page (measured in the browser tests); a screen keeps a readable
 * line length.
 */
const MINUTES_CSS = [
  "@page{size:A4;margin:1.5cm 1.8cm}",
  "body{font-family:Arial,sans-serif;font-size:9.5pt;line-height:1.15;margin:0}",
  "@media screen{body{max-width:48em;margin:1em}}",
  "h1{font-size:15pt;margin:0 0 6pt}h2{font-size:11.5pt;margin:8pt 0 2pt}h3{font-size:10.5pt;margin:6pt 0 2pt}",
  "p,ul{margin:0 0 3pt}ul{padding-left:1.2em}li{margin:0 0 1pt}",
  "blockquote{margin:0 0 4pt 1.2em;font-style:italic}blockquote p{margin:0}",
].join("");

/** A whole HTML document, for a download or a paste into Word. */
export function toHtml(blocks: readonly Block[]): string {
  const title =
    blocks.find((b) => b.kind === "heading")?.kind === "heading"
      ? (blocks[0] as { text: string }).text
      : "Minutes";
  return `<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<title>${escape(title)}</title>\n<style>${MINUTES_CSS}</style>\n</head>\n<body>\n${toHtmlFragment(blocks)}\n</body>\n</html>\n`;
}

/** The minutes as Markdown (the default, and the `minutes` field of the full answer). */
export function renderMinutes(
  a: Assessment,
  wordings: ReadonlyMap<string, string>,
  options: MinutesOptions = {},
): string {
  return toMarkdown(minutesDocument(a, wordings, options));
}

/** Words in a rendering, as a reader counts them. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
