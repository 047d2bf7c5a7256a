import path from "node:path";
import nunjucks from "nunjucks";
import { projectRoot } from "../config.js";
import type { Citation, RuleLibrary } from "../rules/types.js";

/** The Nunjucks environment: the service's views, then GOV.UK Frontend's components. */
export function createViews(): nunjucks.Environment {
  const root = projectRoot();
  return new nunjucks.Environment(
    new nunjucks.FileSystemLoader([
      path.join(root, "src", "web", "views"),
      path.join(root, "node_modules", "govuk-frontend", "dist"),
    ]),
    { autoescape: true, throwOnUndefined: false },
  );
}

/** "City & Hackney Notification Process (2015/2017), §4.4 (i) (004_….txt)". */
export function citer(library: RuleLibrary): (c: Citation) => string {
  const shortTitle = new Map([...library.sources.values()].map((s) => [s.document, s.short]));
  return (c) => `${shortTitle.get(c.document) ?? c.document}, ${c.section} (${c.document})`;
}
