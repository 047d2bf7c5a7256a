/**
 * A broken rule file stops start-up with the file and the field named. Each test copies rules/ to
 * a temporary folder, breaks one thing, and loads it.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultRulesDir } from "../config.js";
import { RuleFileError } from "../errors.js";
import { z } from "zod";
import { loadRules, readYaml } from "./load.js";
import { loadDecisionOptions } from "../cases/decisions.js";
import { citationSchema } from "./schema.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An edit of a file in a copy of rules/: its new text, or REMOVED to leave it out. */
const REMOVED = Symbol("removed");
type Edit = ((text: string) => string) | typeof REMOVED;

/**
 * A copy of rules/ with each file named edited (or removed). Only the folders on the way to an
 * edited file are made anew; every other folder and file is a symbolic link to the project's, which
 * the loader reads through as through the original. Copying and deleting all 230 files for each
 * test was half this file's time. Change the copy only through `edits`: a file removed or written
 * any other way could be the project's own, through a link.
 */
function editedCopy(edits: Record<string, Edit>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "threshold-rules-"));
  dirs.push(dir);
  const rules = defaultRulesDir();
  const edited = Object.keys(edits);
  const copy = (rel: string): void => {
    for (const name of readdirSync(path.join(rules, rel))) {
      const file = path.posix.join(rel, name);
      if (edited.some((e) => e.startsWith(`${file}/`))) {
        mkdirSync(path.join(dir, file));
        copy(file);
      } else if (!edited.includes(file)) {
        symlinkSync(path.join(rules, file), path.join(dir, file));
      }
    }
  };
  copy("");
  for (const [file, edit] of Object.entries(edits))
    if (edit !== REMOVED)
      writeFileSync(path.join(dir, file), edit(readFileSync(path.join(rules, file), "utf8")));
  return dir;
}

function brokenCopy(file: string, edit: Edit): string {
  return editedCopy({ [file]: edit });
}

function loadError(dir: string, load: (dir: string) => unknown = loadRules): RuleFileError {
  try {
    load(dir);
  } catch (e) {
    if (e instanceof RuleFileError) return e;
    throw e;
  }
  throw new Error("the broken rules loaded");
}

const I = "editions/wt2015/criteria/wt2015-i-death.yaml";
const II = "editions/wt2015/criteria/wt2015-ii-serious-harm.yaml";
const CHILD_DIED_YES = 'fact: childDied, operator: equal, value: "yes"';

