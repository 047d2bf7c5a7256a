/**
 * Recording a decision: each edition's options (rules/editions/<edition>/decisions.yaml: the
 * board's form under Working Together, child practice reviews in Wales, the safeguarding partners'
 * local review decision since 2018),
 * whether the decision departs from the advice it was given, and the deadlines that follow from the
 * date of the decision, computed once and kept with the record.
 */
import { z } from "zod";
import { RuleFileError } from "../errors.js";
import { readYaml } from "../rulesets/load.js";
import { citationSchema, quotedPassageSchema } from "../rulesets/schema.js";
import { ladderWords } from "../rulesets/outcomes.js";
import type { Citation, EditionInfo, Outcome, QuotedPassage, Timescale } from "../rulesets/types.js";
import { computeDeadlines } from "../timelines/deadlines.js";
import type { WorkingDayCalendar } from "../timelines/calendar.js";

const optionSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z-]*$/),
  text: z.string().min(1),
  review: z.boolean().default(false),
  /**
   * The rung of the edition's ladder (edition.yaml `outcomes`) the decision carries out, where the
   * ladder names kinds of review (Wales: extended or concise), so that holding the other kind is
   * seen to depart from the advice.
   */
  outcome: z.string().optional(),
  /** Where the option comes from, when it is not the file's own citation. */
  source: quotedPassageSchema.optional(),
});

const fileSchema = z.strictObject({
  citation: citationSchema,
  quote: z.string().min(1),
  options: z.array(optionSchema).min(1),
  /** Quoted when a decision not to hold a review departs from advice that one must be held. */
  caution: quotedPassageSchema.optional(),
  /**
   * What the decision records beside it: the recommendation of the review that came before it
   * (cspr-2018: the rapid review's). `review` says whether the recommendation was for a review;
   * left out where it was for neither.
   */
  recommendation: z
    .strictObject({
      label: z.string().min(1),
      hint: z.string().min(1).optional(),
      citation: citationSchema,
      quote: z.string().min(1),
      options: z
        .array(
          z.strictObject({
            id: z.string().regex(/^[a-z][a-z-]*$/),
            text: z.string().min(1),
            review: z.boolean().optional(),
          }),
        )
        .min(2),
    })
    .optional(),
});
export type DecisionOptions = z.infer<typeof fileSchema>;
export type DecisionOption = DecisionOptions["options"][number];

/** Every edition's decision options (editions/<edition>/decisions.yaml). */
export interface DecisionLibrary {
  /** Every edition's options, each id once (the first edition's words): what the API accepts. */
  options: DecisionOption[];
  /** Every recommendation id some edition records, each once. */
  recommendations: string[];
  byEdition: Map<string, DecisionOptions>;
}

const fileOf = (edition: string) => `editions/${edition}/decisions.yaml`;

/**
 * Reads each edition's decisions.yaml, checked at start-up: ids distinct, and an option's
 * `outcome` a rung of its edition's ladder. A problem names the file and the field.
 */
export function loadDecisionOptions(
  rulesDir: string,
  editions: Iterable<Pick<EditionInfo, "id" | "outcomes">>,
): DecisionLibrary {
  const byEdition = new Map<string, DecisionOptions>();
  const options = new Map<string, DecisionOption>();
  const recommendations = new Set<string>();
  for (const edition of editions) {
    const file = fileOf(edition.id);
    const data = readYaml(rulesDir, file, fileSchema).data;
    const seen = new Set<string>();
    data.options.forEach((o, i) => {
      if (seen.has(o.id)) throw new RuleFileError(file, `options.${i}.id`, `"${o.id}" appears twice`);
      seen.add(o.id);
      if (o.outcome !== undefined && !edition.outcomes.some((r) => r.id === o.outcome))
        throw new RuleFileError(
          file,
          `options.${i}.outcome`,
          `"${o.outcome}" is not an outcome of edition ${edition.id} (${edition.outcomes.map((r) => r.id).join(", ")})`,
        );
      if (o.outcome !== undefined && !o.review)
        throw new RuleFileError(file, `options.${i}.review`, "an option naming an outcome holds a review");
      // The case list reads whether a decision holds a review by its id alone (case-state.ts), so
      // an id two editions share must mean a review in both or in neither.
      const other = options.get(o.id);
      if (other && other.review !== o.review)
        throw new RuleFileError(
          file,
          `options.${i}.review`,
          `"${o.id}" is ${other.review ? "" : "not "}a review in another edition's decisions.yaml: give a shared id the same meaning, or another id`,
        );
      if (!other) options.set(o.id, o);
    });
    const ids = new Set<string>();
    data.recommendation?.options.forEach((o, i) => {
      if (ids.has(o.id))
        throw new RuleFileError(file, `recommendation.options.${i}.id`, `"${o.id}" appears twice`);
      ids.add(o.id);
      recommendations.add(o.id);
    });
    byEdition.set(edition.id, data);
  }
  return { options: [...options.values()], recommendations: [...recommendations], byEdition };
}

export function decisionPassages(d: DecisionLibrary): Array<{ where: string } & QuotedPassage> {
  return [...d.byEdition].flatMap(([edition, o]) => {
    const file = fileOf(edition);
    return [
      { where: `${file}: quote`, citation: o.citation, quote: o.quote },
      ...o.options.flatMap((x, i) =>
        x.source ? [{ where: `${file}: options.${i}.source.quote`, ...x.source }] : [],
      ),
      ...(o.caution ? [{ where: `${file}: caution.quote`, ...o.caution }] : []),
      ...(o.recommendation
        ? [
            {
              where: `${file}: recommendation.quote`,
              citation: o.recommendation.citation,
              quote: o.recommendation.quote,
            },
          ]
        : []),
    ];
  });
}

