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
import type { Condition } from "./schema.js";

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

  // "Both sides" per condition, not only per rule: a condition no case turns (an `any` branch never
  // met alone, an `all` member never the one that fails) could be deleted or inverted and every
  // case would still pass. A condition decides a case when setting it true and false gives the
  // rule different statuses; each must decide one case where it holds and one where it does not.
  it("has, for every condition of every rule, a case it decides each way", () => {
    for (const { rule, suite } of suites) {
      if (!suite) continue;
      const literal = new Set(rule.readsUnknownAsAnswer.map((r) => r.question));
      const sides = new Map<string, Set<Kleene>>(leafPaths(rule.conditions).map((p) => [p, new Set()]));
      for (const c of suite.cases) {
        const value = (l: Leaf) => leafValue(l, c.answers, literal);
        expect(
          STATUS[kleene(rule.conditions, value)],
          `${suite.file}: "${c.name}" as this test reads it`,
        ).toBe(c.expect);
        for (const [at, seen] of sides) {
          const forced = (v: Kleene) => kleene(rule.conditions, (l, p) => (p === at ? v : value(l)));
          if (forced("T") !== forced("F")) seen.add(value(leafAt(rule.conditions, at)));
        }
      }
      for (const [at, seen] of sides)
        for (const side of ["T", "F"] as const)
          expect(
            seen.has(side),
            `${suite.file}: no case where conditions${at} ${JSON.stringify(leafAt(rule.conditions, at))} ${side === "T" ? "holds" : "fails"} and decides the status`,
          ).toBe(true);
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

/**
 * The rule's status from the answers, read three-valued as the service reads them: an answer left
 * out or "unknown" leaves its condition open (U), unless the rule reads "unknown" as an answer
 * (readsUnknownAsAnswer). The test checks this reading against every case's expected status, so
 * it cannot drift from the service's unnoticed.
 */
type Kleene = "T" | "F" | "U";
type Leaf = Exclude<Condition, { all: unknown } | { any: unknown } | { not: unknown }>;
const STATUS = { T: "met", F: "not-met", U: "undetermined" } as const;

function kleene(c: Condition, leaf: (l: Leaf, at: string) => Kleene, at = ""): Kleene {
  if ("all" in c) {
    const v = c.all.map((x, i) => kleene(x, leaf, `${at}.all.${i}`));
    return v.includes("F") ? "F" : v.includes("U") ? "U" : "T";
  }
  if ("any" in c) {
    const v = c.any.map((x, i) => kleene(x, leaf, `${at}.any.${i}`));
    return v.includes("T") ? "T" : v.includes("U") ? "U" : "F";
  }
  if ("not" in c) return ({ T: "F", F: "T", U: "U" } as const)[kleene(c.not, leaf, `${at}.not`)];
  return leaf(c, at);
}

function leafPaths(c: Condition, at = ""): string[] {
  if ("all" in c) return c.all.flatMap((x, i) => leafPaths(x, `${at}.all.${i}`));
  if ("any" in c) return c.any.flatMap((x, i) => leafPaths(x, `${at}.any.${i}`));
  if ("not" in c) return leafPaths(c.not, `${at}.not`);
  return [at];
}

function leafAt(c: Condition, at: string): Leaf {
  let found: Leaf | undefined;
  kleene(c, (l, p) => {
    if (p === at) found = l;
    return "U";
  });
  return found!;
}

function leafValue(l: Leaf, answers: Record<string, unknown>, literal: ReadonlySet<string>): Kleene {
  const given = answers[l.fact] ?? (literal.has(l.fact) ? "unknown" : undefined);
  if (given === undefined || (given === "unknown" && !literal.has(l.fact))) return "U";
  const v = given as string | number;
  const list = Array.isArray(l.value) ? l.value : [l.value];
  // Only ageYears is compared by size, and both sides are numbers there.
  const [x, n] = [v as number, l.value as number];
  const holds = {
    equal: v === l.value,
    notEqual: v !== l.value,
    in: list.includes(v),
    notIn: !list.includes(v),
    lessThan: x < n,
    lessThanInclusive: x <= n,
    greaterThan: x > n,
    greaterThanInclusive: x >= n,
  }[l.operator];
  return holds ? "T" : "F";
}