describe("loading rules/", () => {
  it("loads the project's rules: four editions, every criterion cited", () => {
    const lib = loadRules(defaultRulesDir());
    expect([...lib.editions.keys()].sort()).toEqual(["cspr-2018", "wales-cpr", "wt2010", "wt2015"]);
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
      '"unknown" for a question the rule does not read as answered',
      (t: string) => t.replace(CHILD_DIED_YES, 'fact: childDied, operator: equal, value: "unknown"'),
      "conditions.all.1.value",
    ],
    [
      'a list holding "unknown" for a question the rule does not read as answered',
      (t: string) => t.replace(CHILD_DIED_YES, 'fact: childDied, operator: in, value: ["yes", "unknown"]'),
      "conditions.all.1.value.1",
    ],
    [
      "an unknown operator",
      (t: string) => t.replace("fact: childDied, operator: equal", "fact: childDied, operator: equals"),
      "conditions.all.1.operator",
    ],
    ["a missing quote", (t: string) => t.replace(/quote: >-\n( {2}.*\n)+/, ""), "quote"],
    ["an unknown level", (t: string) => t.replace("level: must", "level: mandatory"), "level"],
    [
      "a citation of a document that is not a source",
      (t: string) => t.replace("document: 004_dcf93c0f41036063.txt", "document: 005.txt"),
      "citation.document",
    ],
    ["an unexpected field", (t: string) => `${t}\nextra: 1\n`, "extra"],
    [
      "an unexpected field in a condition",
      (t: string) => t.replace(CHILD_DIED_YES, `${CHILD_DIED_YES}, path: x`),
      "conditions.all.1.path",
    ],
    [
      "an id that does not match the file",
      (t: string) => t.replace("id: wt2015-i-death", "id: wt2015-i-dead"),
      "id",
    ],
  ])("stops on %s, naming the file and field", (_what, edit, field) => {
    const e = loadError(brokenCopy(I, edit));
    expect(e.file).toBe(I);
    expect(e.field).toBe(field);
    expect(e.message).toContain(I);
  });

  it("stops on YAML that does not parse, naming the line", () => {
    const e = loadError(brokenCopy(I, (t) => t.replace("level: must", "level: [must")));
    expect(e.file).toBe(I);
    expect(e.message).toMatch(/not valid YAML/);
  });

  it("stops on a timescale naming a trigger that does not exist", () => {
    const e = loadError(
      brokenCopy("timescales/notify-ofsted.wt2015.yaml", (t) =>
        t.replace("trigger: notifiable-incident", "trigger: notifiable"),
      ),
    );
    expect(e.file).toBe("timescales/notify-ofsted.wt2015.yaml");
    expect(e.field).toBe("appliesWhen.trigger");
  });

  it("stops on a timescale naming a trigger its edition does not have", () => {
    // notifiable-incident belongs to wt2015 only (004 §2.2); a shared timescale cannot rest on it.
    const e = loadError(
      brokenCopy("timescales/notify-ofsted.wt2015.yaml", (t) => t.replace("edition: wt2015\n", "")),
    );
    expect(e.file).toBe("timescales/notify-ofsted.wt2015.yaml");
    expect(e.field).toBe("appliesWhen.trigger");
    expect(e.message).toMatch(/is not a trigger of edition (wt2010|wales-cpr|cspr-2018)/);
  });

  it("stops on a trigger naming an edition that does not exist", () => {
    const e = loadError(
      brokenCopy("triggers/leder.yaml", (t) => t.replace("editions: [wt2015]", "editions: [wt2016]")),
    );
    expect(e.file).toBe("triggers/leder.yaml");
    expect(e.field).toBe("editions.0");
  });

  it("stops on a tension naming a rule its edition does not have", () => {
    const e = loadError(
      brokenCopy("tensions/custody-death-notifiable.yaml", (t) =>
        t.replace("rule: wt2015-iii-custody", "rule: wt2010-8.9-custody"),
      ),
    );
    expect(e.file).toBe("tensions/custody-death-notifiable.yaml");
    expect(e.field).toBe("when.0.rule");
  });

  it("stops on a tension with one side only", () => {
    const e = loadError(
      brokenCopy("tensions/who-decides.yaml", (t) => t.slice(0, t.indexOf("  - appliesWhen: By §3.8"))),
    );
    expect(e.file).toBe("tensions/who-decides.yaml");
    expect(e.field).toBe("sides");
  });

  it("gives each edition its own triggers and timescales: wt2010 has none of 004's", () => {
    const lib = loadRules(defaultRulesDir());
    const wt2010 = lib.editions.get("wt2010")!;
    expect(wt2010.triggers.map((t) => t.id)).not.toContain("notifiable-incident");
    expect(wt2010.triggers.map((t) => t.id)).not.toContain("leder");
    expect(wt2010.timescales.length).toBeGreaterThan(0);
    for (const t of wt2010.timescales) expect(t.citation.document, t.file).toMatch(/^00[0-3]_/);
    const wt2015 = lib.editions.get("wt2015")!;
    expect(wt2015.triggers.map((t) => t.id)).toContain("notifiable-incident");
    expect(wt2015.triggers.map((t) => t.id)).not.toContain("lead-board");
  });

  it('accepts "unknown" as a value where the rule reads the question as answered', () => {
    const dir = brokenCopy(II, (t) =>
      t.replace(
        'fact: concernsAboutWorkingTogether, operator: notEqual, value: "no"',
        'fact: concernsAboutWorkingTogether, operator: in, value: ["yes", "unknown"]',
      ),
    );
    const ii = loadRules(dir)
      .editions.get("wt2015")!
      .criteria.find((r) => r.file === II)!;
    expect(ii.conditions).toMatchObject({ all: [{}, {}, { operator: "in", value: ["yes", "unknown"] }] });
  });

  it('stops on an age condition of "unknown" unless the rule reads the age as answered', () => {
    const III = "editions/wt2015/criteria/wt2015-iii-custody.yaml";
    const e = loadError(brokenCopy(III, (t) => t.replace("value: [16, 17]", 'value: [16, 17, "unknown"]')));
    expect(e.file).toBe(III);
    expect(e.field).toMatch(/\.value\.2$/);
  });
});

