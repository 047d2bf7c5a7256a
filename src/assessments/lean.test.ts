/**
 * The lean answer is the full assessment by id: computed on its own path (it builds no
 * explanations), it must say what the full assessment says, whatever the answers and dates.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answersArbitrary, dateArbitrary } from "../../test/support/arbitraries.js";
import { service } from "../../test/support/service.js";
import { assess, type Assessment } from "./assess.js";
import { assessLean } from "./lean.js";

/** What the lean answer must be, read off the full assessment. */
function byId(a: Assessment) {
  return {
    view: "lean",
    edition: a.edition,
    editionChoice: a.editionChoice,
    ruleset: a.ruleset,
    outcome: a.outcome,
    atLeast: a.atLeast,
    determined: a.determined,
    possibleOutcomes: a.possibleOutcomes,
    assumptions: a.assumptions.map((x) => ({
      question: x.question,
      rule: x.rule,
      because: x.because,
      ifAnswered: x.ifAnswered,
    })),
    decisiveQuestions: a.decisiveQuestions.map((d) => ({
      id: d.id,
      bearsOn: d.bearsOn,
      assumption: d.assumption?.rule ?? null,
      partOf: d.partOf?.criterion ?? null,
      ifAnswered: d.ifAnswered,
    })),
    openQuestions: a.openQuestions,
    ignoredAnswers: a.answers.filter((x) => !x.usedByEdition).map((x) => x.id),
    criteria: a.criteria.map((c) => ({ id: c.id, status: c.status })),
    triggers: a.triggers.map((t) => ({ id: t.id, status: t.status })),
    actions: a.actions.map((x) => ({ id: x.id, applies: x.applies, due: x.due })),
  };
}

describe("the lean answer", () => {
  it("says what the full assessment says, by id, for random answers and dates on every edition", async () => {
    const core = await service();
    const { library } = core;
    const answers = answersArbitrary(library);
    const date = dateArbitrary;
    let undetermined = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...library.editions.keys()),
        answers,
        fc.option(date, { nil: undefined }),
        (edition, given, referral) => {
          const input = {
            edition,
            answers: given,
            dates: referral ? { referral, decision: referral } : {},
          };
          const compiled = core.editions.get(edition)!;
          const full = assess(library, compiled, core.calendar, input);
          const { adviceId, ...lean } = assessLean(library, compiled, core.calendar, input);
          expect(adviceId).toMatch(/^[0-9a-f-]{36}$/);
          expect(lean).toEqual(byId(full));
          if (!full.determined) undetermined++;
        },
      ),
      { numRuns: 300 },
    );
    // The runs reached open outcomes too, where the decisive questions and assumptions are not empty.
    expect(undetermined).toBeGreaterThan(30);
  });
});
