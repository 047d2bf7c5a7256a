/**
 * Compiles an edition's rules for three-valued evaluation without running the engine per request.
 *
 * Each edition gets one json-rules-engine Engine holding all its criteria and triggers: the rule
 * JSON is the source of truth, and the engine is its oracle. The rule id goes in the rule's `name`
 * and the citation in `event.params`, because those are what the engine keeps in its results.
 * Beside the engine, each rule's condition tree is compiled into:
 *
 * - leaves, numbered depth first, each with a truth table over its question's possible answers. The
 *   tables are filled by running the engine itself on every possible answer at start-up, so there is
 *   one source of truth for what an operator means;
 * - a decision diagram (diagram.ts) over the slots, branching on answer classes; and one more
 *   diagram for the outcome, built from the criteria's.
 *
 * Before the edition is served, proof.ts checks every rule's diagram against `engine.run` on every
 * combination of the answers the rule reads, and the outcome diagram against the criteria's; a
 * mismatch stops start-up.
 *
 * A question a rule reads "as answered" (readsUnknownAsAnswer, e.g. WT2015 (ii)) gets a slot of its
 * own for that rule, whose value is the answer as given, "unknown" included, so that rule never
 * treats it as open.
 */
import { Engine } from "json-rules-engine";
import {
  MAX_CHILD_AGE,
  type Alternative,
  type CitedRule,
  type Condition,
  type Edition,
  type LeafCondition,
  type Outcome,
  type Question,
  type RuleLibrary,
  type Source,
  type Timescale,
} from "../rulesets/types.js";
import { describeCondition } from "./describe.js";
import { Diagram, FALSE, outcomeTerminal, TRUE } from "./diagram.js";
import { planDecisive, type DecisivePlan } from "./decisive.js";
import { proveAgainstEngine, ruleProperties } from "./proof.js";

/** A place in the answer state: a question, or a question as one rule reads it literally. */
export interface Slot {
  index: number;
  question: string;
  /** The values this slot can take, one bit each. */
  domain: ReadonlyArray<string | number>;
  /** Where each value sits in `domain`. */
  position: Map<string | number, number>;
  literal: boolean;
  /**
   * The values grouped by how every leaf on this slot treats them: the diagram's edges, and the
   * answers a decisive question offers. `mask` has bit i set for domain[i].
   */
  classes: Array<{ mask: number; label: string }>;
  /** Per position in `domain`: the index of its class. */
  classOf: number[];
}

export interface CompiledLeaf {
  index: number;
  slot: number;
  condition: LeafCondition;
  /** The condition in words ("yes", "16 or 17", "under 5"), for explanations. */
  text: string;
  /** Bit i set when the leaf holds for slot value domain[i]. */
  trueMask: number;
}

export interface CompiledRule {
  rule: CitedRule;
  /** Indices into the edition's leaf table, depth first. */
  leaves: number[];
  /** The rule's root in the edition's diagram: TRUE where it is met. */
  diagram: number;
  outcome?: Outcome;
}

export interface CompiledEdition {
  edition: Edition;
  /** The rules as json-rules-engine runs them: the oracle of the compiled form, never run per request. */
  engine: Engine;
  slots: Slot[];
  leaves: CompiledLeaf[];
  criteria: CompiledRule[];
  triggers: CompiledRule[];
  /** Every rule's diagram and the outcome's, sharing nodes; level l is slot l. */
  diagram: Diagram;
  /** The outcome for complete answers: the strongest rung of the ladder with a met criterion. */
  outcomeRoot: number;
  /** The edition's outcome ids, strongest first; the last is what follows when none is met. */
  ladder: Outcome[];
  /** The outcome diagram alone and the questions read as answered, for the decisive questions. */
  decisive: DecisivePlan;
  /** Per question one of the eleven questions reads: that criterion (they are grouped under it). */
  elevenQuestions: Map<string, { criterion: string; title: string }>;
  /** Each question's place in the vocabulary, which orders the questionnaire. */
  questionOrder: Map<string, number>;
  /** The questions this edition reads, in vocabulary order. */
  usedQuestionIds: string[];
  sources: Source[];
  /** The alternatives to a full review the edition's sources offer (alternatives.yaml `editions`). */
  alternatives: Alternative[];
  /** The edition's timescales that are requirements (not advice or examples). */
  requirementTimescales: Timescale[];
}

const YES_NO = ["yes", "no"] as const;
const LITERAL = ["yes", "no", "unknown"] as const;
const AGES = Array.from({ length: MAX_CHILD_AGE + 1 }, (_, i) => i);

