/**
 * The start-up proof that an edition's compiled form answers as json-rules-engine does.
 *
 * Requests are answered from the decision diagrams alone, so before an edition is served:
 *
 * - every rule's diagram is run beside `engine.run` (an engine holding that rule only) on every
 *   combination of the values of the slots the rule reads, which is every combination that can
 *   reach the rule: it reads no other fact;
 * - the outcome diagram is walked in step with every criterion's diagram, over every path any of
 *   them can take, and at each end must give the strongest rung of the ladder with a met criterion.
 *
 * Together these show the outcome diagram equal, on every complete set of answers, to the outcome
 * the engine's verdicts give. A mismatch throws CompilationMismatch, which stops start-up.
 */
import { Engine, type RuleProperties } from "json-rules-engine";
import type { CitedRule } from "../rulesets/types.js";
import type { CompiledEdition, CompiledRule, Slot } from "./compile.js";
import { outcomeTerminal, TRUE } from "./diagram.js";

export class CompilationMismatch extends Error {
  override name = "CompilationMismatch";
}

/** A rule as the engine takes it: the id as its name, the citation in the event. */
export function ruleProperties(rule: CitedRule): RuleProperties {
  return {
    name: rule.id,
    conditions: rule.conditions as RuleProperties["conditions"],
    event: {
      type: rule.kind,
      params: { id: rule.id, level: rule.level ?? null, citation: rule.citation },
    },
  };
}

/**
 * The most combinations of answers one rule may read: the proof runs the engine on every one of
 * them (the largest rule today, WT2015 (iii), reads 288). A rule beyond it stops start-up and asks
 * to be split, rather than being proved on fewer values: any shortcut would rest on the truth
 * tables the proof is there to check.
 */
const MAX_COMBINATIONS = 100_000;

function* combinations(sizes: number[]): Generator<number[]> {
  const at = sizes.map(() => 0);
  for (;;) {
    yield at;
    let k = 0;
    while (k < sizes.length && ++at[k]! === sizes[k]!) at[k++] = 0;
    if (k === sizes.length) return;
  }
}

async function proveRule(compiled: CompiledEdition, c: CompiledRule, classes: number[]): Promise<void> {
  const { slots, leaves, diagram } = compiled;
  const engine = new Engine([ruleProperties(c.rule)], { allowUndefinedFacts: false });
  const read = [...new Set(c.leaves.map((l) => leaves[l]!.slot))].map((i) => slots[i]!);
  const every = read.reduce((n, s) => n * s.domain.length, 1);
  if (every > MAX_COMBINATIONS) {
    throw new CompilationMismatch(
      `${compiled.edition.id}: rule ${c.rule.id} reads ${every} combinations of answers, more than the ${MAX_COMBINATIONS} the start-up proof runs; split it into rules that read fewer questions`,
    );
  }
  const values: number[][] = read.map((s) => s.domain.map((_, i) => i));
  for (const at of combinations(values.map((v) => v.length))) {
    const facts: Record<string, string | number> = {};
    read.forEach((s, k) => {
      const position = values[k]![at[k]!]!;
      facts[s.question] = s.domain[position]!;
      classes[s.index] = s.classOf[position]!;
    });
    const { results } = await engine.run(facts);
    const engineMet = results.length > 0;
    const compiledMet = diagram.evaluate(c.diagram, classes) === TRUE;
    if (engineMet !== compiledMet) {
      const says = (met: boolean) => (met ? "met" : "not met");
      throw new CompilationMismatch(
        `${compiled.edition.id}: rule ${c.rule.id} on answers ${JSON.stringify(facts)}: ` +
          `json-rules-engine says ${says(engineMet)}, the compiled form says ${says(compiledMet)}`,
      );
    }
  }
}

function proveOutcome(compiled: CompiledEdition): void {
  const { diagram: d, criteria, slots } = compiled;
  const bottom = d.arity.length;
  const RESOLVED = -1;
  const { ladder } = compiled;
  // Bit r: a criterion of rung r is met.
  const flagOf = criteria.map((c) => 1 << ladder.indexOf(c.outcome!));
  // The state of the walk: the outcome diagram's node, which rungs have a met criterion so far
  // (all the outcome depends on), and each criterion's node, RESOLVED once it reaches a terminal.
  // Folding resolved criteria into the flags keeps the walk from telling apart paths that differ
  // only in which criteria of a rung were met (2^11 of them in WT2015's list of eleven).
  const resolve = (nodes: number[], flags: number): [number[], number] => {
    const out = nodes.map((n, i) => {
      if (n === RESOLVED || d.level[n] !== bottom) return n;
      if (n === TRUE) flags |= flagOf[i]!;
      return RESOLVED;
    });
    return [out, flags];
  };
  const chosen: Array<[Slot, number]> = [];
  const seen = new Set<string>();
  const visit = (outcome: number, [pending, flags]: [number[], number]): void => {
    const key = `${outcome}|${flags}|${pending.join(",")}`;
    if (seen.has(key)) return;
    seen.add(key);
    let l = d.level[outcome]!;
    for (const n of pending) if (n !== RESOLVED) l = Math.min(l, d.level[n]!);
    if (l === bottom) {
      let strongest = ladder.length - 1;
      for (let r = ladder.length - 2; r >= 0; r--) if (flags & (1 << r)) strongest = r;
      const expected = outcomeTerminal(strongest);
      if (outcome !== expected) {
        const answers = chosen.map(
          ([s, k]) => `${s.question}${s.literal ? " (as given)" : ""}: ${s.classes[k]!.label}`,
        );
        throw new CompilationMismatch(
          `${compiled.edition.id}: the outcome diagram disagrees with the criteria on answers ${answers.join("; ") || "(any)"}`,
        );
      }
      return;
    }
    for (let k = 0; k < d.arity[l]!; k++) {
      chosen.push([slots[l]!, k]);
      const step = (n: number) => (n !== RESOLVED && d.level[n] === l ? d.child(n, k) : n);
      visit(step(outcome), resolve(pending.map(step), flags));
      chosen.pop();
    }
  };
  visit(
    compiled.outcomeRoot,
    resolve(
      criteria.map((c) => c.diagram),
      0,
    ),
  );
}

export async function proveAgainstEngine(compiled: CompiledEdition): Promise<void> {
  const classes = compiled.slots.map(() => 0);
  for (const c of [...compiled.criteria, ...compiled.triggers]) await proveRule(compiled, c, classes);
  proveOutcome(compiled);
}
