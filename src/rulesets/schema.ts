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
/** A source the project does not hold word for word (an Act, regulations, guidance restated). */
const unquotedDocumentId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and hyphens (not a .txt file name)");

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

const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1, "must hold at least one condition") }),
    z.strictObject({ any: z.array(conditionSchema).min(1, "must hold at least one condition") }),
    z.strictObject({ not: conditionSchema }),
    leafConditionSchema,
  ]),
);

/**
 * How strongly the guidance puts a criterion: must, should-always, consider and useful-lessons as
 * Working Together 2010/2015 put them; take-into-account for criteria the law lists for a decision
 * to weigh, without making any of them a duty (SI 2018/789 reg 11).
 */
export const levelSchema = z.enum([
  "must",
  "should-always",
  "consider",
  "useful-lessons",
  "take-into-account",
]);

const unknownReadingSchema = z.strictObject({ question: questionId, because: text });

export const ruleFileSchema = z.strictObject({
  id,
  title: text,
  summary: text,
  ...quotedSchema,
  conditions: conditionSchema,
  readsUnknownAsAnswer: z.array(unknownReadingSchema).default([]),
  /**
   * The law behind the rule where the quote is a seed's restatement of it (a child practice
   * review: 001 quoted, SI 2012/1712 stated in the project's words).
   */
  law: quotedPassageSchema.optional(),
});

/**
 * A criterion brings about an outcome of its edition's ladder (edition.yaml `outcomes`): the one it
 * names, or else the rung whose `levels` hold its level. The loader checks the name.
 */
export const criterionFileSchema = ruleFileSchema.extend({ level: levelSchema, outcome: id.optional() });

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
  "wales",
  "local-review",
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

/** The board's dates (a request's `dates`). */
export const dateNameSchema = z.enum(["becameAware", "referral", "decision", "publication"]);
/**
 * The dates a deadline may count from: the board's, and `incident`, the request's incidentDate
 * (which also chooses the edition).
 */
export const fromDateSchema = z.enum(["incident", ...dateNameSchema.options]);
export const appliesWhenSchema = z.union([
  z.literal("always"),
  z.literal("review"),
  z.strictObject({ trigger: id }),
]);
/**
 * requirement: statutory guidance or the board's procedure; advice: 001's suggestions to chairs;
 * example: 000 Appendix B's example timeline; scope: a date bounding what a review looks at (a
 * child practice review's 12 months), shown on the timeline without a progress status.
 */
export const timescaleNatureSchema = z.enum(["requirement", "advice", "example", "scope"]);

export const timescaleFileSchema = z.strictObject({
  id,
  edition: id.optional(),
  /** A shared timescale may name the editions it belongs to (every edition when left out). */
  editions: z.array(id).min(1, "must name at least one edition").optional(),
  text,
  from: fromDateSchema,
  /** Absent where the guidance sets a duty but no time for it: the milestone then has no date. */
  add: offsetSchema.optional(),
  appliesWhen: appliesWhenSchema,
  nature: timescaleNatureSchema.default("requirement"),
  /** Present when an agreed extension date may replace the computed one, with the guidance for it. */
  extension: requirementSchema.optional(),
  ...quotedSchema,
});

const statusSchema = z.enum(["met", "not-met", "undetermined"]);

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

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    "must be a real calendar date",
  );

/**
 * One rung of an edition's outcome ladder. `follows` says which decision follows the advice: a
 * review, no review, or either (where the criteria are to be weighed and the board decides).
 */
export const outcomeRungSchema = z.strictObject({
  id,
  /** The headline, a sentence on its own ("Initiate a Serious Case Review"). */
  words: text,
  /** The same, to stand inside a sentence ("initiate a Serious Case Review"). */
  phrase: text,
  /** The criterion levels that bring this outcome about unless a criterion names its outcome. */
  levels: z.array(levelSchema).default([]),
  follows: z.enum(["review", "no-review", "either"]),
});

/** A span of incident dates for which the edition is the one in force in its country. */
export const periodSchema = z.strictObject({
  from: isoDay,
  /** The last day, inclusive; left out while the edition is still in force. */
  until: isoDay.optional(),
  /** Said with every choice of the edition by a date in this span. */
  warning: text.optional(),
});

export const editionFileSchema = z.strictObject({
  id,
  title: text,
  description: text,
  source: citationSchema,
  default: z.boolean(),
  country: z.enum(["england", "wales"]),
  /** The review the edition decides on, with its article ("a Serious Case Review"). */
  reviewName: text,
  /** Who decides ("the chair", "the safeguarding partners"): the service advises. */
  decider: text,
  /** Strongest first; the last is what follows when no criterion is met (it names no levels). */
  outcomes: z
    .array(outcomeRungSchema)
    .min(2, "must give at least two outcomes, the last for no criterion met")
    .max(6, "may give at most six outcomes"),
  /** The spans of incident dates this edition answers for, earliest first (choice by date). */
  periods: z.array(periodSchema).min(1, "must give at least one period"),
  /** What the choice by date says of the edition's dates: where they come from, what is unsure. */
  datesNote: text,
  /**
   * The timescale (its id) by which the decision this edition advises on is due, shown in the
   * minutes and on the timeline: the chair's month (004 §3.8), the partners' decision after the
   * rapid review (cspr-2018), or a milestone without a date where the sources set no time (Wales).
   */
  decisionTimescale: id,
});

export const alternativeSchema = z.strictObject({
  id,
  title: text,
  text,
  ...quotedSchema,
  /** The editions whose sources offer it (every edition when left out): SCR alternatives are England's. */
  editions: z.array(id).min(1, "must name at least one edition").optional(),
});
export const alternativesFileSchema = z.array(alternativeSchema).min(1);

export const recordKeepingFileSchema = z.array(quotedPassageSchema).min(1);

/**
 * A source: a seed text, quoted word for word (its file name), or, with `quoted: false`, a source
 * the project states in its own words (an Act, regulations, guidance as others restate it), with
 * the address where a reader finds the text. Rule files citing it give `statement:` for `quote:`.
 */
export const sourceSchema = z
  .strictObject({
    document: z.string(),
    title: text,
    short: text,
    quoted: z.literal(false).optional(),
    address: z
      .string()
      .regex(/^https:\/\/\S+$/, "must be an https address")
      .optional(),
  })
  .superRefine((s, ctx) => {
    const check = (schema: z.ZodType, value: unknown) => {
      const r = schema.safeParse(value);
      if (!r.success)
        ctx.addIssue({ code: "custom", path: ["document"], message: r.error.issues[0]!.message });
    };
    if (s.quoted === false) {
      check(unquotedDocumentId, s.document);
      if (s.address === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["address"],
          message: "a source not quoted must give the address of its text",
        });
    } else {
      check(documentFileName, s.document);
      if (s.address !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["address"],
          message: "is for sources not quoted (quoted: false)",
        });
    }
  });
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
