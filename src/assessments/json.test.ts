/**
 * The answer encoded once, with the guidance's parts reused, must say exactly what
 * JSON.stringify of the same assessment says, whatever the answers and dates.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answersArbitrary, dateArbitrary } from "../../test/support/arbitraries.js";
import { service } from "../../test/support/service.js";
import { assess } from "./assess.js";
import { assessmentJson } from "./json.js";
import { renderMinutes } from "./minutes.js";

describe("the assessment's JSON, encoded once", () => {
  it("parses to what JSON.stringify gives, for random answers and dates on every edition", async () => {
    const core = await service();
    const { library } = core;
    const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));
    const answers = answersArbitrary(library);
    const date = dateArbitrary;
    fc.assert(
      fc.property(
        fc.constantFrom(...library.editions.keys()),
        answers,
        fc.option(date, { nil: undefined }),
        (edition, given, becameAware) => {
          const a = assess(library, core.editions.get(edition)!, core.calendar, {
            edition,
            answers: given,
            dates: becameAware ? { becameAware, referral: becameAware } : {},
          });
          const minutes = renderMinutes(a, wordings);
          const once = JSON.parse(assessmentJson(a, minutes).toString("utf8")) as unknown;
          expect(once).toEqual(JSON.parse(JSON.stringify({ ...a, minutes })));
        },
      ),
      { numRuns: 300 },
    );
  });
});
