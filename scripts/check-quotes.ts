/**
 * Checks every quote in rules/ word for word against the source texts in the folder given.
 *   npm run check:quotes -- path/to/seeds
 * Exits 1 naming each quote that is not found, 0 when all are.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defaultRulesDir } from "../src/config.js";
import { loadRules, unquotedDocuments } from "../src/rulesets/load.js";
import { checkQuotes } from "../src/rulesets/quotes.js";
import { allQuotedPassages } from "../src/rulesets/passages.js";
import { loadQuality, qualityPassages } from "../src/quality/library.js";
import { decisionPassages, loadDecisionOptions } from "../src/cases/decisions.js";

const folder = process.argv[2];
if (!folder) {
  console.error("usage: npm run check:quotes -- <folder holding the source texts>");
  process.exit(2);
}
const documents = new Map<string, string>();
for (const name of readdirSync(folder)) {
  if (name.endsWith(".txt")) documents.set(name, readFileSync(path.join(folder, name), "utf8"));
}
const library = loadRules(defaultRulesDir());
const passages = [
  ...allQuotedPassages(library),
  ...qualityPassages(loadQuality(defaultRulesDir())),
  // A source not held word for word (sources.yaml `quoted: false`) has statements, not quotes.
  ...decisionPassages(loadDecisionOptions(defaultRulesDir(), library.editions.values())).filter(
    (p) => !unquotedDocuments(library.sources.values()).has(p.citation.document),
  ),
];
const problems = checkQuotes(passages, documents);
for (const p of problems) {
  console.error(`${p.where}: not found in ${p.document}:\n  "${p.missing}"`);
}
console.log(`quotes: ${passages.length - problems.length} of ${passages.length} found word for word`);
process.exit(problems.length === 0 ? 0 : 1);
