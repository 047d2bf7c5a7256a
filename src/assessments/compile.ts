/**
 * Compiles an edition's rules for three-valued evaluation.
 *
 * Each edition gets one json-rules-engine Engine holding all its criteria and triggers. The rule id
 * goes in the rule's `name` and the citation in `event.params`, because those are what the engine
 * keeps in its results. Beside the engine, each rule's condition tree is compiled into:
 *
 * - leaves, numbered in the order the engine reports them (depth first), each with a truth table
 *   over its question's possible answers. The tables are filled by running the engine itself on
 *   every possible answer at start-up, so there is one source of truth for what an operator means;
 * - terms: the rule in disjunctive normal form (an OR of ANDs of leaves, `not` pushed down to the
 *   leaves). The terms let the evaluator answer "can this still be met?" and "can this still
 *   fail?" exactly, however the open questions are answered, without enumerating the answers.
 *
 * A question a rule reads "as answered" (readsUnknownAsAnswer, e.g. WT2015 (ii)) gets a slot of its
 * own for that rule, whose value is the answer as given, "unknown" included, so that rule never
 * treats it as open.
 */
import { Engine, type RuleProperties } from "json-rules-engine";
import {
  LEVEL_OUTCOME,
  MAX_CHILD_AGE,
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

/** A place in the answer state: a question, or a question as one rule reads it literally. */
export interface Slot {
  index: number;
  question: string;
  /** The values this slot can take, one bit each. */
  domain: ReadonlyArray<string | number>;
  full: number;
  literal: boolean;
  /** The answer's values grouped by how every leaf on this slot treats them (for decisive questions). */
  classes: Array<{ mask: number; label: string }>;
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

export type Node =
  { op: "all" | "any"; children: Node[] } | { op: "not"; child: Node } | { op: "leaf"; leaf: number };

/** One conjunct of a term: the leaf must hold (positive) or fail; mask = slot values satisfying it. */
export interface Literal {
  leaf: number;
  slot: number;
  positive: boolean;
  mask: number;
}
export type Term = Literal[];

export interface CompiledRule {
  rule: CitedRule;
  root: Node;
  /** Indices into the edition's leaf table, in the order the engine reports them. */
  leaves: number[];
  terms: Term[];
  outcome?: Outcome;
}

export interface CompiledEdition {
  edition: Edition;
  engine: Engine;
  slots: Slot[];
  slotByQuestion: Map<string, number>;
  leaves: CompiledLeaf[];
  criteria: CompiledRule[];
  triggers: CompiledRule[];
  ruleByName: Map<string, CompiledRule>;
  /** Terms of the criteria at each outcome level, and of all criteria. */
  initiateTerms: Term[];
  considerTerms: Term[];
  criteriaTerms: Term[];
  /** Every slot's full mask: the state before anything is known. */
  fullMasks: number[];
  /** Every question of the vocabulary (each is a fact), and those this edition reads, in vocabulary order. */
  questionIds: string[];
  usedQuestionIds: string[];
  sources: Source[];
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

function dnf(node: Node, negate: boolean, leaves: CompiledLeaf[], full: (slot: number) => number): Term[] {
  if (node.op === "leaf") {
    const leaf = leaves[node.leaf]!;
    const f = full(leaf.slot);
    return [
      [
        {
          leaf: leaf.index,
          slot: leaf.slot,
          positive: !negate,
          mask: negate ? f & ~leaf.trueMask : leaf.trueMask,
        },
      ],
    ];
  }
  if (node.op === "not") return dnf(node.child, !negate, leaves, full);
  const conjunctive = (node.op === "all") !== negate;
  const parts = node.children.map((c) => dnf(c, negate, leaves, full));
  if (!conjunctive) return parts.flat();
  return parts.reduce<Term[]>((acc, p) => acc.flatMap((a) => p.map((b) => [...a, ...b])), [[]]);
}

/** Walks a condition tree depth first, as json-rules-engine reports results. */
export function* leafConditions(c: Condition): Generator<LeafCondition> {
  if ("all" in c) for (const s of c.all) yield* leafConditions(s);
  else if ("any" in c) for (const s of c.any) yield* leafConditions(s);
  else if ("not" in c) yield* leafConditions(c.not);
  else yield c;
}

/** The engine's boolean result for every leaf of a rule result, depth first. */
export function engineLeafResults(conditions: unknown, out: boolean[]): void {
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
      full: (1 << domain.length) - 1,
      literal,
      classes: [],
    };
    slots.push(slot);
    slotByQuestion.set(key, slot.index);
    return slot.index;
  };

  const leaves: CompiledLeaf[] = [];
  const compileRule = (rule: CitedRule): CompiledRule => {
    const literal = new Set(rule.readsUnknownAsAnswer.map((r) => r.question));
    const ruleLeaves: number[] = [];
    const build = (c: Condition): Node => {
      if ("all" in c) return { op: "all", children: c.all.map(build) };
      if ("any" in c) return { op: "any", children: c.any.map(build) };
      if ("not" in c) return { op: "not", child: build(c.not) };
      const leaf: CompiledLeaf = {
        index: leaves.length,
        slot: slotFor(c.fact, literal.has(c.fact), rule.id),
        condition: c,
        text: describeCondition(c),
        trueMask: 0,
      };
      leaves.push(leaf);
      ruleLeaves.push(leaf.index);
      return { op: "leaf", leaf: leaf.index };
    };
    const root = build(rule.conditions);
    return {
      rule,
      root,
      leaves: ruleLeaves,
      terms: [],
      ...(rule.level ? { outcome: LEVEL_OUTCOME[rule.level] } : {}),
    };
  };
  const criteria = edition.criteria.map(compileRule);
  const triggers = edition.triggers.map(compileRule);
  const all = [...criteria, ...triggers];

  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const c of all) {
    const props: RuleProperties = {
      name: c.rule.id,
      conditions: c.rule.conditions as RuleProperties["conditions"],
      event: {
        type: c.rule.kind,
        params: { id: c.rule.id, level: c.rule.level ?? null, citation: c.rule.citation },
      },
    };
    engine.addRule(props);
  }

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
  }

  for (const c of all) c.terms = dnf(c.root, false, leaves, (slot) => slots[slot]!.full);

  return {
    edition,
    engine,
    slots,
    slotByQuestion,
    leaves,
    criteria,
    triggers,
    ruleByName: new Map(all.map((c) => [c.rule.id, c])),
    initiateTerms: criteria.filter((c) => c.outcome === "initiate-scr").flatMap((c) => c.terms),
    considerTerms: criteria.filter((c) => c.outcome === "consider-scr").flatMap((c) => c.terms),
    criteriaTerms: criteria.flatMap((c) => c.terms),
    fullMasks: slots.map((s) => s.full),
    questionIds,
    usedQuestionIds: questionIds.filter((id) => edition.questionsUsed.has(id)),
    sources,
    requirementTimescales: edition.timescales.filter((t) => t.nature === "requirement"),
  };
}