function domainFor(q: Question, literal: boolean): ReadonlyArray<string | number> {
  if (q.kind === "age") return literal ? [...AGES, "unknown"] : AGES;
  return literal ? LITERAL : YES_NO;
}

// A slot's values are bits of a 32-bit mask, and assess.ts keys rule reports by positions in base
// 33: a vocabulary with more answers to one question (ages past 30) needs both changed.
if (MAX_CHILD_AGE + 2 > 31) throw new Error("an age question has more answers than a slot's mask holds");

/** Walks a condition tree depth first, as json-rules-engine reports results. */
export function* leafConditions(c: Condition): Generator<LeafCondition> {
  if ("all" in c) for (const s of c.all) yield* leafConditions(s);
  else if ("any" in c) for (const s of c.any) yield* leafConditions(s);
  else if ("not" in c) yield* leafConditions(c.not);
  else yield c;
}

/** The engine's boolean result for every leaf of a rule result, depth first. */
function engineLeafResults(conditions: unknown, out: boolean[]): void {
  const c = conditions as Record<string, unknown>;
  if (Array.isArray(c.all)) for (const s of c.all) engineLeafResults(s, out);
  else if (Array.isArray(c.any)) for (const s of c.any) engineLeafResults(s, out);
  else if (c.not) engineLeafResults(c.not, out);
  else out.push(c.result === true);
}

function ageLabel(ages: number[]): string {
  const lo = ages[0]!;
  const hi = ages[ages.length - 1]!;
  const contiguous = hi - lo + 1 === ages.length;
  if (!contiguous) return ages.join(", ");
  return lo === hi ? `${lo}` : `${lo} to ${hi}`;
}

const and = (a: number, b: number): number => (a === TRUE && b === TRUE ? TRUE : FALSE);
const or = (a: number, b: number): number => (a === TRUE || b === TRUE ? TRUE : FALSE);
const not = (a: number): number => (a === TRUE ? FALSE : TRUE);

