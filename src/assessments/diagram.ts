/**
 * A reduced, ordered, hash-consed multi-valued decision diagram over an edition's slots.
 *
 * Level l of the diagram branches on slot l, one edge per answer class of that slot (compile.ts):
 * every leaf treats the values of a class alike, so no rule can tell them apart. A node's id is
 * always greater than its children's, so visiting ids in order is visiting children first.
 *
 * The terminals are shared by every diagram of an edition: FALSE and TRUE for the rules, and the
 * rungs of the edition's outcome ladder (strongest first) for the outcome diagram. Because nodes are shared, one pass over the store settles
 * every rule and the outcome at once (three-valued.ts).
 */
export const FALSE = 0;
export const TRUE = 1;
/** The terminal of the outcome ladder's rung r (0 the strongest). */
export const outcomeTerminal = (rung: number): number => 2 + rung;
/** The most rungs a ladder may have (edition.yaml allows six), so terminal bits fit a byte. */
const MAX_RUNGS = 6;
export const TERMINALS = 2 + MAX_RUNGS;

export class Diagram {
  /** Per level: how many edges a node on it has (its slot's number of answer classes). */
  readonly arity: readonly number[];
  /** Per node: its level; a terminal's level is arity.length, below every slot. */
  readonly level: number[] = [];
  /** Per node: where its children start in `edges`. */
  readonly first: number[] = [];
  readonly edges: number[] = [];
  private readonly unique = new Map<string, number>();

  constructor(arity: readonly number[]) {
    this.arity = arity;
    for (let t = 0; t < TERMINALS; t++) {
      this.level.push(arity.length);
      this.first.push(0);
    }
  }

  get size(): number {
    return this.level.length;
  }

  child(node: number, cls: number): number {
    return this.edges[this.first[node]! + cls]!;
  }

  /** The node on `level` with these children, reduced (a node whose edges all agree is its child). */
  node(level: number, children: readonly number[]): number {
    if (children.every((c) => c === children[0])) return children[0]!;
    const key = `${level}:${children.join(",")}`;
    const known = this.unique.get(key);
    if (known !== undefined) return known;
    const id = this.level.length;
    this.level.push(level);
    this.first.push(this.edges.length);
    this.edges.push(...children);
    this.unique.set(key, id);
    return id;
  }

  /** f applied terminal by terminal to two diagrams: the usual apply, memoised per call. */
  apply(f: (a: number, b: number) => number, x: number, y: number): number {
    const memo = new Map<number, number>();
    const go = (a: number, b: number): number => {
      const la = this.level[a]!;
      const lb = this.level[b]!;
      if (la === this.arity.length && lb === this.arity.length) return f(a, b);
      const key = a * 0x100000 + b;
      const known = memo.get(key);
      if (known !== undefined) return known;
      const l = Math.min(la, lb);
      const children: number[] = [];
      for (let k = 0; k < this.arity[l]!; k++)
        children.push(go(la === l ? this.child(a, k) : a, lb === l ? this.child(b, k) : b));
      const id = this.node(l, children);
      memo.set(key, id);
      return id;
    };
    return go(x, y);
  }

  /**
   * A copy holding only the nodes these roots reach, in the same order (children first), and the
   * roots' ids in it. Building by apply leaves behind the intermediate results, most of the store,
   * which every pass over the nodes would otherwise visit.
   */
  compact(roots: readonly number[]): { diagram: Diagram; roots: number[] } {
    const kept = new Uint8Array(this.size);
    const keep = (n: number): void => {
      if (kept[n]) return;
      kept[n] = 1;
      const l = this.level[n]!;
      if (l < this.arity.length) for (let k = 0; k < this.arity[l]!; k++) keep(this.child(n, k));
    };
    roots.forEach(keep);
    const copy = new Diagram(this.arity);
    const renamed = new Int32Array(this.size);
    for (let t = 0; t < TERMINALS; t++) renamed[t] = t;
    for (let n = TERMINALS; n < this.size; n++) {
      if (!kept[n]) continue;
      const l = this.level[n]!;
      const children: number[] = [];
      for (let k = 0; k < this.arity[l]!; k++) children.push(renamed[this.child(n, k)]!);
      renamed[n] = copy.node(l, children);
    }
    return { diagram: copy, roots: roots.map((r) => renamed[r]!) };
  }

  /** The terminal reached when every slot is answered: `classes[l]` is slot l's answer class. */
  evaluate(root: number, classes: ArrayLike<number>): number {
    let n = root;
    while (this.level[n]! < this.arity.length) n = this.child(n, classes[this.level[n]!]!);
    return n;
  }
}
