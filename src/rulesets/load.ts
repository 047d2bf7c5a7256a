/**
 * Loads rules/ into a RuleLibrary: every file parsed, checked against its schema, and
 * cross-checked (every fact is a question of the vocabulary, every value fits its question,
 * every trigger a timescale names exists). The first problem throws a RuleFileError naming the
 * file and the field.
 *
 * Layout (see rules/README.md):
 *   ruleset.yaml, sources.yaml, questions.yaml, alternatives.yaml, record-keeping.yaml
 *   editions/<edition>/edition.yaml and editions/<edition>/criteria/<rule>.yaml
 *   triggers/<rule>.yaml        shared by every edition, or by those its `editions:` names
 *   timescales/<id>.yaml        shared, or <id>.<edition>.yaml with `edition:` for one edition
 *   tensions/<id>.yaml          where the guidance pulls apart, for the editions it names
 * Files ending .cases.yaml are test cases, not rules: the loader skips them.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { RuleFileError } from "../errors.js";
import { rememberLadder } from "./outcomes.js";
import {
  alternativesFileSchema,
  criterionFileSchema,
  editionFileSchema,
  questionsFileSchema,
  recordKeepingFileSchema,
  rulesetFileSchema,
  sourcesFileSchema,
  tensionFileSchema,
  timescaleFileSchema,
  triggerFileSchema,
  withDocuments,
} from "./schema.js";
import {
  MAX_CHILD_AGE,
  type CitedRule,
  type Condition,
  type CriterionLevel,
  type DocumentId,
  type Edition,
  type EditionInfo,
  type LeafCondition,
  type Question,
  type RuleLibrary,
  type Source,
  type Tension,
  type Timescale,
} from "./types.js";

interface LoadedFile<T> {
  file: string;
  data: T;
  bytes: Buffer;
}

const SOURCES_FILE = "sources.yaml";

/**
 * Reads one YAML file under the rules folder and checks it against its schema, or names the
 * problem. Citations are checked against the documents of the folder's sources.yaml, so every
 * loader of rule files (decision rules, quality, decision options) checks them the same way.
 */
export function readYaml<S extends z.ZodType>(
  root: string,
  file: string,
  schema: S,
): LoadedFile<z.output<S>> {
  const sources = file === SOURCES_FILE ? [] : readSources(root).data;
  return readChecked(root, file, schema, sourceDocuments(sources), unquotedDocuments(sources));
}

function readSources(root: string): LoadedFile<Source[]> {
  return readChecked(root, SOURCES_FILE, sourcesFileSchema, new Set(), new Set());
}

function sourceDocuments(sources: Source[]): Set<DocumentId> {
  return new Set(sources.map((s) => s.document));
}

/** The sources stated in the project's words, not quoted (sources.yaml `quoted: false`). */
export function unquotedDocuments(sources: Iterable<Source>): Set<DocumentId> {
  return new Set([...sources].filter((s) => "quoted" in s && s.quoted === false).map((s) => s.document));
}

/**
 * A passage citing a source the project does not hold word for word gives `statement:` (its own
 * words), never `quote:`; one citing a seed gives `quote:`. The statement is carried as the
 * passage's text under `quote` from here on, and every rendering marks it as not quoted by its
 * source (quoted: false). A wrong key stops start-up with the field named.
 */
function statementsAsPassages(
  file: string,
  value: unknown,
  at: string[],
  unquoted: ReadonlySet<string>,
): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => statementsAsPassages(file, v, [...at, String(i)], unquoted));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) statementsAsPassages(file, v, [...at, k], unquoted);
  const citation = o.citation as { document?: unknown } | undefined;
  if (!citation || typeof citation !== "object" || typeof citation.document !== "string") return;
  const notQuoted = unquoted.has(citation.document);
  const field = (k: string) => [...at, k].join(".");
  if ("statement" in o) {
    if ("quote" in o) throw new RuleFileError(file, field("statement"), "give quote or statement, not both");
    if (!notQuoted)
      throw new RuleFileError(
        file,
        field("statement"),
        `${citation.document} is quoted word for word: give quote, not statement`,
      );
    o.quote = o.statement;
    delete o.statement;
  } else if ("quote" in o && notQuoted) {
    throw new RuleFileError(
      file,
      field("quote"),
      `${citation.document} is not held word for word (quoted: false in sources.yaml): give statement, in the project's own words`,
    );
  }
}

