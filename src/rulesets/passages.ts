import { unquotedDocuments } from "./load.js";
import type { QuotedPassage, RuleLibrary } from "./types.js";

/** Every quote the rule sets hold, each with the file (and field) it comes from. */
export function allQuotedPassages(library: RuleLibrary): Array<{ where: string } & QuotedPassage> {
  const out: Array<{ where: string } & QuotedPassage> = [];
  const seen = new Set<string>();
  for (const edition of library.editions.values()) {
    for (const r of [...edition.criteria, ...edition.triggers]) {
      if (seen.has(r.file)) continue;
      seen.add(r.file);
      out.push({ where: `${r.file}: quote`, citation: r.citation, quote: r.quote });
      if (r.law) out.push({ where: `${r.file}: law`, ...r.law });
      if (r.requires) out.push({ where: `${r.file}: requires.quote`, ...r.requires });
    }
    for (const t of edition.timescales) {
      if (seen.has(t.file)) continue;
      seen.add(t.file);
      out.push({ where: `${t.file}: quote`, citation: t.citation, quote: t.quote });
    }
  }
  for (const edition of library.editions.values()) {
    for (const t of edition.tensions) {
      if (seen.has(t.file)) continue;
      seen.add(t.file);
      t.sides.forEach((side, i) => out.push({ where: `${t.file}: sides.${i}.quote`, ...side }));
    }
  }
  library.alternatives.forEach((a, i) => out.push({ where: `alternatives.yaml: ${i}.quote`, ...a }));
  library.recordKeeping.forEach((a, i) => out.push({ where: `record-keeping.yaml: ${i}.quote`, ...a }));
  // A source not held word for word has statements, not quotes: nothing to check word for word.
  const unquoted = unquotedDocuments(library.sources.values());
  return out.filter((p) => !unquoted.has(p.citation.document));
}
