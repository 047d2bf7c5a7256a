import type { Citation, ResolvedCitation, RuleLibrary } from "../rules/types.js";

/** A citation as clients see it: the document's title travels with the file name and section. */
export function resolveCitation(library: RuleLibrary, c: Citation): ResolvedCitation {
  return {
    document: c.document,
    title: library.sources.get(c.document)?.title ?? c.document,
    section: c.section,
  };
}
