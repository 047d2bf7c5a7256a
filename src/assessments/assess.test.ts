/**
 * The three-valued semantics, proved against brute force: for random answer sets with a few open
 * questions, every way of answering the open questions is enumerated and judged by the hand-written
 * oracle (test/support/oracle.ts). The service's statuses, possible outcomes, established outcome,
 * determinacy and decisive questions must match what the enumeration finds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_CHILD_AGE } from "../rulesets/types.js";
import {
  LADDERS,
  ORACLE_TRIGGERS,
  oracleCriterion,
  oracleOutcome,
  type Complete,
  type Outcome,
  type Raw,
} from "../../test/support/oracle.js";
import { service } from "../../test/support/service.js";
import { assess, type AnswerValue } from "./assess.js";

const MAX_OPEN = 7;

/** Answers over the edition's questions with at most MAX_OPEN open; some unknowns omitted. */
function answerSets(questionIds: string[]) {
  const one = (id: string) =>
    id === "ageYears"
      ? fc.oneof(fc.integer({ min: 0, max: MAX_CHILD_AGE }), fc.constant("unknown" as const))
      : fc.constantFrom("yes" as const, "no" as const, "no" as const, "unknown" as const);
  return fc
    .tuple(
      fc.record(Object.fromEntries(questionIds.map((id) => [id, one(id)]))),
      fc.array(fc.boolean(), { minLength: questionIds.length, maxLength: questionIds.length }),
    )
    .map(([answers, omit]) => {
      let open = 0;
      const out: Record<string, AnswerValue> = {};
      questionIds.forEach((id, i) => {
        let v = answers[id] as AnswerValue;
        if (v === "unknown" && ++open > MAX_OPEN) v = id === "ageYears" ? 10 : "no";
        if (v === "unknown" && omit[i]) return; // omitted means unknown
        out[id] = v;
      });
      return out;
    });
}

function* completions(raw: Raw, ids: string[]): Generator<Complete> {
  const open = ids.filter((id) => (raw[id] ?? "unknown") === "unknown");
  const domains = open.map((id) =>
    id === "ageYears" ? Array.from({ length: MAX_CHILD_AGE + 1 }, (_, i) => i) : ["yes", "no"],
  );
  const base: Complete = {};
  for (const id of ids) if (!open.includes(id)) base[id] = raw[id] as "yes" | "no" | number;
  const idx = open.map(() => 0);
  for (;;) {
    const c: Complete = { ...base };
    open.forEach((id, k) => (c[id] = domains[k]![idx[k]!] as "yes" | "no" | number));
    yield c;
    let k = 0;
    while (k < open.length && ++idx[k]! === domains[k]!.length) idx[k++] = 0;
    if (k === open.length) return;
  }
}

function statusOver(values: boolean[]): string {
  return values.every(Boolean) ? "met" : values.some(Boolean) ? "undetermined" : "not-met";
}

for (const edition of Object.keys(LADDERS)) {
  const ORDER: Outcome[] = LADDERS[edition]!;
  describe(`three-valued evaluation, ${edition}, against brute force`, () => {
    it("matches every status, outcome and decisive question", async () => {
      const s = await service();
      const compiled = s.editions.get(edition)!;
      const ids = s.library.questions.map((q) => q.id).filter((id) => compiled.edition.questionsUsed.has(id));
      await fc.assert(
        fc.asyncProperty(answerSets(ids), async (given) => {
          const raw: Raw = Object.fromEntries(ids.map((id) => [id, given[id] ?? "unknown"]));
          const result = await assess(s.library, compiled, s.calendar, {
            edition,
            answers: given,
            dates: {},
          });
          const all = [...completions(raw, ids)];

          for (const c of result.criteria) {
            const f = oracleCriterion(edition, c.id);
            expect(c.status, c.id).toBe(statusOver(all.map((a) => f(a, raw))));
          }
          for (const t of result.triggers) {
            expect(t.status, t.id).toBe(statusOver(all.map((a) => ORACLE_TRIGGERS[t.id]!(a))));
          }

          const outcomes = all.map((a) => oracleOutcome(edition, a, raw));
          const possible = ORDER.filter((o) => outcomes.includes(o));
          expect(result.possibleOutcomes).toEqual(possible);
          expect(result.outcome).toBe(possible[possible.length - 1]);
          expect(result.determined).toBe(possible.length === 1);

          const open = ids.filter((id) => raw[id] === "unknown");
          const decisive = open.filter((q) => {
            const values = new Set(all.map((a) => a[q]));
            return [...values].some((v) => {
              const narrowed = ORDER.filter((o) => all.some((a, i) => a[q] === v && outcomes[i] === o));
              return narrowed.length < possible.length;
            });
          });
          expect(result.decisiveQuestions.map((d) => d.id).sort()).toEqual(decisive.sort());
          for (const d of result.decisiveQuestions.filter((d) => d.id !== "ageYears")) {
            for (const e of d.ifAnswered) {
              const expected = ORDER.filter((o) =>
                all.some((a, i) => a[d.id] === e.answer && outcomes[i] === o),
              );
              expect(e.possibleOutcomes, `${d.id} = ${e.answer}`).toEqual(expected);
            }
          }
        }),
        { numRuns: 250 },
      );
    });
  });
}

describe("004 §2.4: every case meeting WT2015 (i) or (ii) is a notifiable incident", () => {
  it("holds for any answers, known or not", async () => {
    const s = await service();
    const compiled = s.editions.get("wt2015")!;
    const ids = [...compiled.edition.questionsUsed];
    await fc.assert(
      fc.asyncProperty(answerSets(ids), async (answers) => {
        const r = await assess(s.library, compiled, s.calendar, { edition: "wt2015", answers, dates: {} });
        const mandatory = r.criteria.filter(
          (c) => c.id === "wt2015-i-death" || c.id === "wt2015-ii-serious-harm",
        );
        const notifiable = r.triggers.find((t) => t.id === "notifiable-incident")!;
        if (mandatory.some((c) => c.status === "met")) expect(notifiable.status).toBe("met");
        if (mandatory.some((c) => c.status === "undetermined")) expect(notifiable.status).not.toBe("not-met");
      }),
      { numRuns: 500 },
    );
  });
});
