/**
 * Recording a chair's decision: the options (rules/decisions.yaml, quoting the board's form),
 * whether the decision departs from the advice it was given, and the deadlines that follow from the
 * date of the decision, computed once and kept with the record.
 */
import { z } from "zod";
import { readYaml } from "../rulesets/load.js";
import { citationSchema, quotedPassageSchema } from "../rulesets/schema.js";
import { ladderWords } from "../rulesets/outcomes.js";
import type { Citation, EditionInfo, Outcome, QuotedPassage, Timescale } from "../rulesets/types.js";
import { computeDeadlines } from "../timelines/deadlines.js";
import type { WorkingDayCalendar } from "../timelines/calendar.js";

const fileSchema = z.strictObject({
  citation: citationSchema,
  quote: z.string().min(1),
  options: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z-]*$/),
        text: z.string().min(1),
        review: z.boolean().default(false),
        /** Where the option comes from, when it is not the form's (the file's own citation). */
        source: quotedPassageSchema.optional(),
      }),
    )
    .min(1),
});
export type DecisionOptions = z.infer<typeof fileSchema>;

export function loadDecisionOptions(rulesDir: string): DecisionOptions {
  return readYaml(rulesDir, "decisions.yaml", fileSchema).data;
}

export function decisionPassages(d: DecisionOptions): Array<{ where: string } & QuotedPassage> {
  return [
    { where: "decisions.yaml: quote", citation: d.citation, quote: d.quote },
    ...d.options.flatMap((o, i) =>
      o.source ? [{ where: `decisions.yaml: options.${i}.source.quote`, ...o.source }] : [],
    ),
  ];
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

/**
 * Whether a decision departs from the advice: true or false when the advice was determined, null
 * when it was not (the chair decided on open questions). What follows an outcome is its edition's
 * (edition.yaml `outcomes`, `follows`): a review, no review, or either, where the criteria are
 * weighed ("consider" under Working Together; the local review criteria since 2018), so that no
 * decision departs from it.
 */
export function departure(
  advice: AdviceGiven,
  review: boolean,
  edition: Pick<EditionInfo, "outcomes" | "reviewName" | "decider">,
): { departs: boolean | null; text: string } {
  if (!advice.determined) {
    return {
      departs: null,
      text: `The advice was not determined (still possible: ${advice.possibleOutcomes.join(", ")}); the decision settles what the answers left open.`,
    };
  }
  const rung = edition.outcomes.find((o) => o.id === advice.outcome);
  const named = edition.reviewName;
  if (!rung) {
    return { departs: null, text: `The advice's outcome (${advice.outcome}) is not one of this edition's.` };
  }
  if (rung.follows === "review") {
    return review
      ? {
          departs: false,
          text: `The decision follows the advice: the criteria for ${named} were met.`,
        }
      : {
          departs: true,
          text:
            advice.outcome === "initiate-scr"
              ? "The decision departs from the advice: the criteria for initiating a Serious Case Review were met, and no review is to be held. Record the reasons with care: “A decision not to initiate a Serious Case Review may be subject to scrutiny by the national panel” (004_dcf93c0f41036063.txt, §5.4)."
              : `The decision departs from the advice: ${rung.phrase} was the duty the answers gave, and no review is to be held. Record the reasons with care.`,
        };
  }
  if (rung.follows === "no-review") {
    return review
      ? {
          departs: true,
          text: "The decision departs from the advice: the criteria were not met, and a review is to be held all the same.",
        }
      : {
          departs: false,
          text: `The decision follows the advice: the criteria for ${named} were not met.`,
        };
  }
  return {
    departs: false,
    text: `The advice was to ${rung.phrase}: the choice was ${ladderWords(edition).decidersOwn}, and either way follows it.`,
  };
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
