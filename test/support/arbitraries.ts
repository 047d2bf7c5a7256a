/**
 * Random answers and dates for property tests over the whole vocabulary: any question may be
 * answered yes, no or unknown (an age 0-17 or unknown), or left out; dates within the bank-holiday
 * table's years.
 */
import fc from "fast-check";
import type { AnswerValue } from "../../src/assessments/assess.js";
import { MAX_CHILD_AGE, type RuleLibrary } from "../../src/rulesets/types.js";

export function answersArbitrary(library: RuleLibrary): fc.Arbitrary<Record<string, AnswerValue>> {
  const answer = (kind: string): fc.Arbitrary<AnswerValue> =>
    kind === "age"
      ? fc.oneof(fc.integer({ min: 0, max: MAX_CHILD_AGE }), fc.constant("unknown" as const))
      : fc.constantFrom("yes" as const, "no" as const, "unknown" as const);
  return fc.record(Object.fromEntries(library.questions.map((q) => [q.id, answer(q.kind)])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, AnswerValue>>;
}

export const dateArbitrary = fc.date({
  min: new Date("2015-01-01"),
  max: new Date("2026-12-31"),
  noInvalidDate: true,
});