export interface AdviceGiven {
  /** Advice given before it had one id everywhere carries `decisionId` instead. */
  adviceId?: string;
  decisionId?: string;
  /** "undetermined" while the answers leave it open (advice given before that kept the floor here). */
  outcome: Outcome | "undetermined";
  determined: boolean;
  possibleOutcomes: Outcome[];
}

/** What else the departure check may know of the decision. */
export interface DecisionDetail {
  /** The rung the decision carries out (decisions.yaml `outcome`): a kind of review. */
  outcome?: string | undefined;
  /** Quoted when a decision not to hold a review departs from a duty to hold one. */
  caution?: QuotedPassage | undefined;
  /** The recommendation recorded with the decision (cspr-2018: the rapid review's). */
  recommendation?: { text: string; review?: boolean | undefined } | undefined;
}

const quoted = (p: QuotedPassage, unquoted: ReadonlySet<string>) =>
  unquoted.has(p.citation.document)
    ? `${p.quote} (${p.citation.document}, ${p.citation.section}; in the project's words, not quoted)`
    : `“${p.quote}” (${p.citation.document}, ${p.citation.section})`;

/**
 * Whether a decision departs from the advice: true or false when the advice was determined, null
 * when it was not (the chair decided on open questions). What follows an outcome is its edition's
 * (edition.yaml `outcomes`, `follows`): a review, no review, or either, where the criteria are
 * weighed ("consider" under Working Together; the local review criteria since 2018), so that no
 * decision departs from it. A review of another kind than the rung names (Wales: concise for
 * extended) departs too. The text speaks the ladder's words, never an outcome's id.
 */
export function departure(
  advice: AdviceGiven,
  review: boolean,
  edition: Pick<EditionInfo, "outcomes" | "reviewName" | "decider">,
  detail: DecisionDetail = {},
  unquoted: ReadonlySet<string> = new Set(),
): { departs: boolean | null; text: string } {
  const phrase = (id: string) => edition.outcomes.find((o) => o.id === id)?.phrase;
  const named = edition.reviewName;
  const against = againstRecommendation(review, detail.recommendation, edition);
  const withRecommendation = (r: { departs: boolean | null; text: string }) =>
    against ? { ...r, text: `${r.text} ${against}` } : r;
  if (!advice.determined) {
    const still = advice.possibleOutcomes.map(phrase).filter((p): p is string => p !== undefined);
    return withRecommendation({
      departs: null,
      text: `The advice was not determined${still.length > 0 ? ` (still possible: ${still.join("; or ")})` : ""}; the decision settles what the answers left open.`,
    });
  }
  const rung = edition.outcomes.find((o) => o.id === advice.outcome);
  if (!rung) {
    return withRecommendation({
      departs: null,
      text: "The advice's outcome is not one of this edition's: compare the decision with the advice's own minutes.",
    });
  }
  if (rung.follows === "review") {
    if (review && detail.outcome !== undefined && detail.outcome !== rung.id) {
      return withRecommendation({
        departs: true,
        text: `The decision departs from the advice: the answers gave the duty to ${rung.phrase}, and the decision is to ${phrase(detail.outcome) ?? "hold another kind of review"}. Record the reasons with care.`,
      });
    }
    return withRecommendation(
      review
        ? {
            departs: false,
            text: `The decision follows the advice: the criteria for ${named} were met.`,
          }
        : {
            departs: true,
            text: `The decision departs from the advice: the answers gave the duty to ${rung.phrase}, and no review is to be held. Record the reasons with care${detail.caution ? `: ${quoted(detail.caution, unquoted)}.` : "."}`,
          },
    );
  }
  if (rung.follows === "no-review") {
    return withRecommendation(
      review
        ? {
            departs: true,
            text: "The decision departs from the advice: the criteria were not met, and a review is to be held all the same.",
          }
        : {
            departs: false,
            text: `The decision follows the advice: the criteria for ${named} were not met.`,
          },
    );
  }
  return withRecommendation({
    departs: false,
    text: `The advice was to ${rung.phrase}: the choice was ${ladderWords(edition).decidersOwn}, and either way follows it.`,
  });
}

/** A word where the decision goes another way than the recommendation recorded with it. */
function againstRecommendation(
  review: boolean,
  recommendation: DecisionDetail["recommendation"],
  edition: Pick<EditionInfo, "reviewName">,
): string | null {
  if (!recommendation || recommendation.review === undefined || recommendation.review === review) return null;
  return `The recommendation recorded with it was ${recommendation.text.replace(/^./, (c) => c.toLowerCase())}, and the decision is ${review ? `to hold ${edition.reviewName}` : "to hold none"}: record why.`;
}

export interface KeptDeadline {
  id: string;
  text: string;
  due: string | null;
  rule: string;
  citation: Citation;
  quote: string;
}

/** The deadlines that follow from the decision date: notifying the decision, and completing a review. */
export function decisionDeadlines(
  timescales: readonly Timescale[],
  decidedOn: Date,
  review: boolean,
  calendar: WorkingDayCalendar,
): KeptDeadline[] {
  // A duty that applies only if a review is held (the 2010 notification, 000 §4.3) is not kept
  // with a decision not to hold one.
  const wanted = timescales.filter(
    (t) =>
      (t.id === "notify-decision" || t.id === "complete-review") && (review || t.appliesWhen !== "review"),
  );
  return computeDeadlines(wanted, { decision: decidedOn }, calendar).map((d) => ({
    id: d.timescale.id,
    text: d.timescale.text,
    due: d.due,
    rule: d.rule,
    citation: d.timescale.citation,
    quote: d.timescale.quote,
  }));
}
