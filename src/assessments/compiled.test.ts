/**
 * The compiled form against json-rules-engine, side by side. Requests are answered from the decision
 * diagrams alone, so here the engine judges every rule again:
 *
 * - on complete answers, a rule is met exactly when the engine fires it, and the outcome is the
 *   strongest level of the criteria it fires;
 * - with questions open, over every rule case and random answer sets, each rule's status, the
 *   possible outcomes and the decisive questions are what running the engine on every way of
 *   answering the open questions gives (a question a rule reads as answered stays as given);
 * - a compiled form that disagrees with the engine is refused at start-up.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { Engine } from "json-rules-engine";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { defaultRulesDir } from "../config.js";
import { buildAssessmentSchema, parseAssessmentRequest } from "../contract/validation.js";
import { MAX_CHILD_AGE, type CitedRule, type Outcome, type RuleLibrary } from "../rulesets/types.js";
import { brute } from "../../test/support/brute.js";
import { service } from "../../test/support/service.js";
import { assess, type AnswerValue } from "./assess.js";
import { leafConditions, type CompiledEdition } from "./compile.js";
import { outcomeTerminal, TRUE } from "./diagram.js";
import { CompilationMismatch, proveAgainstEngine, ruleProperties } from "./proof.js";

type Answers = Record<string, AnswerValue>;

/** The strongest rung of the ladder among these outcomes, or its last (none met). */
function strongest(ladder: readonly Outcome[], fired: readonly Outcome[]): Outcome {
  return ladder.find((o) => fired.includes(o)) ?? ladder[ladder.length - 1]!;
}
/** Every edition in rules/editions: the properties hold for each. */
const EDITIONS = readdirSync(path.join(defaultRulesDir(), "editions")).sort();
const AGES = Array.from({ length: MAX_CHILD_AGE + 1 }, (_, i) => i);

const engines = new Map<CitedRule, { engine: Engine; verdicts: Map<string, Promise<boolean>> }>();
/**
 * Whether json-rules-engine fires `rule` on `facts`. A verdict is kept: the rule cases and the
 * random answer sets ask the engine about the same few answers to a rule's questions again and
 * again (most of this file's time was the engine re-running them), and a rule's verdict on given
 * facts is the engine's whatever asked for it.
 */
function engineFires(rule: CitedRule, facts: Answers): Promise<boolean> {
  let kept = engines.get(rule);
  if (!kept) {
    kept = {
      engine: new Engine([ruleProperties(rule)], { allowUndefinedFacts: false }),
      verdicts: new Map(),
    };
    engines.set(rule, kept);
  }
  const key = JSON.stringify(Object.entries(facts).sort(([a], [b]) => a.localeCompare(b)));
  let verdict = kept.verdicts.get(key);
  if (!verdict) {
    verdict = kept.engine.run(facts).then(({ results }) => results.length > 0);
    kept.verdicts.set(key, verdict);
  }
  return verdict;
}

function domain(library: RuleLibrary, id: string): AnswerValue[] {
  return library.questionById.get(id)!.kind === "age" ? AGES : ["yes", "no"];
}

/** Every way of answering the open questions among `ids`, the answered ones as given. */
function* completions(library: RuleLibrary, given: Answers, ids: string[]): Generator<Answers> {
  const open = ids.filter((id) => (given[id] ?? "unknown") === "unknown");
  const domains = open.map((id) => domain(library, id));
  const at = open.map(() => 0);
  for (;;) {
    const c: Answers = {};
    for (const id of ids) c[id] = given[id] ?? "unknown";
    open.forEach((id, k) => (c[id] = domains[k]![at[k]!]!));
    yield c;
    let k = 0;
    while (k < open.length && ++at[k]! === domains[k]!.length) at[k++] = 0;
    if (k === open.length) return;
  }
}

/** The engine's verdict on a rule for complete answers; what the rule reads as answered stays as given. */
function engineVerdict(rule: CitedRule, given: Answers, complete: Answers): Promise<boolean> {
  const facts: Answers = {};
  for (const { fact } of leafConditions(rule.conditions)) facts[fact] = complete[fact]!;
  for (const r of rule.readsUnknownAsAnswer) facts[r.question] = given[r.question] ?? "unknown";
  return engineFires(rule, facts);
}

function questionsOf(rule: CitedRule): string[] {
  const literal = new Set(rule.readsUnknownAsAnswer.map((r) => r.question));
  return [...new Set([...leafConditions(rule.conditions)].map((c) => c.fact))].filter((q) => !literal.has(q));
}

