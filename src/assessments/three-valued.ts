/**
 * Three-valued evaluation over an edition's decision diagrams (diagram.ts).
 *
 * The state is, for each slot, the answer classes it may still take: one when it is answered (or
 * read literally), all of them when it is open. Every way of answering the open questions is a path
 * through the diagram, so what they can give is the set of terminals reachable along edges the
 * state allows:
 *
 * - a rule is met when only TRUE is reachable from its root, not met when only FALSE is, and
 *   undetermined when both are;
 * - the possible outcomes are the outcome terminals reachable from the outcome root, where the
 *   outcome of a full set of answers is the strongest rung of the edition's ladder with a met
 *   criterion (strongest first), or its last rung when none is met.
 *
 * Each is one pass over the diagram, linear in its size, however many questions are open.
 */
import type { Outcome } from "../rulesets/types.js";
import { FALSE, outcomeTerminal, TERMINALS, TRUE, type Diagram } from "./diagram.js";

/** Per leaf in an explanation: 1 it holds, 0 it fails, OPEN its question is open. */
export const OPEN = -1;

export type Status = "met" | "not-met" | "undetermined";

/**
 * Per node, the terminals reachable from it (bit t for terminal t) when slot l may take only the
 * classes in allowed[l] (bit k for class k). Children have smaller ids, so one pass in id order.
 */
export function reachableTerminals(d: Diagram, allowed: ArrayLike<number>): Uint8Array {
  const { level, first, edges, arity } = d;
  const size = d.size;
  const down = new Uint8Array(size);
  for (let t = 0; t < TERMINALS; t++) down[t] = 1 << t;
  for (let n = TERMINALS; n < size; n++) {
    const l = level[n]!;
    const a = allowed[l]!;
    const e = first[n]!;
    let bits = 0;
    for (let k = arity[l]! - 1; k >= 0; k--) if ((a >> k) & 1) bits |= down[edges[e + k]!]!;
    down[n] = bits;
  }
  return down;
}

export function statusOf(terminals: number): Status {
  const canHold = (terminals >> TRUE) & 1;
  const canFail = (terminals >> FALSE) & 1;
  return canHold && canFail ? "undetermined" : canHold ? "met" : "not-met";
}

/** The outcomes of the ladder (its ids, strongest first) among these terminals, strongest first. */
export function outcomesOf(ladder: readonly Outcome[], terminals: number): Outcome[] {
  return ladder.filter((_, rung) => (terminals >> outcomeTerminal(rung)) & 1);
}

/**
 * What the diagram under `root` could still give were slot l answered in class k, for every open
 * slot and class at once: `ifAnswered(l, k)` (terminal bits).
 *
 * A path from the root either meets a node on level l, and then takes its edge k, or jumps over the
 * level (the reduced diagram skips levels its function does not depend on there), and then answering
 * slot l changes nothing below it. So one pass down from the root, collecting for each level what the
 * nodes on it reach through each edge and what the edges jumping over it reach, answers every slot.
 */
export function outcomesIfAnswered(
  d: Diagram,
  root: number,
  allowed: ArrayLike<number>,
  down: Uint8Array,
): (level: number, cls: number) => number {
  const { level, first, edges, arity } = d;
  const levels = arity.length;
  const widest = Math.max(1, ...arity);
  const through = new Uint8Array(levels * widest);
  // Per terminal, how many allowed edges from a reachable node jump over each level, kept as
  // differences (+1 on the first level jumped, -1 on the level landed on) and summed below.
  const over = new Int32Array(TERMINALS * (levels + 1));
  const jump = (from: number, to: number, terminals: number): void => {
    if (to <= from + 1) return;
    for (let t = 0; t < TERMINALS; t++) {
      if (!((terminals >> t) & 1)) continue;
      over[t * (levels + 1) + from + 1]! += 1;
      over[t * (levels + 1) + to]! -= 1;
    }
  };
  const reached = new Uint8Array(root + 1);
  reached[root] = 1;
  jump(-1, level[root]!, down[root]!);
  for (let n = root; n >= TERMINALS; n--) {
    if (!reached[n]) continue;
    const l = level[n]!;
    const a = allowed[l]!;
    const e = first[n]!;
    for (let k = 0; k < arity[l]!; k++) {
      if (!((a >> k) & 1)) continue;
      const c = edges[e + k]!;
      reached[c] = 1;
      through[l * widest + k]! |= down[c]!;
      jump(l, level[c]!, down[c]!);
    }
  }
  const jumped = new Uint8Array(levels);
  for (let t = 0; t < TERMINALS; t++) {
    let count = 0;
    for (let l = 0; l < levels; l++) {
      count += over[t * (levels + 1) + l]!;
      if (count > 0) jumped[l]! |= 1 << t;
    }
  }
  return (l, k) => jumped[l]! | through[l * widest + k]!;
}
