/**
 * Runs every rule's cases (<rule>.cases.yaml beside the rule) through the real service: the answers
 * are validated as an API request would be, assessed with one engine run, and the rule's status
 * compared with the case's `expect`. Criteria run under their edition; triggers under every edition
 * they belong to.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { defaultRulesDir } from "../config.js";
import { loadRules } from "./load.js";
import { assess } from "../assessments/assess.js";
import { buildAssessmentSchema, parseAssessmentRequest } from "../contract/validation.js";
import { service } from "../../test/support/service.js";

interface Case {
  name: string;
  answers: Record<string, unknown>;
  expect: "met" | "not-met" | "undetermined";
}

const root = defaultRulesDir();
const library = loadRules(root);

/** The cases of a rule file: beside it, the same name ending .cases.yaml. */
function casesOf(ruleFile: string): { file: string; cases: Case[] } | undefined {
  const file = ruleFile.replace(/\.yaml$/, ".cases.yaml");
  if (!existsSync(path.join(root, file))) return undefined;
  return { file, cases: parse(readFileSync(path.join(root, file), "utf8")) as Case[] };
}

// Every rule of every edition, with the cases beside its file: a criterion runs under its edition,
// a trigger under each edition it belongs to (a shared one under every edition).
const suites = [...library.editions.values()].flatMap((e) =>
  [...e.criteria, ...e.triggers].map((rule) => ({ edition: e.id, rule, suite: casesOf(rule.file) })),
);

describe("every rule has cases on both sides", () => {
  it("has a cases file with at least one met and one not-met case for every rule", () => {
    expect(suites.length).toBeGreaterThan(0);
    for (const { rule, suite } of suites) {
      expect(suite, `${rule.file} has no cases file`).toBeDefined();
      const expects = new Set(suite!.cases.map((c) => c.expect));
      expect(expects.has("met") && expects.has("not-met"), `${suite!.file} needs met and not-met cases`).toBe(
        true,
      );
    }
  });

  it("has no cases file without its rule", () => {
    const ruleFiles = new Set(suites.map((s) => s.rule.file));
    const dirs = [...[...library.editions.keys()].map((e) => `editions/${e}/criteria`), "triggers"];
    for (const dir of dirs) {
      for (const f of readdirSync(path.join(root, dir)).filter((n) => n.endsWith(".cases.yaml"))) {
        const rule = `${dir}/${f.replace(/\.cases\.yaml$/, ".yaml")}`;
        expect(ruleFiles.has(rule), `${dir}/${f} tests no rule of any edition`).toBe(true);
      }
    }
  });
});

for (const { edition, rule, suite } of suites) {
  if (!suite) continue;
  describe(`${suite.file} (${edition})`, () => {
    it.each(suite.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const s = await service();
      const input = parseAssessmentRequest(
        buildAssessmentSchema(s.library),
        { edition, answers: c.answers },
        s.library,
      );
      const result = await assess(s.library, s.editions.get(edition)!, s.calendar, input);
      const found = [...result.criteria, ...result.triggers].find((r) => r.id === rule.id);
      expect(found, `no rule ${rule.id} in ${edition}`).toBeDefined();
      expect(found!.status).toBe(c.expect);
    });
  });
}
