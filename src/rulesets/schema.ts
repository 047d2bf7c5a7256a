/**
 * Schemas for the files in rules/, and the one source of their types: types.ts infers from these,
 * so a field is declared once. Every file is checked at start-up; the first problem stops the
 * service with the file and the field named (RuleFileError), never a wrong answer later.
 */
import { z } from "zod";

const text = z.string().trim().min(1, "must not be empty");
const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be lower-case letters, digits, dots and hyphens");
const questionId = z.string().regex(/^[a-z][A-Za-z0-9]*$/, "must be a camelCase question id");

/**
 * The documents a citation may name are data (rules/sources.yaml), not code, so this schema cannot
 * list them. readYaml sets them for the one synchronous parse it runs (withDocuments); a citation
 * parsed any other way is a mistake in the code, and says so rather than passing unchecked.
 */
let knownDocuments: ReadonlySet<string> | undefined;

export function withDocuments<T>(documents: ReadonlySet<string>, parse: () => T): T {
  const outer = knownDocuments;
  knownDocuments = documents;
  try {
    return parse();
  } finally {
    knownDocuments = outer;
  }
}

const documentFileName = z.string().regex(/^[^/\\\s]+\.txt$/, "must be a file name ending .txt");

const citedDocument = z.string().superRefine((document, ctx) => {
  if (!knownDocuments) throw new Error("a citation must be parsed through readYaml, which knows the sources");
  if (!knownDocuments.has(document)) {
    ctx.addIssue({ code: "custom", message: `"${document}" is not a document of rules/sources.yaml` });
  }
});

export const citationSchema = z.strictObject({ document: citedDocument, section: text });

const quotedSchema = { citation: citationSchema, quote: text };
export const quotedPassageSchema = z.strictObject(quotedSchema);
export const requirementSchema = z.strictObject({ text, ...quotedSchema });

export const operatorSchema = z.enum([
  "equal",
  "notEqual",
  "in",
  "notIn",
  "lessThan",
  "lessThanInclusive",
  "greaterThan",
  "greaterThanInclusive",
]);

export const leafConditionSchema = z.strictObject({
  fact: questionId,
  operator: operatorSchema,
  value: z.union([
    z.string(),
    z.number(),
    z.array(z.union([z.string(), z.number()])).min(1, "must list at least one value"),
  ]),
});
type LeafCondition = z.output<typeof leafConditionSchema>;

/**
 * TypeScript cannot infer a recursive type from its own initialiser, so the tree is written once
 * here, over the inferred leaf, and the schema is checked against it.
 */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1, "must hold at least one condition") }),
    z.strictObject({ any: z.array(conditionSchema).min(1, "must hold at least one condition") }),
    z.strictObject({ not: conditionSchema }),
    leafConditionSchema,
  ]),
);

export const levelSchema = z.enum(["must", "should-always", "consider", "useful-lessons"]);

const unknownReadingSchema = z.strictObject({ question: questionId, because: text });

export const ruleFileSchema = z.strictObject({
  id,
  title: text,
  summary: text,
  ...quotedSchema,
  conditions: conditionSchema,
  readsUnknownAsAnswer: z.array(unknownReadingSchema).default([]),
});

export const criterionFileSchema = ruleFileSchema.extend({ level: levelSchema });

/**
 * A trigger is shared by every edition unless `editions` names the ones it belongs to: a duty one
 * edition's guidance sets (004's notifiable incidents, for instance) is not another edition's.
 */
export const triggerFileSchema = ruleFileSchema.extend({
  requires: requirementSchema,
  editions: z.array(id).min(1, "must name at least one edition").optional(),
});

export const questionGroupSchema = z.enum([
  "incident",
  "should-always",
  "consider",
  "useful-lessons",
  "notification",
  "parallel",
]);
export const questionKindSchema = z.enum(["yes-no", "age"]);

export const questionSchema = z.strictObject({
  id: questionId,
  group: questionGroupSchema,
  kind: questionKindSchema.default("yes-no"),
  wording: text,
  help: text,
  source: citationSchema,
});

export const questionsFileSchema = z.array(questionSchema).min(1);

const count = z.number().int("must be a whole number");
export const offsetSchema = z
  .strictObject({
    workingDays: count.optional(),
    days: count.optional(),
    weeks: count.optional(),
    months: count.optional(),
  })
  .refine((o) => Object.keys(o).length === 1, "must give exactly one of workingDays, days, weeks, months");

export const dateNameSchema = z.enum(["becameAware", "referral", "decision", "publication"]);
export const appliesWhenSchema = z.union([
  z.literal("always"),
  z.literal("review"),
  z.strictObject({ trigger: id }),
]);
/**
 * requirement: statutory guidance or the board's procedure; advice: 001's suggestions to chairs;
 * example: 000 Appendix B's example timeline.
 */
export const timescaleNatureSchema = z.enum(["requirement", "advice", "example"]);

export const timescaleFileSchema = z.strictObject({
  id,
  edition: id.optional(),
  text,
  from: dateNameSchema,
  /** Absent where the guidance sets a duty but no time for it: the milestone then has no date. */
  add: offsetSchema.optional(),
  appliesWhen: appliesWhenSchema,
  nature: timescaleNatureSchema.default("requirement"),
  /** Present when an agreed extension date may replace the computed one, with the guidance for it. */
  extension: requirementSchema.optional(),
  ...quotedSchema,
});

export const statusSchema = z.enum(["met", "not-met", "undetermined"]);

/**
 * A tension: where a source's own paragraphs pull apart, the answer says so with both quotes
 * rather than silently picking one (rules/tensions/). `when` names the rule statuses under which
 * it arises (every entry must hold); without it, it arises in every assessment of its editions.
 */
export const tensionFileSchema = z.strictObject({
  id,
  title: text,
  summary: text,
  editions: z.array(id).min(1, "must name at least one edition"),
  when: z
    .array(z.strictObject({ rule: id, status: z.array(statusSchema).min(1, "must list a status") }))
    .default([]),
  sides: z
    .array(z.strictObject({ appliesWhen: text, ...quotedSchema }))
    .min(2, "must give both sides, each with its quote"),
  reading: text,
});

export const editionFileSchema = z.strictObject({
  id,
  title: text,
  description: text,
  source: citationSchema,
  default: z.boolean(),
});

export const alternativeSchema = z.strictObject({ id, title: text, text, ...quotedSchema });
export const alternativesFileSchema = z.array(alternativeSchema).min(1);

export const recordKeepingFileSchema = z.array(quotedPassageSchema).min(1);

export const sourceSchema = z.strictObject({ document: documentFileName, title: text, short: text });
export const sourcesFileSchema = z
  .array(sourceSchema)
  .min(1)
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((s, i) => {
      if (seen.has(s.document))
        ctx.addIssue({ code: "custom", path: [i, "document"], message: `"${s.document}" appears twice` });
      seen.add(s.document);
    });
  });

export const rulesetFileSchema = z.strictObject({
  version: z.string().regex(/^\d{4}\.\d{1,2}\.\d+$/, "must look like 2026.11.0"),
});
