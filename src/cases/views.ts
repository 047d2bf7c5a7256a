/** How records are shown outside the service: the same fields for the API and the export. */
import { OUTCOME_PHRASE, OUTCOME_WORDS } from "../assessments/minutes.js";
import type { Outcome } from "../rulesets/types.js";
import type { StoredRecord } from "./store.js";

/** A record as the API and the export show it. */
export function recordView(r: StoredRecord) {
  return {
    recordId: r.recordId,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: r.recordedAt,
    hash: r.hash,
    previousHash: r.previousHash,
    content: r.content,
  };
}

/** The advice in a few words: an open outcome shows its floor and what is still possible. */
export function adviceInWords(a: {
  outcome: Outcome | "undetermined";
  determined: boolean;
  atLeast?: Outcome;
  possibleOutcomes: readonly Outcome[];
}): string {
  if (a.determined && a.outcome !== "undetermined") return OUTCOME_WORDS[a.outcome];
  const still = a.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join(" or ");
  const floor = a.atLeast ? `at least: ${OUTCOME_PHRASE[a.atLeast]}; ` : "";
  return `Not yet determined (${floor}still possible: ${still})`;
}

/** "1 March 2024": an ISO date as the pages and the minutes say it. */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const months =
    "January February March April May June July August September October November December".split(" ");
  return `${d} ${months[m - 1]} ${y}`;
}
