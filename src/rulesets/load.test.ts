/**
 * A broken rule file stops start-up with the file and the field named. Each test copies rules/ to
 * a temporary folder, breaks one thing, and loads it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultRulesDir } from "../config.js";
import { RuleFileError } from "../errors.js";
import { loadRules } from "./load.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "threshold-rules-"));
  dirs.push(dir);
  cpSync(defaultRulesDir(), dir, { recursive: true });
  const full = path.join(dir, file);
  writeFileSync(full, edit(readFileSync(full, "utf8")));
  return dir;
}

function loadError(dir: string): RuleFileError {
  try {
    loadRules(dir);
  } catch (e) {
    if (e instanceof RuleFileError) return e;
    throw e;
  }
  throw new Error("the broken rules loaded");
}

const I = "editions/wt2015/criteria/wt2015-i-death.yaml";

describe("loading rules/", () => {
  it("loads the project's rules: two editions, every criterion cited", () => {
    const lib = loadRules(defaultRulesDir());
    expect([...lib.editions.keys()].sort()).toEqual(["wt2010", "wt2015"]);
    expect(lib.defaultEdition).toBe("wt2015");
    expect(lib.editions.get("wt2015")!.criteria).toHaveLength(19);
    expect(lib.editions.get("wt2010")!.criteria).toHaveLength(18);
  });

  it("gives each edition a content hash that changes when a rule file changes", () => {
    const before = loadRules(defaultRulesDir()).editions.get("wt2015")!.hash;
    const dir = brokenCopy(I, (t) => t.replace("must always be initiated", "must always be initiated."));
    expect(loadRules(dir).editions.get("wt2015")!.hash).not.toBe(before);
    expect(loadRules(dir).editions.get("wt2010")!.hash).toBe(
      loadRules(defaultRulesDir()).editions.get("wt2010")!.hash,
    );
  });

  it.each([
    [
      "a fact that is not a question",
      (t: string) => t.replace("fact: childDied", "fact: childDead"),
      "conditions.all.1.fact",
    ],
    [
      "a value its question cannot take",
      (t: string) =>
        t.replace(
          'fact: childDied, operator: equal, value: "yes"',
          'fact: childDied, operator: equal, value: "Yes"',
        ),
      "conditions.all.1.value",
    ],
    [
      "an unknown operator",
      (t: string) => t.replace("fact: childDied, operator: equal", "fact: childDied, operator: equals"),
      "conditions",
    ],
    ["a missing quote", (t: string) => t.replace(/quote: >-\n( {2}.*\n)+/, ""), "quote"],
    ["an unknown level", (t: string) => t.replace("level: must", "level: mandatory"), "level"],
    [
      "a citation of a document that is not a source",
      (t: string) => t.replace("document: 004_dcf93c0f41036063.txt", "document: 005.txt"),
      "citation.document",
    ],
    ["an unexpected field", (t: string) => `${t}\nextra: 1\n`, ""],
    [
      "an id that does not match the file",
      (t: string) => t.replace("id: wt2015-i-death", "id: wt2015-i-dead"),
      "id",
    ],
  ])("stops on %s, naming the file and field", (_what, edit, field) => {
    const e = loadError(brokenCopy(I, edit));
    expect(e.file).toBe(I);
    expect(e.field.startsWith(field)).toBe(true);
    expect(e.message).toContain(I);
  });

  it("stops on YAML that does not parse, naming the line", () => {
    const e = loadError(brokenCopy(I, (t) => t.replace("level: must", "level: [must")));
    expect(e.file).toBe(I);
    expect(e.message).toMatch(/not valid YAML/);
  });

  it("stops on a timescale naming a trigger that does not exist", () => {
    const e = loadError(
      brokenCopy("timescales/notify-ofsted.yaml", (t) =>
        t.replace("trigger: notifiable-incident", "trigger: notifiable"),
      ),
    );
    expect(e.file).toBe("timescales/notify-ofsted.yaml");
    expect(e.field).toBe("appliesWhen.trigger");
  });
});
