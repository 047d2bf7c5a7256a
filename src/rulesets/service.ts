/**
 * The rule sets as the service publishes them: each edition with its version and hash, its
 * questions and the criteria and triggers that read them, each quoted and cited.
 */
import type { Core } from "../core.js";
import type { components } from "../contract/openapi.js";
import { NotFound } from "../errors.js";
import type { CitedRule, Edition } from "./types.js";

type Schemas = components["schemas"];

export function rulesetOperations(core: Core) {
  const { library, sources } = core;
  const rulesetVersion = (e: Edition): Schemas["RulesetVersion"] => ({
    version: library.version,
    hash: e.hash,
  });
  const editionSummary = (e: Edition): Schemas["EditionSummary"] => ({
    // Edition ids come from the rule folders; the contract lists them (a test checks the two agree).
    id: e.id as Schemas["EditionId"],
    title: e.title,
    description: e.description,
    default: e.default,
    source: e.source,
    country: e.country,
    periods: e.periods.map((p) => ({
      from: p.from,
      until: p.until ?? null,
      ...(p.warning ? { warning: p.warning } : {}),
    })),
    datesNote: e.datesNote,
    reviewName: e.reviewName,
    outcomes: e.outcomes.map(({ id, words, phrase, follows }) => ({ id, words, phrase, follows })),
    ruleset: rulesetVersion(e),
    links: { self: `/v1/rulesets/${e.id}` },
  });
  const ruleSummary = (r: CitedRule): Schemas["RuleSummary"] => ({
    id: r.id,
    title: r.title,
    ...(r.level ? { level: r.level } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.law ? { law: r.law } : {}),
    summary: r.summary,
    citation: r.citation,
    quote: r.quote,
  });

  const rulesets = (): Schemas["RulesetList"] => {
    // The default first; then England before Wales, the latest first within each.
    const all = [...library.editions.values()].sort(
      (a, b) =>
        Number(b.default) - Number(a.default) ||
        a.country.localeCompare(b.country) ||
        b.periods[0]!.from.localeCompare(a.periods[0]!.from),
    );
    return { editions: all.map(editionSummary), sources };
  };

  const ruleset = (id: string): Schemas["Ruleset"] => {
    const e = library.editions.get(id);
    if (!e) {
      throw new NotFound(`there is no edition "${id}"; GET /v1/rulesets lists them`, [
        { pointer: "edition", detail: `must be one of ${[...library.editions.keys()].join(", ")}` },
      ]);
    }
    return {
      ...editionSummary(e),
      questions: library.questions.map((q) => ({
        id: q.id,
        group: q.group,
        kind: q.kind,
        wording: q.wording,
        help: q.help,
        source: q.source,
        usedByEdition: e.questionsUsed.has(q.id),
      })),
      criteria: e.criteria.map(ruleSummary),
      triggers: e.triggers.map(ruleSummary),
      sources,
    };
  };

  /** Each edition's rule-set version, for readiness checks and for the footer of every page. */
  const versions = () =>
    [...library.editions.values()].map((e) => ({ id: e.id, ruleset: rulesetVersion(e) }));

  return { rulesets, ruleset, versions };
}