async function engineStatus(library: RuleLibrary, rule: CitedRule, given: Answers): Promise<string> {
  const verdicts: boolean[] = [];
  for (const c of completions(library, given, questionsOf(rule)))
    verdicts.push(await engineVerdict(rule, given, c));
  return verdicts.every(Boolean) ? "met" : verdicts.some(Boolean) ? "undetermined" : "not-met";
}

async function engineOutcome(compiled: CompiledEdition, given: Answers, complete: Answers): Promise<Outcome> {
  const fired: Outcome[] = [];
  for (const c of compiled.criteria)
    if (await engineVerdict(c.rule, given, complete)) fired.push(c.rule.outcome!);
  return strongest(compiled.ladder, fired);
}

async function expectStatusesMatchEngine(library: RuleLibrary, compiled: CompiledEdition, given: Answers) {
  const result = assess(library, compiled, (await service()).calendar, {
    edition: compiled.edition.id,
    answers: given,
    dates: {},
  });
  for (const r of [...result.criteria, ...result.triggers]) {
    const rule = [...compiled.edition.criteria, ...compiled.edition.triggers].find((x) => x.id === r.id)!;
    expect(r.status, `${r.id} on ${JSON.stringify(given)}`).toBe(await engineStatus(library, rule, given));
  }
  return result;
}

/** Answers over the questions an edition reads: each yes, no, an age or unknown, at most `maxOpen` unknown. */
function answerSets(library: RuleLibrary, ids: string[], maxOpen: number) {
  const one = (id: string) =>
    library.questionById.get(id)!.kind === "age"
      ? fc.oneof(fc.constantFrom(...AGES), fc.constant("unknown" as const))
      : fc.constantFrom("yes" as const, "no" as const, "no" as const, "unknown" as const);
  return fc.record(Object.fromEntries(ids.map((id) => [id, one(id)]))).map((answers) => {
    let open = 0;
    const out: Answers = {};
    for (const id of ids) {
      let v = answers[id] as AnswerValue;
      if (v === "unknown" && ++open > maxOpen) v = domain(library, id)[1]!;
      if (v !== "unknown" || open % 2 === 0) out[id] = v; // some unknowns sent, some omitted
    }
    return out;
  });
}

function ruleCases(): Array<{ file: string; answers: Record<string, unknown> }> {
  const root = defaultRulesDir();
  const dirs = ["triggers", ...readdirSync(path.join(root, "editions")).map((e) => `editions/${e}/criteria`)];
  return dirs.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith(".cases.yaml"))
      .flatMap((f) =>
        (
          parse(readFileSync(path.join(root, dir, f), "utf8")) as Array<{ answers: Record<string, unknown> }>
        ).map((c) => ({ file: `${dir}/${f}`, answers: c.answers })),
      ),
  );
}

