/**
 * The decisive questions, exactly: every open question whose answer, alone or together with other
 * open questions, could still change the outcome.
 *
 * The outcome is a function F of the answers. An open question is decisive when some assignment of
 * the other open questions makes F depend on it; that is, when F, restricted to the answers given,
 * depends on the question at all. Looking one question ahead (does some answer narrow the outcomes
 * still possible?) misses questions that decide only together with others, and the questions that
 * decide most when little is answered (has the child died) are exactly those.
 *
 * A question some rule reads "as answered" (readsUnknownAsAnswer, WT2015 (ii): "unless it is clear
 * that there are no concerns") has more than one slot: its open slot, which the other rules read,
 * and one literal slot per such rule, which reads "unknown" as an answer. Its states are therefore
 * not its slots' product: unanswered, the literal slots hold "unknown" while the open slot may take
 * any class; answered v, every slot holds v. The outcome depends on such a question when its value
 * differs across these states; and the question is an *assumption* when the unanswered reading
 * itself bears on the outcome (unanswered versus answered the same way differ). Every other open
 * question ranges over the states of these questions too ("together with other open questions").
 *
 * How it is computed, from the edition's outcome diagram alone (diagram.ts), per request:
 *
 * - the outcome is split into threshold functions, one per rung of the edition's ladder but the
 *   last ("at least rung r": for the SCR editions "initiate" and "at least consider"; for
 *   cspr-2018's two rungs, one); F depends on a question exactly when one of them does, because
 *   the rung is the number of thresholds that hold, and the strongest threshold it moves is the
 *   strongest outcome the question can bring about or rule out (the ranking);
 * - each threshold's diagram is reduced under the answers given (a level with one allowed class is
 *   skipped, nodes whose allowed children agree are merged, hash-consed), so that two nodes have the
 *   same canonical id exactly when they give the same function of the open questions;
 * - an ordinary open question (one slot, level l) moves the threshold exactly when a node on level
 *   l, reachable along allowed edges, has two allowed children with different canonical ids: the
 *   path above picks the assignment of the questions above, the two children's difference gives
 *   the questions below;
 * - the questions with literal slots are few (one, in WT2015), so their states are enumerated: each
 *   combination of their states is one reduction, and such a question moves the threshold when the
 *   canonical root differs across its own states with the others' held fixed.
 *
 * The outcome diagram has a few dozen nodes (36 for WT2010, 64 for WT2015), so this is a handful
 * of linear passes. The property tests prove it against brute force over every assignment.
 */
import type { CompiledEdition } from "./compile.js";
import { Diagram, outcomeTerminal, TERMINALS } from "./diagram.js";

/** The state of a question's slots: per slot of the question, the allowed classes (one bit). */
interface State {
  masks: number[];
}

/** A question some rule reads as answered: its slots and the states they can be in together. */
export interface LiteralQuestion {
  question: string;
  /** Its slots: the open one first when it has one, then each literal slot. */
  slots: number[];
  /** Unanswered: the literal slots hold "unknown", the open slot any class. */
  unanswered: State[];
  /** Answered: per set of values the slots treat alike, their state, with the values' label. */
  answered: Array<State & { values: Array<string | number>; label: string; open: number }>;
}

export interface DecisivePlan {
  /** The outcome diagram on its own (compacted), levels as in the edition's diagram. */
  diagram: Diagram;
  root: number;
  /** The thresholds, strongest first (bit r: "at least rung r"): one fewer than the ladder's rungs. */
  thresholds: number;
  /** Per level: the question its slot belongs to. */
  questionOf: string[];
  /** Per level: true when the slot is a literal one. */
  literal: boolean[];
  literalQuestions: Map<string, LiteralQuestion>;
  /** The slots' allowed classes with nothing answered, and the findings then, worked out once. */
  nothingAnswered: { allowed: Int32Array; findings?: DecisiveFinding[] };
}

