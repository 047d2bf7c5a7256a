import path from "node:path";
import nunjucks from "nunjucks";
import { projectRoot } from "../config.js";
import type { Citation, RuleLibrary } from "../rulesets/types.js";
import { addPageGlobals } from "./page-context.js";

let views: nunjucks.Environment | undefined;

/** The Nunjucks environment (one, shared by every page): the service's views, then GOV.UK Frontend's. */
export function createViews(): nunjucks.Environment {
  const root = projectRoot();
  if (views) return views;
  views = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([
      path.join(root, "src", "web", "views"),
      path.join(root, "node_modules", "govuk-frontend", "dist"),
    ]),
    { autoescape: true, throwOnUndefined: false },
  );
  // Nunjucks's own trim is a global regular expression, /^\s*|\s*$/g, whose second half is tried
  // from every position of every run of spaces: quadratic in the runs, and GOV.UK Frontend's macros
  // trim every nested component's HTML, page-sized and indented. Measured: a render of the quality-
  // assurance page 50 ms with it, 28 ms without; of the questionnaire, 32 and 19 ms (it was 2.4 s of
  // the fuzz test's CPU). The output is the same byte for byte. String.prototype.trim removes exactly
  // the same characters (\s is WhiteSpace and LineTerminator, as trim's are), from the ends only.
  // Safe HTML stays safe, as Nunjucks's own keeps it.
  const { SafeString } = nunjucks.runtime;
  views.addFilter("trim", (s: string | InstanceType<typeof SafeString>) =>
    s instanceof SafeString ? new SafeString(String(s).trim()) : s.trim(),
  );
  addPageGlobals(views);
  return views;
}

/** "City & Hackney Notification Process (2015/2017), §4.4 (i) (004_….txt)". */
export function citer(library: RuleLibrary): (c: Citation) => string {
  const shortTitle = new Map([...library.sources.values()].map((s) => [s.document, s.short]));
  return (c) => `${shortTitle.get(c.document) ?? c.document}, ${c.section} (${c.document})`;
}

/** The rule set a page names when it is about no edition in particular: the default one. */
export function defaultFooter(library: RuleLibrary): { version: string; hash: string } {
  return { version: library.version, hash: library.editions.get(library.defaultEdition)!.hash };
}
