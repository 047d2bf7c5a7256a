/**
 * The advice in words, shared by every rendering (the result page, the live panel, the minutes in
 * each format): the headline, what it rests on, the assumptions it makes, and what answering the
 * decisive questions would do. One place, so the page and the minutes never say it differently.
 */
import { ladderFor } from "../rulesets/outcomes.js";
import type { Citation, Outcome } from "../rulesets/types.js";
import type {
  Assessment,
  AssumptionReport,
  CriterionReport,
  DecisiveQuestion,
  OutcomeOrOpen,
} from "./assess.js";

/**
 * The outcome in words, from the edition's ladder (edition.yaml `outcomes`): "Initiate a Serious
 * Case Review" under Working Together, "Hold an extended child practice review" in Wales.
 */
export function outcomeWords(editionId: string, o: OutcomeOrOpen): string {
  return o === "undetermined" ? "Not yet determined" : (ladderFor(editionId).words[o] ?? o);
}

/** The same, to stand inside a sentence. */
export function outcomePhrase(editionId: string, o: Outcome): string {
  return ladderFor(editionId).phrase[o] ?? o;
}

export const STATUS_WORDS = { met: "Met", "not-met": "Not met", undetermined: "Undetermined" } as const;

export const APPLIES_WORDS = {
  required: "Yes",
  "if-review-held": "If a review is held",
  "may-be-required": "May apply",
  "not-required": "No",
} as const;

export function answerWords(a: string | number): string {
  return a === "unknown" ? "not known" : String(a);
}

export function outcomesWords(editionId: string, outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => outcomePhrase(editionId, o)).join(" or ");
}

/** The headline: the outcome in plain words, or what is settled so far. */
export function headline(a: Assessment): string {
  if (a.determined) return `${outcomeWords(a.edition.id, a.outcome)}.`;
  const still = a.possibleOutcomes.map((o) => outcomePhrase(a.edition.id, o)).join("; ");
  return `Not yet determined. Still possible: ${still}.`;
}

/** The criteria that establish the outcome (or the floor): met, at that outcome's level. */
export function establishing(a: Assessment): CriterionReport[] {
  const level = a.determined ? a.outcome : a.atLeast;
  return a.criteria.filter((c) => c.status === "met" && c.outcome === level);
}

/** What the headline rests on, in one sentence. */
export function restsOn(a: Assessment): string {
  const met = establishing(a);
  if (met.length > 0) {
    const titles = met.map((c) => c.title);
    const list =
      titles.length > 3
        ? `${titles.slice(0, 3).join("; ")}; and ${titles.length - 3} more`
        : titles.join("; ");
    return `It rests on ${met.length === 1 ? "this criterion, met" : "these criteria, met"}: ${list}.`;
  }
  if (a.determined) return "No criterion is met: the answers given rule every one of them out.";
  return "No criterion is met on the answers given so far.";
}

/**
 * What answering a question would do: the answers that alone would change what is possible, or,
 * for a question that decides only together with other open questions, what it bears on.
 */
export function changes(
  a: Assessment,
  d: Pick<DecisiveQuestion, "ifAnswered"> & { bearsOn?: Outcome },
): string {
  const now = a.possibleOutcomes.join(",");
  const effects = d.ifAnswered.filter((e) => e.possibleOutcomes.join(",") !== now);
  if (effects.length > 0)
    return effects
      .map((e) => `if ${e.answer}: ${outcomesWords(a.edition.id, e.possibleOutcomes)}`)
      .join("; ");
  // bearsOn is a rung above the ladder's last (decisive.ts); without it, the strongest still possible.
  const rung = d.bearsOn ?? a.possibleOutcomes[0]!;
  return `with other open questions, it could bring about or rule out: ${outcomePhrase(a.edition.id, rung)}`;
}

/** "Question 3" from an eleven-questions criterion title ("Question 3: abuse or neglect …"). */
function questionNumber(title: string): string {
  return /^Question (\d+)/.exec(title)?.[1] ?? title;
}

/** The eleven questions still open, by number: "1, 2 and 8". */
export function elevenOpen(items: readonly DecisiveQuestion[]): string {
  const numbers = [...new Set(items.map((d) => questionNumber(d.partOf?.title ?? "")))];
  return numbers.length === 1
    ? numbers[0]!
    : `${numbers.slice(0, -1).join(", ")} and ${numbers[numbers.length - 1]}`;
}

/** An assumption as the headline states it. */
export function assumptionWords(a: Assessment, x: AssumptionReport): string {
  return `Not yet answered, and read as the guidance directs: “${x.wording}” ${x.because} Answering it would change the advice (${changes(a, x)}).`;
}

/** The eleven questions' shared lead-in, from the first of their quotes (before the first " … "). */
export function elevenLeadIn(quote: string): string {
  return quote.split(" … ")[0]!;
}

/** Where the eleven questions' shared lead-in is: a question's citation without ", question 3". */
export function elevenLeadInCitation(c: Citation): Citation {
  return { ...c, section: c.section.replace(/, question \d+$/, "") };
}

/** A quote of one of the eleven questions without the lead-in the page quotes once. */
export function withoutLeadIn(c: Pick<CriterionReport, "level" | "quote">): string {
  if (c.level !== "useful-lessons") return c.quote;
  const parts = c.quote.split(" … ");
  return parts.length > 1 ? `… ${parts.slice(1).join(" … ")}` : c.quote;
}

/** The decisive questions in groups: each question alone, the eleven questions together. */
export function decisiveGroups(a: Assessment): Array<{ eleven: boolean; items: DecisiveQuestion[] }> {
  const groups: Array<{ eleven: boolean; items: DecisiveQuestion[] }> = [];
  for (const d of a.decisiveQuestions) {
    const last = groups[groups.length - 1];
    if (d.partOf && last?.eleven) last.items.push(d);
    else groups.push({ eleven: d.partOf !== null, items: [d] });
  }
  return groups;
}