export function planDecisive(
  compiled: Pick<CompiledEdition, "diagram" | "outcomeRoot" | "slots" | "ladder">,
): DecisivePlan {
  const { diagram, roots } = compiled.diagram.compact([compiled.outcomeRoot]);
  const { slots } = compiled;
  const literalQuestions = new Map<string, LiteralQuestion>();
  for (const s of slots) {
    if (!s.literal || literalQuestions.has(s.question)) continue;
    const open = slots.find((x) => x.question === s.question && !x.literal);
    const lits = slots.filter((x) => x.question === s.question && x.literal);
    const mine = [...(open ? [open] : []), ...lits];
    const unknownMask = (x: (typeof slots)[number]) => 1 << x.classOf[x.position.get("unknown")!]!;
    const unanswered: State[] = open
      ? open.classes.map((_, k) => ({ masks: [1 << k, ...lits.map(unknownMask)] }))
      : [{ masks: lits.map(unknownMask) }];
    // The values an answer can take are the open domain's (a literal domain adds only "unknown").
    const values = (open ?? lits[0]!).domain.filter((v) => v !== "unknown");
    const byKey = new Map<string, LiteralQuestion["answered"][number]>();
    for (const v of values) {
      const masks = mine.map((x) => 1 << x.classOf[x.position.get(v)!]!);
      const key = masks.join(",");
      const known = byKey.get(key);
      if (known) known.values.push(v);
      else byKey.set(key, { masks, values: [v], label: "", open: open ? masks[0]! : 0 });
    }
    const answered = [...byKey.values()];
    for (const a of answered) a.label = a.values.map(String).join(" or ");
    literalQuestions.set(s.question, {
      question: s.question,
      slots: mine.map((x) => x.index),
      unanswered,
      answered,
    });
  }
  const nothingAnswered = {
    allowed: Int32Array.from(slots, (s) =>
      s.literal ? 1 << s.classOf[s.position.get("unknown")!]! : (1 << s.classes.length) - 1,
    ),
  };
  return {
    diagram,
    root: roots[0]!,
    thresholds: compiled.ladder.length - 1,
    questionOf: slots.map((s) => s.question),
    literal: slots.map((s) => s.literal),
    literalQuestions,
    nothingAnswered,
  };
}

/** A threshold's value at each terminal: 1 at the rungs as strong as the threshold's or stronger. */
function terminalValue(t: number, threshold: number): number {
  return t >= outcomeTerminal(0) && t <= outcomeTerminal(threshold) ? 1 : 0;
}

/**
 * Nodes already given an id, per level: the allowed children's ids (-1 for a class not allowed)
 * and the id. A level holds a handful of nodes, so a linear scan beats hashing.
 */
type Registry = Array<Array<{ children: number[]; id: number }>>;

/**
 * Canonical ids of the diagram's nodes as functions of the open slots (those allowing more than one
 * class), for one threshold, into `canon`. `registry` is shared by the passes of one threshold, so
 * ids from different passes over the same open slots compare; `next` hands out new ids.
 */
function reduce(
  d: Diagram,
  allowed: ArrayLike<number>,
  threshold: number,
  registry: Registry,
  canon: Int32Array,
  next: { id: number },
): void {
  const { level, first, edges, arity } = d;
  for (let t = 0; t < TERMINALS; t++) canon[t] = terminalValue(t, threshold);
  for (let n = TERMINALS; n < d.size; n++) {
    const l = level[n]!;
    const a = allowed[l]!;
    const e = first[n]!;
    const ar = arity[l]!;
    if ((a & (a - 1)) === 0) {
      canon[n] = canon[edges[e + 31 - Math.clz32(a)]!]!;
      continue;
    }
    let same = -1;
    let differs = false;
    for (let k = 0; k < ar; k++) {
      if (!((a >> k) & 1)) continue;
      const c = canon[edges[e + k]!]!;
      if (same === -1) same = c;
      else if (c !== same) differs = true;
    }
    if (!differs) {
      canon[n] = same;
      continue;
    }
    const known = (registry[l] ??= []);
    let id = -1;
    for (const r of known) {
      let equal = true;
      for (let k = 0; k < ar && equal; k++)
        equal = r.children[k] === ((a >> k) & 1 ? canon[edges[e + k]!]! : -1);
      if (equal) {
        id = r.id;
        break;
      }
    }
    if (id === -1) {
      const children: number[] = [];
      for (let k = 0; k < ar; k++) children.push((a >> k) & 1 ? canon[edges[e + k]!]! : -1);
      id = next.id++;
      known.push({ children, id });
    }
    canon[n] = id;
  }
}

export interface DecisiveFinding {
  question: string;
  /** Bit r: the answer can bring about or rule out "at least rung r" of the ladder (bit 0 the strongest). */
  moves: number;
  /** Read as the guidance directs while unanswered, and that reading bears on the outcome. */
  assumption: boolean;
}

/**
 * The decisive questions among the open ones, for slots allowing the classes in `allowed` (one bit
 * per class; literal slots of unanswered questions at "unknown"). `open` says which questions are
 * unanswered.
 */
