/**
 * How records are shown: the same fields for the API and the export, and the words the pages and the
 * minutes share (outcomes, advice, dates, times, who made a record, free text made safe as Markdown).
 */
import { ladderFor } from "../rulesets/outcomes.js";
import type { Outcome } from "../rulesets/types.js";
import type { MadeBy } from "../service.js";
import type { AccessEntry, StoredRecord } from "./store.js";
import type { DeadlineState, MilestoneState } from "./case-timeline.js";

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
    madeBy: r.madeBy,
    content: r.content,
  };
}

/**
 * An outcome in its edition's words (the edition's ladder), as a headline or inside a sentence; a
 * record of an edition no longer loaded keeps its id.
 */
export function outcomeInWords(editionId: string, o: Outcome, inSentence = false): string {
  try {
    const ladder = ladderFor(editionId);
    return (inSentence ? ladder.phrase[o] : ladder.words[o]) ?? o;
  } catch {
    return o;
  }
}

/** The advice in a few words: an open outcome shows its floor and what is still possible. */
export function adviceInWords(a: {
  edition: { id: string };
  outcome: Outcome | "undetermined";
  determined: boolean;
  atLeast?: Outcome;
  possibleOutcomes: readonly Outcome[];
}): string {
  if (a.determined && a.outcome !== "undetermined") return outcomeInWords(a.edition.id, a.outcome);
  const still = a.possibleOutcomes.map((o) => outcomeInWords(a.edition.id, o, true)).join(" or ");
  const floor = a.atLeast ? `at least: ${outcomeInWords(a.edition.id, a.atLeast, true)}; ` : "";
  return `Not yet determined (${floor}still possible: ${still})`;
}

/** "1 March 2024": an ISO date as the pages and the minutes say it. */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const months =
    "January February March April May June July August September October November December".split(" ");
  return `${d} ${months[m - 1]} ${y}`;
}

/** "2024-05-01 10:00 UTC": a record's time as the pages and the minutes say it. */
export function timeWords(iso: string): string {
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
}

/** An access-log entry as the API shows it. */
export function accessView(e: AccessEntry) {
  return {
    seq: e.seq,
    at: e.at,
    operation: e.operation,
    madeBy: e.madeBy,
    address: e.address,
    hash: e.hash,
  };
}

/** Where the next page of a paginated list starts, or null at its end. */
export function nextPage(path: string, page: { from: number; limit: number; total: number }, shown: number) {
  const next = page.from + shown;
  return shown > 0 && next <= page.total ? `${path}?from=${next}&limit=${page.limit}` : null;
}

/**
 * The case file's records (issue 14) in words, for the case page's history and the minutes: the
 * heading and one sentence. Null for the other kinds, which their own renderers describe.
 */
export function caseFileRecordWords(r: {
  kind: string;
  content: Record<string, unknown>;
  madeBy: { name?: string } | null;
}): { heading: string; text: string } | null {
  const c = r.content;
  const who = r.madeBy?.name ? ` by ${r.madeBy.name}` : "";
  if (r.kind === "case-dates") {
    const dates = Object.entries((c.dates ?? {}) as Record<string, string | null>)
      .map(([k, v]) => `${k} ${v ?? "cleared"}`)
      .join(", ");
    return { heading: "Dates recorded", text: `Dates recorded${who}: ${dates}.` };
  }
  if (r.kind === "milestone-done")
    return {
      heading: "Milestone done",
      text: `Milestone ${String(c.milestone)} marked done on ${String(c.doneOn)}${who}${c.due ? ` (due ${String(c.due)})` : ""}.`,
    };
  if (r.kind === "case-closed")
    return {
      heading: "Case closed",
      text: `Case closed on ${String(c.closedOn)}${who}; its records are kept until at least ${String(c.retainUntil)} (${String(c.retentionYears)} years), and nothing is deleted.${c.reason ? ` Reason: ${String(c.reason)}` : ""}`,
    };
  return null;
}

/**
 * Free text as Markdown that shows exactly that text. CommonMark lets any ASCII punctuation be
 * backslash-escaped; this escapes what could be read as markup and leaves ordinary punctuation
 * alone, so the minutes stay readable as plain text:
 * - anywhere: `\`, backquotes, `*`, `_`, `[`, `]`, `<`, `>`, `|`, `~` and `&` (emphasis, code,
 *   links and images, HTML and entities, tables, strikethrough);
 * - at the start of a line: `#`, `-`, `+`, `=` and a number's `.` or `)` (headings, lists, rules
 *   and setext headings); leading spaces (an indented code block) are dropped.
 * Line breaks are normalised to \n.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) =>
      line
        .replace(/^[ \t]+/, "")
        .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
        .replace(/^([#\-+=])/, "\\$1")
        .replace(/^(\d+)([.)])/, "$1\\$2"),
    )
    .join("\n");
}

/** Who acted when nobody signed in (the service on loopback without sign-in). */
export const ANYONE_WORDS = "someone using this machine without sign-in";

/** Who made a record, in words. */
export function madeByWords(m: MadeBy | null): string {
  if (!m) return "not recorded (made before records kept who made them)";
  if (m.kind === "anyone") return ANYONE_WORDS;
  if (m.kind === "api-client") return `the application ${m.name ?? m.id ?? "(unnamed)"} (API key)`;
  return `${m.name ?? "(no name)"} (${m.id ?? "no subject"})`;
}

/**
 * Who made a record, in a sentence's few words (the timeline page): their name, without the
 * sign-in's subject. Its words for anyone are the timeline's own, which its tests hold.
 */
export function madeByName(m: { kind: string; name?: string } | null): string {
  return m?.name ? m.name : m?.kind === "anyone" ? "someone on this computer (no sign-in)" : "unknown";
}

/** How a milestone or a case's next deadline stands, as the timeline, the list and the minutes say it. */
export const STATE_WORDS: Record<MilestoneState | DeadlineState, string> = {
  overdue: "Overdue",
  "due-soon": "Due soon",
  upcoming: "Upcoming",
  none: "No deadline",
  done: "Done",
  "no-date": "No date yet",
  "not-required": "Not required",
  scope: "Scope",
};
