/**
 * The answer encoded once, with the guidance's parts reused, must say exactly what
 * JSON.stringify of the same assessment says, whatever the answers and dates.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { service } from "../../test/support/service.js";
import { assess } from "./assess.js";
import { assessmentJson } from "./json.js";
import { renderMinutes } from "./minutes.js";

describe("the assessment's JSON, encoded once", () => {
  it("parses to what JSON.stringify gives, for random answers and dates on every edition", async () => {
    const core = await service();
    const { library } = core;
    const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));
    const answer = (kind: string) =>
      kind === "age"
        ? fc.oneof(fc.integer({ min: 0, max: 17 }), fc.constant("unknown" as const))
        : fc.constantFrom("yes" as const, "no" as const, "unknown" as const);
    const answers = fc.record(Object.fromEntries(library.questions.map((q) => [q.id, answer(q.kind)])), {
      requiredKeys: [],
    });
    const date = fc.date({ min: new Date("2015-01-01"), max: new Date("2026-12-31"), noInvalidDate: true });
    fc.assert(
      fc.property(
        fc.constantFrom(...library.editions.keys()),
        answers,
        fc.option(date, { nil: undefined }),
        (edition, given, becameAware) => {
          const a = assess(library, core.editions.get(edition)!, core.calendar, {
            edition,
            answers: given as Record<string, "yes" | "no" | "unknown" | number>,
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
