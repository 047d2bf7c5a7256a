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
  type Raw,
} from "../../test/support/oracle.js";
import { service } from "../../test/support/service.js";
import { brute } from "../../test/support/brute.js";
import { assess, type AnswerValue } from "./assess.js";

const AGES = Array.from({ length: MAX_CHILD_AGE + 1 }, (_, i) => i);
/**
 * The questions a rule reads as answered, written out by hand like the oracle: WT2015 (ii)'s
 * concerns ("unless it is clear that there are no concerns"), and serious harm, which only an
 * answer of "no" denies where a yes to the situation already says the child was harmed (WT2015
 * (iv), (v), (viii); WT2010 8.11 situations 1, 2 and 4). The Welsh and 2018 English rules read
 * every unanswered question as open: none of their sources says how to read one unanswered.
 */
const LITERAL: Record<string, Set<string>> = {
  wt2015: new Set(["concernsAboutWorkingTogether", "childSeriouslyHarmed"]),
  wt2010: new Set(["childSeriouslyHarmed"]),
  "wales-cpr": new Set(),
  "cspr-2018": new Set(),
};

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

describe("the hand-written tables of the property tests", () => {
  it("cover every edition, with its ladder and the questions its rules read as answered", async () => {
    const s = await service();
    expect(Object.keys(LADDERS).sort()).toEqual([...s.editions.keys()].sort());
    expect(Object.keys(LITERAL).sort()).toEqual([...s.editions.keys()].sort());
    for (const [id, compiled] of s.editions) {
      expect(compiled.ladder, id).toEqual(LADDERS[id]);
      const read = compiled.edition.criteria.flatMap((c) => c.readsUnknownAsAnswer.map((r) => r.question));
      expect(new Set(read), id).toEqual(LITERAL[id]);
    }
  });
});

for (const edition of Object.keys(LADDERS)) {
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

          const truth = brute({
            ladder: LADDERS[edition]!,
            raw,
            domain: (q) => (q === "ageYears" ? AGES : ["yes", "no"]),
            literal: LITERAL[edition]!,
            outcome: (complete, given) => oracleOutcome(edition, complete as Complete, given as Raw),
          });
          expect(result.possibleOutcomes).toEqual(truth.possible);
          expect(result.determined).toBe(truth.possible.length === 1);
          expect(result.atLeast).toBe(truth.possible[truth.possible.length - 1]);
          expect(result.outcome).toBe(result.determined ? truth.possible[0] : "undetermined");

          expect(result.decisiveQuestions.map((d) => d.id).sort()).toEqual([...truth.decisive.keys()].sort());
          for (const d of result.decisiveQuestions) {
            const t = truth.decisive.get(d.id)!;
            expect(d.bearsOn, `${d.id} bears on`).toBe(t.bearsOn);
            expect(d.assumption !== null, `${d.id} is an assumption`).toBe(t.assumption);
            if (d.id === "ageYears") continue; // answered by class ("5 to 15"), checked in compiled.test.ts
            for (const e of d.ifAnswered)
              expect(e.possibleOutcomes, `${d.id} = ${e.answer}`).toEqual(t.ifAnswered.get(e.answer));
          }
          expect(result.assumptions.map((a) => a.question)).toEqual(
            result.decisiveQuestions.filter((d) => d.assumption).map((d) => d.id),
          );
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

describe("a rule's report, made once for the answers it reads", () => {
  it("is shared, unchangeable, by assessments that give the rule the same answers, and made afresh for other answers", async () => {
    const core = await service();
    const compiled = core.editions.get("wt2015")!;
    const run = (answers: Record<string, AnswerValue>) =>
      assess(core.library, compiled, core.calendar, { edition: "wt2015", answers, dates: {} });
    const first = run({ childDied: "yes", abuseOrNeglect: "yes", childProtectionPlan: "no" });
    // Another answer to a question the death criterion does not read.
    const second = run({ childDied: "yes", abuseOrNeglect: "yes", childProtectionPlan: "yes" });
    const death = (a: ReturnType<typeof run>) => a.criteria.find((c) => c.id === "wt2015-i-death")!;
    expect(death(second)).toBe(death(first));
    expect(Object.isFrozen(death(first))).toBe(true);
    expect(Object.isFrozen(death(first).basis[0])).toBe(true);
    expect(() => {
      (death(first) as { status: string }).status = "not-met";
    }).toThrow(TypeError);
    // Another answer to a question it reads: another report, with its own status and basis.
    const third = run({ childDied: "yes", abuseOrNeglect: "no" });
    expect(death(third)).not.toBe(death(first));
    expect(death(third).status).toBe("not-met");
    expect(death(first).status).toBe("met");
    expect(death(third).basis.find((b) => b.question === "abuseOrNeglect")).toMatchObject({
      answer: "no",
      holds: false,
    });
  });
});
