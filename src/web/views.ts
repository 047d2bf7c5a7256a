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
