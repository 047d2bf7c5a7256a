/**
 * Runs every rule's cases (<rule>.cases.yaml beside the rule) through the real service: the answers
 * are validated as an API request would be, assessed with one engine run, and the rule's status
 * compared with the case's `expect`. Criteria run under their edition; triggers under every edition.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { defaultRulesDir } from "../config.js";
import { assess } from "../assessments/assess.js";
import { buildAssessmentSchema, parseAssessmentRequest } from "../contract/validation.js";
import { service } from "../../test/support/service.js";

interface Case {
  name: string;
  answers: Record<string, unknown>;
  expect: "met" | "not-met" | "undetermined";
}

const root = defaultRulesDir();

function casesIn(dir: string): Array<{ ruleId: string; file: string; cases: Case[] }> {
  return readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith(".cases.yaml"))
    .sort()
    .map((f) => ({
      ruleId: f.replace(/\.cases\.yaml$/, ""),
      file: `${dir}/${f}`,
      cases: parse(readFileSync(path.join(root, dir, f), "utf8")) as Case[],
    }));
}

const editions = readdirSync(path.join(root, "editions")).sort();
const suites = [
  ...editions.flatMap((e) => casesIn(`editions/${e}/criteria`).map((s) => ({ ...s, editions: [e] }))),
  ...casesIn("triggers").map((s) => ({ ...s, editions })),
];

describe("every rule has cases on both sides", () => {
  it("has a cases file with at least one met and one not-met case for every rule", async () => {
    const s = await service();
    for (const e of s.library.editions.values()) {
      for (const rule of [...e.criteria, ...e.triggers]) {
        const suite = suites.find((x) => x.ruleId === rule.id);
        expect(suite, `${rule.file} has no cases file`).toBeDefined();
        const expects = new Set(suite!.cases.map((c) => c.expect));
        expect(
          expects.has("met") && expects.has("not-met"),
          `${suite!.file} needs met and not-met cases`,
        ).toBe(true);
      }
    }
  });
});

for (const suite of suites) {
  for (const edition of suite.editions) {
    describe(`${suite.file} (${edition})`, () => {
      it.each(suite.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
        const s = await service();
        const input = parseAssessmentRequest(
          buildAssessmentSchema(s.library),
          { edition, answers: c.answers },
          s.library.defaultEdition,
        );
        const result = await assess(s.library, s.editions.get(edition)!, s.calendar, input);
        const rule = [...result.criteria, ...result.triggers].find((r) => r.id === suite.ruleId);
        expect(rule, `no rule ${suite.ruleId} in ${edition}`).toBeDefined();
        expect(rule!.status).toBe(c.expect);
      });
    });
  }
}