export async function compileEdition(
  library: RuleLibrary,
  edition: Edition,
  sources: Source[],
): Promise<CompiledEdition> {
  const slots: Slot[] = [];
  const slotByQuestion = new Map<string, number>();
  const slotFor = (question: string, literal: boolean, ruleId: string): number => {
    const key = literal ? `${question}@${ruleId}` : question;
    const known = slotByQuestion.get(key);
    if (known !== undefined) return known;
    const domain = domainFor(library.questionById.get(question)!, literal);
    const slot: Slot = {
      index: slots.length,
      question,
      domain,
      position: new Map(domain.map((v, i) => [v, i])),
      literal,
      classes: [],
      classOf: [],
    };
    slots.push(slot);
    slotByQuestion.set(key, slot.index);
    return slot.index;
  };

  const leaves: CompiledLeaf[] = [];
  const compileRule = (rule: CitedRule): CompiledRule => {
    const literal = new Set(rule.readsUnknownAsAnswer.map((r) => r.question));
    const ruleLeaves: number[] = [];
    for (const c of leafConditions(rule.conditions)) {
      const leaf: CompiledLeaf = {
        index: leaves.length,
        slot: slotFor(c.fact, literal.has(c.fact), rule.id),
        condition: c,
        text: describeCondition(c),
        trueMask: 0,
      };
      leaves.push(leaf);
      ruleLeaves.push(leaf.index);
    }
    return {
      rule,
      leaves: ruleLeaves,
      diagram: FALSE,
      ...(rule.outcome ? { outcome: rule.outcome } : {}),
    };
  };
  const criteria = edition.criteria.map(compileRule);
  const triggers = edition.triggers.map(compileRule);
  const all = [...criteria, ...triggers];

  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const c of all) engine.addRule(ruleProperties(c.rule));

  // Fill the truth tables by running the engine on every value each slot can take. A leaf reads
  // only its own question, so one run per value position covers every slot at once.
  const questionIds = library.questions.map((q) => q.id);
  const longest = Math.max(...slots.map((s) => s.domain.length));
  for (let i = 0; i < longest; i++) {
    const facts: Record<string, string | number> = {};
    for (const q of library.questions) facts[q.id] = "unknown";
    // Literal slots share their question with the open slot, so they are filled in runs of their own.
    for (const pass of [false, true]) {
      const relevant = slots.filter((s) => s.literal === pass && i < s.domain.length);
      if (relevant.length === 0) continue;
      for (const s of relevant) facts[s.question] = s.domain[i]!;
      const { results, failureResults } = await engine.run(facts);
      for (const r of [...results, ...failureResults]) {
        const compiled = all.find((c) => c.rule.id === r.name)!;
        const got: boolean[] = [];
        engineLeafResults(r.conditions, got);
        compiled.leaves.forEach((leafIndex, k) => {
          const leaf = leaves[leafIndex]!;
          const slot = slots[leaf.slot]!;
          if (slot.literal === pass && i < slot.domain.length && got[k]) leaf.trueMask |= 1 << i;
        });
      }
    }
  }

  for (const s of slots) {
    const onSlot = leaves.filter((l) => l.slot === s.index);
    const bySignature = new Map<string, number[]>();
    s.domain.forEach((_, i) => {
      const signature = onSlot.map((l) => (l.trueMask >> i) & 1).join("");
      bySignature.set(signature, [...(bySignature.get(signature) ?? []), i]);
    });
    s.classes = [...bySignature.values()].map((positions) => ({
      mask: positions.reduce((m, i) => m | (1 << i), 0),
      label:
        typeof s.domain[positions[0]!] === "number"
          ? ageLabel(positions.map((i) => s.domain[i] as number))
          : positions.map((i) => String(s.domain[i])).join(" or "),
    }));
    s.classOf = s.domain.map((_, i) => s.classes.findIndex((c) => (c.mask >> i) & 1));
  }

  // The diagrams: a leaf is one node on its slot's level, TRUE on the classes where it holds; the
  // tree's all/any/not combine them. Every value of a class behaves alike, so its first stands for it.
  const built = new Diagram(slots.map((s) => s.classes.length));
  const diagramOf = (c: CompiledRule): number => {
    let k = 0; // leaves come depth first, as they were numbered
    const build = (node: Condition): number => {
      if ("all" in node) return node.all.map(build).reduce((a, b) => built.apply(and, a, b), TRUE);
      if ("any" in node) return node.any.map(build).reduce((a, b) => built.apply(or, a, b), FALSE);
      if ("not" in node) return built.apply(not, build(node.not), FALSE);
      const leaf = leaves[c.leaves[k++]!]!;
      const slot = slots[leaf.slot]!;
      return built.node(
        leaf.slot,
        slot.classes.map((cls) => (leaf.trueMask & cls.mask ? TRUE : FALSE)),
      );
    };
    return build(c.rule.conditions);
  };
  for (const c of all) c.diagram = diagramOf(c);

  const anyOf = (rules: CompiledRule[]): number =>
    rules.reduce((acc, c) => built.apply(or, acc, c.diagram), FALSE);
  // From the weakest rung up: a rung's criteria met give its terminal, else what the rungs below give.
  const ladder = edition.outcomes.map((o) => o.id);
  let outcome = outcomeTerminal(ladder.length - 1);
  for (let rung = ladder.length - 2; rung >= 0; rung--) {
    const here = outcomeTerminal(rung);
    outcome = built.apply(
      (met, below) => (met === TRUE ? here : below),
      anyOf(criteria.filter((c) => c.outcome === ladder[rung])),
      outcome,
    );
  }

  const { diagram, roots } = built.compact([outcome, ...all.map((c) => c.diagram)]);
  const [outcomeRoot] = roots as [number];
  all.forEach((c, i) => (c.diagram = roots[i + 1]!));

  const elevenQuestions = new Map<string, { criterion: string; title: string }>();
  for (const c of criteria) {
    if (c.rule.level !== "useful-lessons") continue;
    for (const l of c.leaves)
      elevenQuestions.set(leaves[l]!.condition.fact, { criterion: c.rule.id, title: c.rule.title });
  }

  const compiled: CompiledEdition = {
    edition,
    engine,
    slots,
    leaves,
    criteria,
    triggers,
    diagram,
    outcomeRoot,
    ladder,
    decisive: planDecisive({ diagram, outcomeRoot, slots, ladder }),
    elevenQuestions,
    questionOrder: new Map(questionIds.map((id, i) => [id, i])),
    usedQuestionIds: questionIds.filter((id) => edition.questionsUsed.has(id)),
    sources,
    alternatives: library.alternatives
      .filter((x) => !x.editions || x.editions.includes(edition.id))
      .map((x) => ({ id: x.id, title: x.title, text: x.text, citation: x.citation, quote: x.quote })),
    requirementTimescales: edition.timescales.filter((t) => t.nature === "requirement"),
  };
  await proveAgainstEngine(compiled);
  return compiled;
}