describe("the source documents (rules/sources.yaml)", () => {
  it("are data: a document added to sources.yaml may be cited", () => {
    const dir = editedCopy({
      "sources.yaml": (t) =>
        `${t}- { document: 005_local-procedure.txt, title: A local procedure, short: Local }\n`,
      [I]: (t) => t.replace("document: 004_dcf93c0f41036063.txt", "document: 005_local-procedure.txt"),
    });
    const lib = loadRules(dir);
    expect(lib.sources.get("005_local-procedure.txt")?.short).toBe("Local");
    expect(lib.editions.get("wt2015")!.criteria.find((r) => r.file === I)!.citation.document).toBe(
      "005_local-procedure.txt",
    );
  });

  it.each([
    [
      "a document listed twice",
      (t: string) => `${t}- { document: 000_e68e991094baaa7a.txt, title: Again, short: Again }\n`,
      "11.document",
    ],
    [
      "a document that is not a .txt file name",
      (t: string) => t.replace("document: 002_1c63e9094c1f0db4.txt", "document: 002 leaflet"),
      "2.document",
    ],
    [
      "a source without a short title",
      (t: string) => t.replace(/\n {2}short: .*SCR leaflet.*/, ""),
      "2.short",
    ],
  ])("stop start-up on %s, naming the file and field", (_what, edit, field) => {
    const e = loadError(brokenCopy("sources.yaml", edit));
    expect(e.file).toBe("sources.yaml");
    expect(e.field).toBe(field);
  });

  it("check the citations of every file read with readYaml, not only the decision rules", () => {
    const file = "editions/wt2015/decisions.yaml";
    const dir = brokenCopy(file, (t) => t.replace(/document: [^,\s]+/, "document: 009.txt"));
    const schema = z.looseObject({ citation: citationSchema });
    const e = loadError(dir, (d) => readYaml(d, file, schema));
    expect(e.file).toBe(file);
    expect(e.field).toBe("citation.document");
    expect(e.message).toContain("009.txt");
  });
});

describe("each edition's decisions and record-keeping (editions/<edition>/)", () => {
  const decisions = (dir: string) => loadDecisionOptions(dir, loadRules(dir).editions.values());

  it("gives each edition its own options and record-keeping passages", () => {
    const dir = defaultRulesDir();
    const d = decisions(dir);
    const ids = (e: string) => d.byEdition.get(e)!.options.map((o) => o.id);
    expect(ids("wales-cpr")).toEqual(expect.arrayContaining(["extended-cpr", "concise-cpr", "no-review"]));
    expect(ids("wales-cpr")).not.toContain("serious-case-review");
    expect(ids("cspr-2018")).toEqual(expect.arrayContaining(["local-review", "no-local-review"]));
    expect(d.byEdition.get("cspr-2018")!.recommendation!.options.map((o) => o.id)).toContain("local-review");
    expect(d.byEdition.get("wt2015")!.recommendation).toBeUndefined();
    const lib = loadRules(dir);
    const docs = (e: string) => lib.editions.get(e)!.recordKeeping.map((p) => p.citation.document);
    expect(docs("wales-cpr")).toContain("wsi-2012-1712");
    expect(docs("wales-cpr")).not.toContain("004_dcf93c0f41036063.txt");
    expect(docs("cspr-2018")).toContain("uksi-2018-789");
    expect(docs("wt2015")).toContain("004_dcf93c0f41036063.txt");
    // The national panel (001 Stage 1, 004 §5.4) came after Working Together 2010.
    expect(docs("wt2010")).toEqual(["000_e68e991094baaa7a.txt"]);
  });

  it("stop start-up on an option naming an outcome its edition does not have, naming the file and field", () => {
    const file = "editions/wales-cpr/decisions.yaml";
    const dir = brokenCopy(file, (t) => t.replace("outcome: concise-cpr", "outcome: initiate-scr"));
    const e = loadError(dir, decisions);
    expect(e.file).toBe(file);
    expect(e.field).toBe("options.1.outcome");
    expect(e.problem).toContain("wales-cpr");
  });

  it("stop start-up on a quote where the source is stated in the project's words, naming the file and field", () => {
    const file = "editions/cspr-2018/decisions.yaml";
    const dir = brokenCopy(file, (t) => t.replace("statement: >-", "quote: >-"));
    const e = loadError(dir, decisions);
    expect(e.file).toBe(file);
    expect(e.field).toBe("quote");
  });

  it("stop start-up on an id two editions share with a different meaning (a review in one, not the other)", () => {
    const dir = brokenCopy("editions/wales-cpr/decisions.yaml", (t) =>
      t.replace("  - id: other-learning", "  - id: serious-case-review"),
    );
    const e = loadError(dir, decisions);
    // Named where the clash is met, editions read in order: the 2010 form's review.
    expect(e.file).toMatch(/^editions\/(wales-cpr|wt2010|wt2015)\/decisions\.yaml$/);
    expect(e.field).toMatch(/^options\.\d+\.review$/);
    expect(e.problem).toContain("serious-case-review");
  });

  it("stop start-up on an edition without its record-keeping file", () => {
    const dir = brokenCopy("editions/wales-cpr/record-keeping.yaml", REMOVED);
    const e = loadError(dir);
    expect(e.file).toBe("editions/wales-cpr/record-keeping.yaml");
  });

  it("stop start-up on an edition without its decisions file", () => {
    const dir = brokenCopy("editions/cspr-2018/decisions.yaml", REMOVED);
    const e = loadError(dir, decisions);
    expect(e.file).toBe("editions/cspr-2018/decisions.yaml");
  });
});
