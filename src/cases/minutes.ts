/**
 * Free text in the case's records, made safe to render as Markdown (the case's minutes,
 * case-minutes.ts), and who made a record, in words (the minutes, the case page, the access log).
 */
import type { MadeBy } from "../service.js";

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

/** Who made a record, in words. */
export function madeByWords(m: MadeBy | null): string {
  if (!m) return "not recorded (made before records kept who made them)";
  if (m.kind === "anyone") return "someone using this machine without sign-in";
  if (m.kind === "api-client") return `the application ${m.name ?? m.id ?? "(unnamed)"} (API key)`;
  return `${m.name ?? "(no name)"} (${m.id ?? "no subject"})`;
}