for (const edition of EDITIONS) {
  describe(`the compiled form of ${edition} against json-rules-engine`, () => {
    it("on complete answers, meets exactly the rules the engine fires and gives their strongest level", async () => {
      const s = await service();
      const compiled = s.editions.get(edition)!;
      const ids = compiled.usedQuestionIds;
      await fc.assert(
        fc.asyncProperty(answerSets(s.library, ids, 0), async (given) => {
          const facts: Answers = {};
          for (const q of s.library.questions) facts[q.id] = given[q.id] ?? "unknown";
          const { results } = await compiled.engine.run(facts);
          const fired = new Set(results.map((r) => r.name));
          const result = assess(s.library, compiled, s.calendar, { edition, answers: given, dates: {} });
          for (const r of [...result.criteria, ...result.triggers])
            expect(r.status, r.id).toBe(fired.has(r.id) ? "met" : "not-met");
          const levels = result.criteria.filter((c) => fired.has(c.id)).map((c) => c.outcome);
          expect(result.possibleOutcomes).toEqual([strongest(compiled.ladder, levels)]);
          expect(result.determined).toBe(true);
          expect(result.decisiveQuestions).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });

    it("on every rule case, gives each rule the status the engine gives over the open questions", async () => {
      const s = await service();
      const compiled = s.editions.get(edition)!;
      const schema = buildAssessmentSchema(s.library);
      for (const c of ruleCases()) {
        const input = parseAssessmentRequest(schema, { edition, answers: c.answers }, s.library);
        await expectStatusesMatchEngine(s.library, compiled, input.answers);
      }
      // Every rule case of the edition against json-rules-engine: seconds alone, more on a busy machine.
    }, 180_000);

    it("with questions open, gives the statuses, possible outcomes and decisive questions the engine gives over every way of answering them", async () => {
      const s = await service();
      const compiled = s.editions.get(edition)!;
      const ids = compiled.usedQuestionIds;
      await fc.assert(
        fc.asyncProperty(answerSets(s.library, ids, 3), async (given) => {
          const result = await expectStatusesMatchEngine(s.library, compiled, given);

          // The engine judges every way of answering the open questions (each in every state a
          // question can be in: see test/support/brute.ts), one run per rule per combination.
          const literal = new Set(
            compiled.edition.criteria.flatMap((c) => c.readsUnknownAsAnswer.map((r) => r.question)),
          );
          const raw = Object.fromEntries(ids.map((id) => [id, given[id] ?? "unknown"]));
          const cache = new Map<string, Outcome>();
          const complete: Array<{ complete: Answers; given: Answers }> = [];
          brute({
            ladder: compiled.ladder,
            raw,
            domain: (q) => domain(s.library, q),
            literal,
            outcome: (c, g) => {
              complete.push({ complete: { ...c } as Answers, given: { ...g } as Answers });
              return compiled.ladder[compiled.ladder.length - 1]!;
            },
          });
          for (const x of complete) {
            const key = JSON.stringify([x.complete, x.given]);
            if (!cache.has(key)) cache.set(key, await engineOutcome(compiled, x.given, x.complete));
          }
          const truth = brute({
            ladder: compiled.ladder,
            raw,
            domain: (q) => domain(s.library, q),
            literal,
            outcome: (c, g) => cache.get(JSON.stringify([c, g]))!,
          });
          expect(result.possibleOutcomes).toEqual(truth.possible);
          expect(result.atLeast).toBe(truth.possible[truth.possible.length - 1]);
          expect(result.outcome).toBe(truth.possible.length === 1 ? truth.possible[0] : "undetermined");

          const expected = [...truth.decisive].map(([q, t]) => {
            // An age is answered by class: the outcomes of the ages in it, together.
            const slot = compiled.slots.find((x) => x.question === q && !x.literal)!;
            const ifAnswered = slot.classes.map((cls) => ({
              answer: cls.label,
              possibleOutcomes: compiled.ladder.filter((o) =>
                slot.domain.some((v, i) => (cls.mask >> i) & 1 && t.ifAnswered.get(v)!.includes(o)),
              ),
            }));
            return { id: q, bearsOn: t.bearsOn, assumption: t.assumption, ifAnswered };
          });
          const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
          expect(
            result.decisiveQuestions
              .map((d) => ({
                id: d.id,
                bearsOn: d.bearsOn,
                assumption: d.assumption !== null,
                ifAnswered: d.ifAnswered,
              }))
              .sort(byId),
          ).toEqual(expected.sort(byId));
        }),
        { numRuns: 80 },
      );
    });
  });
}

describe("the start-up proof", () => {
  it("passes every edition as compiled", async () => {
    const s = await service();
    for (const compiled of s.editions.values())
      await expect(proveAgainstEngine(compiled)).resolves.toBeUndefined();
  });

  it("refuses a rule whose compiled form disagrees with the engine, naming the edition, rule and answers", async () => {
    const s = await service();
    const compiled = s.editions.get("wt2015")!;
    const broken: CompiledEdition = {
      ...compiled,
      criteria: compiled.criteria.map((c) => (c.rule.id === "wt2015-i-death" ? { ...c, diagram: TRUE } : c)),
    };
    const proof = proveAgainstEngine(broken);
    await expect(proof).rejects.toThrow(CompilationMismatch);
    await expect(proof).rejects.toThrow(
      /^wt2015: rule wt2015-i-death on answers \{.*"abuseOrNeglect":"no".*\}: json-rules-engine says not met, the compiled form says met$/,
    );
  });

  it("refuses an outcome diagram that disagrees with the criteria, naming the answers", async () => {
    const s = await service();
    const compiled = s.editions.get("wt2010")!;
    const proof = proveAgainstEngine({
      ...compiled,
      outcomeRoot: outcomeTerminal(compiled.ladder.length - 1),
    });
    await expect(proof).rejects.toThrow(CompilationMismatch);
    await expect(proof).rejects.toThrow(
      /^wt2010: the outcome diagram disagrees with the criteria on answers .*: yes/,
    );
  });
});
