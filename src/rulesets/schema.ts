/**
 * Schemas for the files in rules/. Every file is checked at start-up; the first problem stops the
 * service with the file and the field named (RuleFileError), never a wrong answer later.
 */
import { z } from "zod";
import {
  DOCUMENTS,
  type Condition,
  type CriterionLevel,
  type LeafCondition,
  type Operator,
} from "./types.js";

const text = z.string().trim().min(1, "must not be empty");
const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be lower-case letters, digits, dots and hyphens");
const questionId = z.string().regex(/^[a-z][A-Za-z0-9]*$/, "must be a camelCase question id");

export const citationSchema = z.strictObject({
  document: z.enum(DOCUMENTS),
  section: text,
});

const quotedSchema = { citation: citationSchema, quote: text };

const operators: [Operator, ...Operator[]] = [
  "equal",
  "notEqual",
  "in",
  "notIn",
  "lessThan",
  "lessThanInclusive",
  "greaterThan",
  "greaterThanInclusive",
];

const leafSchema: z.ZodType<LeafCondition> = z.strictObject({
  fact: questionId,
  operator: z.enum(operators),
  value: z.union([
    z.string(),
    z.number(),
    z.array(z.union([z.string(), z.number()])).min(1, "must list at least one value"),
  ]),
});

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1, "must hold at least one condition") }),
    z.strictObject({ any: z.array(conditionSchema).min(1, "must hold at least one condition") }),
    z.strictObject({ not: conditionSchema }),
    leafSchema,
  ]),
);

const levels: [CriterionLevel, ...CriterionLevel[]] = ["must", "should-always", "consider", "useful-lessons"];

const ruleCommon = {
  id,
  title: text,
  summary: text,
  ...quotedSchema,
  conditions: conditionSchema,
  readsUnknownAsAnswer: z.array(z.strictObject({ question: questionId, because: text })).default([]),
};

export const criterionFileSchema = z.strictObject({ ...ruleCommon, level: z.enum(levels) });

export const triggerFileSchema = z.strictObject({
  ...ruleCommon,
  requires: z.strictObject({ text, ...quotedSchema }),
});

export const questionsFileSchema = z
  .array(
    z.strictObject({
      id: questionId,
      group: z.enum(["incident", "should-always", "consider", "useful-lessons", "notification", "parallel"]),
      kind: z.enum(["yes-no", "age"]).default("yes-no"),
      wording: text,
      help: text,
      source: citationSchema,
    }),
  )
  .min(1);

const count = z.number().int("must be a whole number");
export const timescaleFileSchema = z.strictObject({
  id,
  edition: id.optional(),
  text,
  from: z.enum(["becameAware", "referral", "decision", "publication"]),
  add: z
    .strictObject({
      workingDays: count.optional(),
      days: count.optional(),
      weeks: count.optional(),
      months: count.optional(),
    })
    .refine((o) => Object.keys(o).length === 1, "must give exactly one of workingDays, days, weeks, months"),
  appliesWhen: z.union([z.literal("always"), z.literal("review"), z.strictObject({ trigger: id })]),
  nature: z.enum(["requirement", "advice", "example"]).default("requirement"),
  extension: z.strictObject({ text, ...quotedSchema }).optional(),
  ...quotedSchema,
});

export const editionFileSchema = z.strictObject({
  id,
  title: text,
  description: text,
  source: citationSchema,
  default: z.boolean(),
});

export const alternativesFileSchema = z
  .array(z.strictObject({ id, title: text, text, ...quotedSchema }))
  .min(1);

export const recordKeepingFileSchema = z.array(z.strictObject(quotedSchema)).min(1);

export const sourcesFileSchema = z
  .array(z.strictObject({ document: z.enum(DOCUMENTS), title: text, short: text }))
  .min(1);

export const rulesetFileSchema = z.strictObject({
  version: z.string().regex(/^\d{4}\.\d{1,2}\.\d+$/, "must look like 2026.11.0"),
});
