/**
 * Free text a person writes into a case (a decision's reasons, who decided, why a case was
 * closed), kept the one way: shown later as text in pages, minutes and exports, it must carry no
 * control characters nor the invisible ones that reorder or hide what a reader sees.
 */
const INVISIBLE = new RegExp(
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069]",
  "g",
);

/**
 * Free text as it is kept: CR and CRLF line breaks become \n, other control characters go (a tab
 * becomes a space), and runs of blank lines shrink to one. A single-line field keeps one line.
 */
export function normaliseFreeText(text: string, singleLine = false): string {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    // Control characters, and the invisible ones that reorder or hide text (bidi overrides).
    .replace(INVISIBLE, "");
  const out = singleLine ? lines.replace(/\n+/g, " ") : lines.replace(/\n{3,}/g, "\n\n");
  return out.trim();
}
