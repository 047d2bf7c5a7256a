/**
 * Three-valued evaluation over the compiled terms of an edition.
 *
 * The state is what is known: for each leaf, the engine's result when its question is answered
 * (or read literally), or "open"; and for each open slot, the set of values (a bit mask) it could
 * still take. From that state the functions here answer exactly:
 *
 * - a rule is met when no way of answering the open questions falsifies all its terms, not met when
 *   no term can still hold, and undetermined otherwise;
 * - the possible outcomes are those some way of answering the open questions gives, where the
 *   outcome of a full set of answers is the strongest level with a met criterion (domain.md).
 *
 * Both reduce to two searches over the terms: satisfy one term (fix its open leaves), and falsify a
 * set of terms (for each term still alive, try each of its open leaves). The searches touch only
 * the open leaves of live terms, so they stay small however many questions are open.
 */
import type { Outcome } from "../rulesets/types.js";
import type { Term } from "./compile.js";

/** Per leaf: 1 the engine found it true, 0 false, -1 its question is open. */
export type LeafState = Int8Array;
/** Per slot: the values it may still take (only meaningful for open slots). */
export type Masks = number[];

export const OPEN = -1;

function literalHolds(lit: Term[number], known: LeafState, masks: Masks): boolean {
  const k = known[lit.leaf]!;
  if (k !== OPEN) return (k === 1) === lit.positive;
  return (masks[lit.slot]! & lit.mask) !== 0;
}

/** The masks narrowed so that every literal of the term holds, or null if it cannot. */
export function satisfy(term: Term, known: LeafState, masks: Masks): Masks | null {
  let out: Masks | null = null;
  for (const lit of term) {
    const k = known[lit.leaf]!;
    if (k !== OPEN) {
      if ((k === 1) !== lit.positive) return null;
      continue;
    }
    const narrowed = (out ?? masks)[lit.slot]! & lit.mask;
    if (narrowed === 0) return null;
    out ??= masks.slice();
    out[lit.slot] = narrowed;
  }
  return out ?? masks;
}

function alive(term: Term, known: LeafState, masks: Masks): boolean {
  for (const lit of term) if (!literalHolds(lit, known, masks)) return false;
  return true;
}

/**
 * Can the open questions be answered so that every term fails? Returns the narrowed masks under
 * which every term fails for every remaining answer (a witness), or null.
 */
export function falsifyAll(
  terms: readonly Term[],
  known: LeafState,
  masks: Masks,
  full: Masks,
): Masks | null {
  let target: Term | undefined;
  for (const t of terms) {
    if (alive(t, known, masks)) {
      target = t;
      break;
    }
  }
  if (target === undefined) return masks;
  for (const lit of target) {
    if (known[lit.leaf] !== OPEN) continue;
    const narrowed = masks[lit.slot]! & full[lit.slot]! & ~lit.mask;
    if (narrowed === 0) continue;
    const next = masks.slice();
    next[lit.slot] = narrowed;
    const found = falsifyAll(terms, known, next, full);
    if (found) return found;
  }
  return null;
}

export function canFalsifyAll(terms: readonly Term[], known: LeafState, masks: Masks, full: Masks): boolean {
  return falsifyAll(terms, known, masks, full) !== null;
}

export type Status = "met" | "not-met" | "undetermined";

export function ruleStatus(terms: readonly Term[], known: LeafState, masks: Masks, full: Masks): Status {
  if (!terms.some((t) => satisfy(t, known, masks) !== null)) return "not-met";
  return canFalsifyAll(terms, known, masks, full) ? "undetermined" : "met";
}

/**
 * The outcomes some way of answering the open questions gives, strongest first, each with a
 * witness: narrowed masks under which every remaining way of answering gives that outcome.
 * `among` limits the search to outcomes already known to be possible for a wider state
 * (narrowing never adds any).
 */
export function possibleOutcomesWithWitnesses(
  initiate: readonly Term[],
  consider: readonly Term[],
  all: readonly Term[],
  known: LeafState,
  masks: Masks,
  full: Masks,
  among: readonly Outcome[] = ["initiate-scr", "consider-scr", "criteria-not-met"],
): Array<{ outcome: Outcome; witness: Masks }> {
  const out: Array<{ outcome: Outcome; witness: Masks }> = [];
  if (among.includes("initiate-scr")) {
    for (const t of initiate) {
      const m = satisfy(t, known, masks);
      if (m) {
        out.push({ outcome: "initiate-scr", witness: m });
        break;
      }
    }
  }
  if (among.includes("consider-scr")) {
    for (const t of consider) {
      const m = satisfy(t, known, masks);
      const w = m && falsifyAll(initiate, known, m, full);
      if (w) {
        out.push({ outcome: "consider-scr", witness: w });
        break;
      }
    }
  }
  if (among.includes("criteria-not-met")) {
    const w = falsifyAll(all, known, masks, full);
    if (w) out.push({ outcome: "criteria-not-met", witness: w });
  }
  return out;
}

export function possibleOutcomes(
  initiate: readonly Term[],
  consider: readonly Term[],
  known: LeafState,
  masks: Masks,
  full: Masks,
  all: readonly Term[] = [...initiate, ...consider],
  among?: readonly Outcome[],
): Outcome[] {
  return possibleOutcomesWithWitnesses(initiate, consider, all, known, masks, full, among).map(
    (p) => p.outcome,
  );
}

/** Slots with an open leaf in a term that can still hold: only these can change the outcome. */
export function liveOpenSlots(terms: readonly Term[], known: LeafState, masks: Masks): Set<number> {
  const slots = new Set<number>();
  for (const t of terms) {
    if (!alive(t, known, masks)) continue;
    for (const lit of t) if (known[lit.leaf] === OPEN) slots.add(lit.slot);
  }
  return slots;
}
