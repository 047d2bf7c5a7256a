/**
 * The honest-advice semantics by brute force, for the property tests: every way of answering the
 * open questions is enumerated and judged by an outcome function given from outside (the
 * hand-written oracle, or json-rules-engine), and the definitions are applied literally:
 *
 * - possible outcomes: the outcomes of every completion, unanswered questions a rule reads as
 *   answered staying "unknown" for that rule;
 * - a question is decisive when, for some assignment of the other open questions (each in any of
 *   its states: answered any way, or, for a question read as answered, still unanswered), the
 *   outcome differs across its own states; `bearsOn` is the strongest outcome of the ladder among
 *   those it moves between; it is an assumption when, read unanswered, it gives another outcome than answered the
 *   same way the open reading takes;
 * - ifAnswered: the outcomes of the completions with the question answered so, the rest as they are.
 */
export type Value = string | number;
/** An outcome id of an edition's ladder (the ladder is given, strongest first). */
export type Outcome = string;

/** One state of an open question: the value the open reading takes, and the value as given. */
interface State {
  value: Value;
  given: Value;
}

export interface BruteInput {
  /** The edition's outcomes, strongest first (written by hand: test/support/oracle.ts LADDERS). */
  ladder: readonly Outcome[];
  /** The edition's questions, with answers as given ("unknown" when open). */
  raw: Record<string, Value>;
  domain: (question: string) => Value[];
  /** Questions some rule reads as answered. */
  literal: ReadonlySet<string>;
  /** The outcome of complete answers, and the answers as given (what literal readings see). */
  outcome: (complete: Record<string, Value>, given: Record<string, Value>) => Outcome;
}

export interface BruteResult {
  possible: Outcome[];
  decisive: Map<string, { bearsOn: Outcome; assumption: boolean; ifAnswered: Map<Value, Outcome[]> }>;
}

export function brute({ ladder: ORDER, raw, domain, literal, outcome }: BruteInput): BruteResult {
  const open = Object.keys(raw).filter((q) => raw[q] === "unknown");
  const states = open.map((q): State[] => {
    const answered = domain(q).map((v) => ({ value: v, given: v }));
    return literal.has(q)
      ? [...domain(q).map((v) => ({ value: v, given: "unknown" as Value })), ...answered]
      : answered;
  });
  const unansweredState = (k: number, s: State) => !literal.has(open[k]!) || s.given === "unknown";
  const rows: Array<{ at: number[]; outcome: Outcome }> = [];
  const at = open.map(() => 0);
  for (;;) {
    const complete: Record<string, Value> = { ...raw };
    const given: Record<string, Value> = { ...raw };
    open.forEach((q, k) => {
      const s = states[k]![at[k]!]!;
      complete[q] = s.value;
      given[q] = s.given;
    });
    rows.push({ at: [...at], outcome: outcome(complete, given) });
    let k = 0;
    while (k < open.length && ++at[k]! === states[k]!.length) at[k++] = 0;
    if (k === open.length) break;
  }
  const current = (r: { at: number[] }, except = -1) =>
    r.at.every((s, k) => k === except || unansweredState(k, states[k]![s]!));
  const possible = ORDER.filter((o) => rows.some((r) => current(r) && r.outcome === o));

  const decisive: BruteResult["decisive"] = new Map();
  open.forEach((q, k) => {
    const groups = new Map<string, Array<{ state: State; outcome: Outcome }>>();
    for (const r of rows) {
      const key = r.at.filter((_, j) => j !== k).join(",");
      groups.set(key, [...(groups.get(key) ?? []), { state: states[k]![r.at[k]!]!, outcome: r.outcome }]);
    }
    let bearsOn: Outcome | undefined;
    let assumption = false;
    for (const g of groups.values()) {
      const outs = new Set(g.map((x) => x.outcome));
      if (outs.size > 1) {
        const strongest = ORDER.find((o) => outs.has(o))!;
        if (!bearsOn || ORDER.indexOf(strongest) < ORDER.indexOf(bearsOn)) bearsOn = strongest;
      }
      for (const x of g)
        for (const y of g)
          if (x.state.given === "unknown" && y.state.given === x.state.value && x.outcome !== y.outcome)
            assumption = true;
    }
    if (!bearsOn) return;
    const ifAnswered = new Map<Value, Outcome[]>();
    for (const v of domain(q)) {
      const matching = rows.filter((r) => {
        const s = states[k]![r.at[k]!]!;
        return s.value === v && s.given === v && current(r, k);
      });
      ifAnswered.set(
        v,
        ORDER.filter((o) => matching.some((r) => r.outcome === o)),
      );
    }
    decisive.set(q, { bearsOn, assumption, ifAnswered });
  });
  return { possible, decisive };
}
