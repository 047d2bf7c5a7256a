/**
 * An edition's outcome ladder in words (edition.yaml `outcomes`): the headline and the phrase for
 * each outcome, and which is the last rung (no criterion met). Every rendering (minutes, pages,
 * case records) takes its words from here, so an edition's outcomes read the same everywhere.
 */
import type { EditionInfo, Outcome, OutcomeRung } from "./types.js";

export interface LadderWords {
  /** The outcome ids, strongest first. */
  ladder: Outcome[];
  /** Outcome id -> what follows it: a review, none, or either as the deciders choose. */
  follows: Record<Outcome, OutcomeRung["follows"]>;
  /** Outcome id -> the headline ("Initiate a Serious Case Review"). */
  words: Record<Outcome, string>;
  /** Outcome id -> the phrase inside a sentence ("initiate a Serious Case Review"). */
  phrase: Record<Outcome, string>;
  /** The last rung: no criterion met. */
  none: Outcome;
  /** "Serious Case Review", "Child practice review": the review the edition decides on, as a title. */
  reviewTitle: string;
  /** "the chair's", "the safeguarding partners'": whose the decision is. */
  decidersOwn: string;
  /** "the chair", "the board", "the safeguarding partners": who decides. */
  decider: string;
  /** "a Serious Case Review", "a child practice review": the review, inside a sentence. */
  reviewName: string;
  /** "Serious Case Review", "child practice review": the review without its article. */
  reviewBare: string;
  /** The timescale by which the decision is due (edition.yaml `decisionTimescale`). */
  decisionTimescale?: string;
}

const memo = new WeakMap<object, LadderWords>();
/** The words of each edition loaded, by id: the loader remembers them (loadRules). */
const byEdition = new Map<string, LadderWords>();

export function rememberLadder(
  edition: Pick<EditionInfo, "id" | "outcomes" | "reviewName" | "decider" | "decisionTimescale">,
): void {
  byEdition.set(edition.id, { ...ladderWords(edition), decisionTimescale: edition.decisionTimescale });
}

/** The words of a loaded edition's ladder, by the edition's id (an assessment names it). */
export function ladderFor(editionId: string): LadderWords {
  const w = byEdition.get(editionId);
  if (!w) throw new Error(`no edition "${editionId}" has been loaded`);
  return w;
}

/**
 * The same, or undefined for an edition no longer loaded: a record keeps the edition it was made
 * under, and a later rule set may not have it.
 */
export function loadedLadder(editionId: string): LadderWords | undefined {
  return byEdition.get(editionId);
}

export function ladderWords(edition: Pick<EditionInfo, "outcomes" | "reviewName" | "decider">): LadderWords {
  let w = memo.get(edition.outcomes);
  if (w) return w;
  const bare = edition.reviewName.replace(/^(a|an|the) /, "");
  w = {
    ladder: edition.outcomes.map((o) => o.id),
    follows: Object.fromEntries(edition.outcomes.map((o) => [o.id, o.follows])),
    decider: edition.decider,
    reviewName: edition.reviewName,
    reviewBare: bare,
    words: Object.fromEntries(edition.outcomes.map((o) => [o.id, o.words])),
    phrase: Object.fromEntries(edition.outcomes.map((o) => [o.id, o.phrase])),
    none: edition.outcomes[edition.outcomes.length - 1]!.id,
    reviewTitle: bare.charAt(0).toUpperCase() + bare.slice(1),
    decidersOwn: edition.decider.endsWith("s") ? `${edition.decider}'` : `${edition.decider}'s`,
  };
  memo.set(edition.outcomes, w);
  return w;
}