export function findDecisive(
  plan: DecisivePlan,
  allowed: ArrayLike<number>,
  isOpen: (question: string) => boolean,
): DecisiveFinding[] {
  // Nothing answered is where every questionnaire starts: that answer is kept once worked out.
  const none = plan.nothingAnswered;
  const isNone = none.allowed.every((m, i) => m === allowed[i]);
  if (isNone && none.findings) return none.findings;
  const found = decisiveFor(plan, allowed, isOpen);
  if (isNone) none.findings = found;
  return found;
}

function decisiveFor(
  plan: DecisivePlan,
  allowed: ArrayLike<number>,
  isOpen: (question: string) => boolean,
): DecisiveFinding[] {
  const { diagram: d, root, questionOf } = plan;
  const { level, first, edges, arity } = d;
  const moves = new Map<string, number>();
  const assumption = new Set<string>();
  const mark = (q: string, bit: number) => moves.set(q, (moves.get(q) ?? 0) | bit);

  const literals = [...plan.literalQuestions.values()].filter((q) => isOpen(q.question));
  const statesOf = literals.map((q) => [...q.unanswered, ...q.answered]);
  // Every combination of the literal questions' states (one, when none is open).
  const combos: number[][] = [[]];
  for (const states of statesOf) {
    const next: number[][] = [];
    for (const c of combos) for (let i = 0; i < states.length; i++) next.push([...c, i]);
    combos.splice(0, combos.length, ...next);
  }

  const local = Int32Array.from(allowed);
  const canon = new Int32Array(d.size);
  const reached = new Uint8Array(d.size);
  /** Per threshold, per combination: the root's canonical id. */
  const rootIds: number[][] = [];
  for (let th = 0; th < plan.thresholds; th++) {
    const registry: Registry = [];
    const next = { id: 2 };
    const ids: number[] = [];
    // States that set the slots alike (unanswered with the open slot "yes" is answered "yes" when
    // the literal reading of "unknown" is that of "yes") give the same root: one pass for both.
    const done = new Map<string, number>();
    for (const combo of combos) {
      const masks: number[] = [];
      combo.forEach((i, j) => {
        const q = literals[j]!;
        q.slots.forEach((s, k) => {
          local[s] = statesOf[j]![i]!.masks[k]!;
          masks.push(local[s]!);
        });
      });
      const key = masks.join(",");
      const seen = done.get(key);
      if (seen !== undefined) {
        ids.push(seen);
        continue;
      }
      reduce(d, local, th, registry, canon, next);
      done.set(key, canon[root]!);
      ids.push(canon[root]!);
      // Ordinary open slots: a reachable node on the level whose allowed children differ.
      reached.fill(0);
      reached[root] = 1;
      for (let n = root; n >= TERMINALS; n--) {
        if (!reached[n]) continue;
        const l = level[n]!;
        const a = local[l]!;
        const e = first[n]!;
        let seen = -1;
        let differs = false;
        for (let k = 0; k < arity[l]!; k++) {
          if (!((a >> k) & 1)) continue;
          const c = edges[e + k]!;
          reached[c] = 1;
          if (seen === -1) seen = canon[c]!;
          else if (canon[c] !== seen) differs = true;
        }
        if (differs && !plan.literal[l]) mark(questionOf[l]!, 1 << th);
      }
    }
    rootIds.push(ids);
  }

  // A literal question moves a threshold when, the others' states held, its own states differ.
  literals.forEach((q, j) => {
    const unanswered = q.unanswered.length;
    const groups = new Map<string, number[]>();
    combos.forEach((combo, ci) => {
      const key = combo.filter((_, x) => x !== j).join(",");
      groups.set(key, [...(groups.get(key) ?? []), ci]);
    });
    for (const members of groups.values()) {
      for (let th = 0; th < plan.thresholds; th++) {
        const ids = members.map((ci) => rootIds[th]![ci]!);
        if (ids.some((id) => id !== ids[0])) mark(q.question, 1 << th);
      }
      // The assumption: unanswered with the open slot in some class, against answered in that class.
      const stateOf = (ci: number) => combos[ci]![j]!;
      for (const ci of members) {
        const s = stateOf(ci);
        if (s >= unanswered) continue;
        const openMask = q.unanswered[s]!.masks[0]!;
        for (const cj of members) {
          const t = stateOf(cj);
          if (t < unanswered) continue;
          const a = q.answered[t - unanswered]!;
          if (a.open !== 0 && a.open !== openMask) continue;
          for (let th = 0; th < plan.thresholds; th++)
            if (rootIds[th]![ci] !== rootIds[th]![cj]) assumption.add(q.question);
        }
      }
    }
  });
  return [...moves].map(([question, m]) => ({ question, moves: m, assumption: assumption.has(question) }));
}