function readChecked<S extends z.ZodType>(
  root: string,
  file: string,
  schema: S,
  documents: ReadonlySet<DocumentId>,
  unquoted: ReadonlySet<DocumentId>,
): LoadedFile<z.output<S>> {
  const full = path.join(root, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch {
    throw new RuleFileError(file, "", "cannot be read");
  }
  const doc = parseDocument(bytes.toString("utf8"), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos ? `line ${e.linePos[0].line}` : "";
    throw new RuleFileError(file, where, `is not valid YAML: ${e.message.split("\n")[0]}`);
  }
  const js: unknown = doc.toJS();
  if (file !== SOURCES_FILE) statementsAsPassages(file, js, [], unquoted);
  const parsed = withDocuments(documents, () => schema.safeParse(js));
  if (!parsed.success) {
    const { path: at, message } = closestIssue(parsed.error.issues[0]!);
    throw new RuleFileError(file, at.join("."), message);
  }
  return { file, data: parsed.data, bytes };
}

/**
 * The issue to report, with its full path. An unexpected field is named by its own path, not its
 * parent's. A value matching no branch of a union (a condition) is reported from the branch it
 * was evidently meant for: the one whose problems are not missing or unexpected keys, so a
 * misspelt operator names `operator` rather than the whole condition.
 */
function closestIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === "unrecognized_keys") {
    return { path: [...issue.path, issue.keys[0]!], message: "is not a field this file may hold" };
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const misfit = (i: z.core.$ZodIssue) =>
      i.code === "unrecognized_keys" || (i.code === "invalid_type" && i.path.length <= 1);
    const ranked = issue.errors
      .filter((branch) => branch.length > 0)
      .map((branch) => ({ branch, score: branch.filter(misfit).length }))
      .sort((a, b) => a.score - b.score || a.branch.length - b.branch.length);
    const best = ranked[0];
    if (best && best.score === 0 && (ranked[1]?.score ?? 1) > 0) {
      const inner = closestIssue(best.branch[0]!);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  return { path: issue.path, message: issue.message };
}

function listYaml(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  let names: string[];
  try {
    names = readdirSync(full);
  } catch {
    throw new RuleFileError(dir, "", "folder is missing");
  }
  return names
    .filter((n) => n.endsWith(".yaml") && !n.endsWith(".cases.yaml"))
    .filter((n) => statSync(path.join(full, n)).isFile())
    .sort()
    .map((n) => path.posix.join(dir, n));
}

function* leaves(c: Condition, at: string): Generator<[LeafCondition, string]> {
  if ("all" in c) for (const [i, s] of c.all.entries()) yield* leaves(s, `${at}.all.${i}`);
  else if ("any" in c) for (const [i, s] of c.any.entries()) yield* leaves(s, `${at}.any.${i}`);
  else if ("not" in c) yield* leaves(c.not, `${at}.not`);
  else yield [c, at];
}

const ORDERED = new Set(["lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive"]);

/**
 * A leaf's value must be one its question can take, so a typo ("Yes") cannot silently never match.
 * "unknown" is a value only where the rule reads the question as answered (readsUnknownAsAnswer):
 * everywhere else the evaluator treats an unknown answer as open, to be settled either way, and
 * never hands "unknown" to a leaf (src/assessments/compile.ts), so a leaf testing for it could
 * never match.
 */
function checkLeaf(
  file: string,
  leaf: LeafCondition,
  at: string,
  questions: Map<string, Question>,
  readsUnknown: ReadonlySet<string>,
): void {
  const q = questions.get(leaf.fact);
  if (!q)
    throw new RuleFileError(file, `${at}.fact`, `"${leaf.fact}" is not a question of rules/questions.yaml`);
  const ordered = ORDERED.has(leaf.operator);
  const list = leaf.operator === "in" || leaf.operator === "notIn";
  if (list !== Array.isArray(leaf.value)) {
    throw new RuleFileError(
      file,
      `${at}.value`,
      `operator "${leaf.operator}" ${list ? "takes a list" : "takes one value"}`,
    );
  }
  const values: Array<[string | number, string]> = Array.isArray(leaf.value)
    ? leaf.value.map((v, i) => [v, `${at}.value.${i}`])
    : [[leaf.value, `${at}.value`]];
  for (const [v, field] of values) {
    if (v === "unknown" && !readsUnknown.has(q.id)) {
      throw new RuleFileError(
        file,
        field,
        `"unknown" can never match: an unknown ${q.id} is left open, not passed to the condition, unless the rule lists ${q.id} under readsUnknownAsAnswer`,
      );
    }
    const fits =
      v === "unknown"
        ? !ordered
        : q.kind === "age"
          ? typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_CHILD_AGE + 1
          : !ordered && (v === "yes" || v === "no");
    if (!fits) {
      const expected =
        q.kind === "age"
          ? `a whole number of years from 0 to ${MAX_CHILD_AGE + 1}`
          : `"yes" or "no" (with equal, notEqual, in or notIn)`;
      throw new RuleFileError(
        file,
        field,
        `${JSON.stringify(v)} does not fit question ${q.id}: expected ${expected}`,
      );
    }
  }
}

function checkRule(rule: CitedRule, questions: Map<string, Question>): void {
  const readsUnknown = new Set(rule.readsUnknownAsAnswer.map((r) => r.question));
  const facts = new Set<string>();
  for (const [leaf, at] of leaves(rule.conditions, "conditions")) {
    checkLeaf(rule.file, leaf, at, questions, readsUnknown);
    facts.add(leaf.fact);
  }
  for (const [i, r] of rule.readsUnknownAsAnswer.entries()) {
    if (!facts.has(r.question)) {
      throw new RuleFileError(
        rule.file,
        `readsUnknownAsAnswer.${i}.question`,
        `"${r.question}" is not read by this rule's conditions`,
      );
    }
  }
}

function expectIdMatchesFile(file: string, id: string): void {
  const base = path.posix.basename(file, ".yaml");
  if (base !== id && !base.startsWith(`${id}.`)) {
    throw new RuleFileError(file, "id", `"${id}" must match the file name`);
  }
}

/**
 * The outcome ladder, strongest first: ids distinct, each level bringing about one rung at most,
 * and the last rung (no criterion met) brought about by no level.
 */
function checkLadder(file: string, ladder: EditionInfo["outcomes"]): EditionInfo["outcomes"] {
  const seen = new Set<string>();
  const levels = new Set<string>();
  ladder.forEach((rung, i) => {
    if (seen.has(rung.id)) throw new RuleFileError(file, `outcomes.${i}.id`, `"${rung.id}" appears twice`);
    seen.add(rung.id);
    rung.levels.forEach((l, k) => {
      if (levels.has(l))
        throw new RuleFileError(
          file,
          `outcomes.${i}.levels.${k}`,
          `level "${l}" already brings about another outcome`,
        );
      levels.add(l);
    });
  });
  const last = ladder.length - 1;
  if (ladder[last]!.levels.length > 0)
    throw new RuleFileError(
      file,
      `outcomes.${last}.levels`,
      "the last outcome is for no criterion met: it takes no levels",
    );
  return ladder;
}

function outcomeOf(
  file: string,
  rule: { level: CriterionLevel; outcome?: string | undefined },
  ladder: EditionInfo["outcomes"],
  edition: string,
): string {
  const last = ladder[ladder.length - 1]!.id;
  if (rule.outcome !== undefined) {
    if (!ladder.some((r) => r.id === rule.outcome) || rule.outcome === last)
      throw new RuleFileError(
        file,
        "outcome",
        `"${rule.outcome}" is not an outcome a criterion of edition ${edition} can bring about (${ladder
          .slice(0, -1)
          .map((r) => r.id)
          .join(", ")})`,
      );
    return rule.outcome;
  }
  const rung = ladder.find((r) => r.levels.includes(rule.level));
  if (!rung)
    throw new RuleFileError(
      file,
      "level",
      `level "${rule.level}" brings about no outcome of edition ${edition}: name the criterion's outcome, or add the level to a rung of edition.yaml`,
    );
  return rung.id;
}

/** Within a country, an edition's periods are in order and no two editions answer for one day. */
function checkPeriods(editions: Edition[]): void {
  const spans = editions.flatMap((e) =>
    e.periods.map((p, i) => ({ e, i, from: p.from, until: p.until ?? "9999-12-31" })),
  );
  for (const a of spans) {
    if (a.until < a.from)
      throw new RuleFileError(
        `editions/${a.e.id}/edition.yaml`,
        `periods.${a.i}.until`,
        `must not be before from (${a.from})`,
      );
    for (const b of spans) {
      if (a === b || a.e.country !== b.e.country) continue;
      if (a.from <= b.until && b.from <= a.until)
        throw new RuleFileError(
          `editions/${a.e.id}/edition.yaml`,
          `periods.${a.i}`,
          `overlaps period ${b.i} of edition ${b.e.id} (${b.from} to ${b.until}): one edition answers for a day and a country`,
        );
    }
  }
}

export function loadRules(root: string): RuleLibrary {
  const sourcesFile = readSources(root);
  const documents = sourceDocuments(sourcesFile.data);
  const unquoted = unquotedDocuments(sourcesFile.data);
  const read = <S extends z.ZodType>(file: string, schema: S) =>
    readChecked(root, file, schema, documents, unquoted);
  const ruleset = read("ruleset.yaml", rulesetFileSchema);
  const questionsFile = read("questions.yaml", questionsFileSchema);
  const alternativesFile = read("alternatives.yaml", alternativesFileSchema);
  const recordKeepingFile = read("record-keeping.yaml", recordKeepingFileSchema);
  const shared: LoadedFile<unknown>[] = [
    ruleset,
    sourcesFile,
    questionsFile,
    alternativesFile,
    recordKeepingFile,
  ];

  const sources = new Map<DocumentId, Source>(sourcesFile.data.map((s) => [s.document, s]));
  const questions: Question[] = questionsFile.data;
  const questionById = new Map<string, Question>();
  for (const [i, q] of questions.entries()) {
    if (questionById.has(q.id))
      throw new RuleFileError(questionsFile.file, `${i}.id`, `"${q.id}" appears twice`);
    questionById.set(q.id, q);
  }

  const triggerFiles = listYaml(root, "triggers").map((f) => read(f, triggerFileSchema));
  const triggers: CitedRule[] = triggerFiles.map(({ file, data }) => {
    expectIdMatchesFile(file, data.id);
    const rule: CitedRule = { kind: "trigger", file, ...data };
    checkRule(rule, questionById);
    return rule;
  });
  const triggerIds = new Set(triggers.map((t) => t.id));

  const timescaleFiles = listYaml(root, "timescales").map((f) => read(f, timescaleFileSchema));
  const timescales: Timescale[] = timescaleFiles.map(({ file, data }) => {
    expectIdMatchesFile(file, data.id);
    const { appliesWhen } = data;
    if (typeof appliesWhen === "object" && !triggerIds.has(appliesWhen.trigger)) {
      throw new RuleFileError(
        file,
        "appliesWhen.trigger",
        `"${appliesWhen.trigger}" is not a trigger in rules/triggers`,
      );
    }
    return { file, ...data };
  });

  const tensionFiles = listYaml(root, "tensions").map((f) => read(f, tensionFileSchema));
  const tensions: Tension[] = tensionFiles.map(({ file, data }) => {
    expectIdMatchesFile(file, data.id);
    return { file, ...data };
  });

  const editionDirs = readdirSync(path.join(root, "editions")).sort();
  const editionIds = new Set(editionDirs);
  const namesEditions = (file: string, field: string, ids: readonly string[] | undefined) =>
    ids?.forEach((e, i) => {
      if (!editionIds.has(e))
        throw new RuleFileError(file, `${field}.${i}`, `"${e}" is not an edition in rules/editions`);
    });
  for (const t of triggers) namesEditions(t.file, "editions", t.editions);
  for (const t of timescales) namesEditions(t.file, "editions", t.editions);
  for (const t of tensions) namesEditions(t.file, "editions", t.editions);
  alternativesFile.data.forEach((x, i) => namesEditions("alternatives.yaml", `${i}.editions`, x.editions));

  const editions = new Map<string, Edition>();
  for (const dir of editionDirs) {
    const info = read(`editions/${dir}/edition.yaml`, editionFileSchema);
    if (info.data.id !== dir) throw new RuleFileError(info.file, "id", `must be "${dir}", the folder's name`);
    const criteriaFiles = listYaml(root, `editions/${dir}/criteria`).map((f) => read(f, criterionFileSchema));
    if (criteriaFiles.length === 0)
      throw new RuleFileError(`editions/${dir}/criteria`, "", "holds no criteria");
    const ladder = checkLadder(info.file, info.data.outcomes);
    const criteria = criteriaFiles.map(({ file, data }) => {
      expectIdMatchesFile(file, data.id);
      const rule: CitedRule = {
        kind: "criterion",
        file,
        ...data,
        outcome: outcomeOf(file, data, ladder, dir),
      };
      checkRule(rule, questionById);
      return rule;
    });
    const ownTriggers = triggers.filter((t) => t.editions === undefined || t.editions.includes(dir));
    const ids = new Set<string>();
    for (const r of [...criteria, ...ownTriggers]) {
      if (ids.has(r.id))
        throw new RuleFileError(r.file, "id", `"${r.id}" is used by another rule of edition ${dir}`);
      ids.add(r.id);
    }
    // An edition's own timescale file replaces the shared one of the same id.
    const own = timescales.filter((t) => t.edition === dir);
    const editionTimescales = [
      ...timescales.filter(
        (t) =>
          t.edition === undefined &&
          (t.editions === undefined || t.editions.includes(dir)) &&
          !own.some((o) => o.id === t.id),
      ),
      ...own,
    ].sort((a, b) => a.file.localeCompare(b.file));
    for (const t of editionTimescales) {
      const { appliesWhen } = t;
      if (typeof appliesWhen === "object" && !ids.has(appliesWhen.trigger)) {
        throw new RuleFileError(
          t.file,
          "appliesWhen.trigger",
          `"${appliesWhen.trigger}" is not a trigger of edition ${dir}`,
        );
      }
    }
    const ownTensions = tensions.filter((t) => t.editions.includes(dir));
    for (const t of ownTensions) {
      t.when.forEach((w, i) => {
        if (!ids.has(w.rule))
          throw new RuleFileError(t.file, `when.${i}.rule`, `"${w.rule}" is not a rule of edition ${dir}`);
      });
    }
    const questionsUsed = new Set<string>();
    for (const r of [...criteria, ...ownTriggers])
      for (const [leaf] of leaves(r.conditions, "")) questionsUsed.add(leaf.fact);

    const hashed = [
      ...shared,
      info,
      ...criteriaFiles,
      ...triggerFiles.filter((t) => ownTriggers.some((o) => o.file === t.file)),
      ...timescaleFiles.filter((t) => editionTimescales.some((e) => e.file === t.file)),
      ...tensionFiles.filter((t) => ownTensions.some((o) => o.file === t.file)),
    ].sort((a, b) => a.file.localeCompare(b.file));
    const hash = createHash("sha256");
    for (const f of hashed) hash.update(f.file).update("\0").update(f.bytes).update("\0");

    rememberLadder(info.data);
    editions.set(dir, {
      ...info.data,
      criteria,
      triggers: ownTriggers,
      timescales: editionTimescales,
      tensions: ownTensions,
      questionsUsed,
      hash: `sha256:${hash.digest("hex")}`,
    });
  }
  for (const t of timescales) {
    if (t.edition !== undefined && !editions.has(t.edition)) {
      throw new RuleFileError(t.file, "edition", `"${t.edition}" is not an edition in rules/editions`);
    }
  }
  checkPeriods([...editions.values()]);
  const defaults = [...editions.values()].filter((e) => e.default);
  if (defaults.length !== 1)
    throw new RuleFileError("editions", "default", "exactly one edition must be the default");

  return {
    version: ruleset.data.version,
    sources,
    questions,
    questionById,
    alternatives: alternativesFile.data,
    recordKeeping: recordKeepingFile.data,
    editions,
    defaultEdition: defaults[0]!.id,
  };
}
