/**
 * Word-for-word checking of quotes against the source texts. A quote must stand in its document
 * exactly, except for line breaks and markup: the sources are Markdown conversions of PDFs, so
 * emphasis markers, list bullets, HTML tags and the converter's bullet glyphs are ignored on both
 * sides, and runs of white space count as one space. An ellipsis " … " in a quote marks omitted
 * text: each part must appear, in order.
 *
 * The texts themselves are not part of the project (it holds quotes, not copies); the check runs
 * where they are: `npm run check:quotes -- <folder>` (CI passes the shared seeds folder).
 */
import type { QuotedPassage } from "./types.js";

const ELLIPSIS = " … ";

export function normaliseForQuote(text: string): string {
  return text
    .replace(/<\/?[a-z][^>]*>/gi, " ") // HTML tags of the converted tables
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, "$1") // Markdown escapes
    .replace(/\*\*|__|(?<![A-Za-z0-9])\*|\*(?![A-Za-z0-9])/g, "") // emphasis markers
    .replace(/^\s*(?:[-*+]|#{1,6}|[⑥⦿•●◦])\s+/gm, " ") // bullets and headings at line starts
    .replace(/[⑥⦿•]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Where each part of the quote stands in the (normalised) document, or the first part missing. */
export function locateQuote(
  normalisedDocument: string,
  quote: string,
): { found: true } | { found: false; missing: string } {
  let from = 0;
  for (const part of quote.split(ELLIPSIS)) {
    const needle = normaliseForQuote(part);
    const at = normalisedDocument.indexOf(needle, from);
    if (at < 0) return { found: false, missing: needle };
    from = at + needle.length;
  }
  return { found: true };
}

export interface QuoteProblem {
  where: string;
  document: string;
  missing: string;
}

export function checkQuotes(
  passages: Array<{ where: string } & QuotedPassage>,
  documents: Map<string, string>,
): QuoteProblem[] {
  const normalised = new Map<string, string>();
  const problems: QuoteProblem[] = [];
  for (const p of passages) {
    const raw = documents.get(p.citation.document);
    if (raw === undefined) {
      problems.push({ where: p.where, document: p.citation.document, missing: "(document not found)" });
      continue;
    }
    let doc = normalised.get(p.citation.document);
    if (doc === undefined) {
      doc = normaliseForQuote(raw);
      normalised.set(p.citation.document, doc);
    }
    const result = locateQuote(doc, p.quote);
    if (!result.found)
      problems.push({ where: p.where, document: p.citation.document, missing: result.missing });
  }
  return problems;
}
