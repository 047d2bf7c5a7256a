/**
 * The request contract, written once: zod schemas built from the rule library, so that the question
 * ids and editions accepted are exactly those loaded. They validate at run time, their inferred
 * types type the inputs, and `npm run openapi:generate` writes them into openapi/openapi.yaml as
 * JSON Schema (the schemas named here with `named`), from which the response types are generated
 * too; `npm test` fails when either generated file is stale. What JSON Schema cannot say (a date
 * that does not exist, dates out of order) is checked here alone and described in the document.
 */
import { z } from "zod";
import { InvalidInput, type FieldError } from "../errors.js";
import type { AnswerValue, AssessmentInput } from "../assessments/assess.js";
import type { TimelineInput } from "../timelines/timeline.js";
import {
  DATE_NAMES,
  MAX_CHILD_AGE,
  type DateName,
  type FromDateName,
  type RuleLibrary,
} from "../rulesets/types.js";
import { chooseEdition, type EditionChoice } from "../rulesets/select.js";
import { parseIsoDate } from "../timelines/calendar.js";

/** A checked assessment request is the evaluation's input. */
export type AssessmentRequest = AssessmentInput;

/** RFC 6901 JSON Pointer for a zod issue path. */
export function pointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => "/" + String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

const QUESTION_IDS = "a question id of the vocabulary (GET /v1/rulesets/{edition} lists them)";

/**
 * zod issues as field errors. `answersAre` names what the keys of an `answers` object must be
 * (question ids for assessments, checklist item ids for quality assurance).
 */
export function fieldErrors(error: z.ZodError, answersAre = QUESTION_IDS): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.join(".");
      return issue.keys.map((k) => ({
        pointer: pointer([...issue.path, k]),
        detail:
          where === "answers"
            ? `"${k}" is not ${answersAre}`
            : `"${k}" is not a field of ${where || "the request"}`,
      }));
    }
    return [{ pointer: pointer(issue.path), detail: issue.message }];
  });
}

/** Where the request schemas are named for the OpenAPI document (scripts/generate-openapi.ts). */
export type ContractRegistry = z.core.$ZodRegistry<{ id: string }>;

/** Names a schema in the document's components, when a registry is collecting them. */
export function named<T extends z.ZodType>(registry: ContractRegistry | undefined, id: string, schema: T): T {
  if (registry && !registry.has(schema)) registry.add(schema, { id });
  return schema;
}

const YES_NO_UNKNOWN = 'must be "yes", "no" or "unknown"';

/** A date written YYYY-MM-DD that exists (2024-02-30 does not). */
export const isoDate = z
  .string({ error: "must be a date written YYYY-MM-DD" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date written YYYY-MM-DD" })
  .refine((s) => parseIsoDate(s) !== null, { error: "must be a real calendar date written YYYY-MM-DD" })
  .describe("A calendar date, YYYY-MM-DD. Impossible dates (2024-02-30) are refused.");

/** A board's own case reference: never a name. Letters, digits, "-" and "/", at most 40. */
export const CASE_REFERENCE = /^[A-Za-z0-9/-]{1,40}$/;

export const caseReference = z
  .string({ error: "must be the board's case reference" })
  .regex(CASE_REFERENCE, {
    error: 'must be the board\'s case reference: letters, digits, "-" and "/", at most 40 (never a name)',
  })
  .describe("The board's own case reference, never a name.");

/** The dates a board has; a later stage may not come before an earlier one. */
const datesSchema = z
  .strictObject(
    Object.fromEntries(DATE_NAMES.map((d) => [d, isoDate.optional()])) as Record<
      DateName,
      z.ZodOptional<typeof isoDate>
    >,
    { error: "must be an object of dates (becameAware, referral, decision, publication)" },
  )
  .describe(
    "The dates the board has. Deadlines are computed from those given; the decision may not precede the referral, nor publication the decision.",
  )
  .superRefine((d, ctx) => {
    const order: Array<[DateName, DateName]> = [
      ["referral", "decision"],
      ["decision", "publication"],
    ];
    for (const [before, after] of order) {
      const a = d[before];
      const b = d[after];
      if (a && b && b < a) {
        ctx.addIssue({ code: "custom", path: [after], message: `must not be before ${before} (${a})` });
      }
    }
  });

const editionSchemas = new WeakMap<RuleLibrary, z.ZodEnum<Record<string, string>>>();

/** The editions loaded: one schema per library, so the document names it once. */
function editionSchema(library: RuleLibrary) {
  let schema = editionSchemas.get(library);
  if (!schema) {
    const editions = [...library.editions.keys()] as [string, ...string[]];
    schema = z
      .enum(editions, { error: `must be one of ${editions.join(", ")}` })
      .describe(
        `The edition of the guidance; \`${library.defaultEdition}\` is the default.`,
      ) as unknown as z.ZodEnum<Record<string, string>>;
    editionSchemas.set(library, schema);
  }
  return schema;
}

function toDates(
  d: Partial<Record<DateName, string | undefined>> | undefined,
): Partial<Record<DateName, Date>> {
  const dates: Partial<Record<DateName, Date>> = {};
  for (const [k, v] of Object.entries(d ?? {}))
    if (typeof v === "string") dates[k as DateName] = parseIsoDate(v)!;
  return dates;
}

const countrySchema = z
  .enum(["england", "wales"], { error: 'must be "england" or "wales"' })
  .describe("Where the incident happened, with incidentDate: together they choose the edition in force.");

/** The incident's date and country, which choose the edition when the request names none. */
function choiceFields(registry: ContractRegistry | undefined) {
  return {
    incidentDate: named(registry, "IsoDate", isoDate)
      .optional()
      .describe(
        "The date of the incident. With `country` and without `edition`, it chooses the edition in force (GET /v1/rulesets lists each edition's dates); a date no edition answers for is refused. Deadlines may count from it (the focus period of a child practice review).",
      ),
    country: named(registry, "Country", countrySchema).optional(),
  };
}

export function buildAssessmentSchema(library: RuleLibrary, registry?: ContractRegistry) {
  const yesNo = named(registry, "Answer", z.enum(["yes", "no", "unknown"], { error: YES_NO_UNKNOWN }));
  const ageMessage = `must be the child's age in whole years, from 0 to ${MAX_CHILD_AGE}, or "unknown"`;
  const age = named(
    registry,
    "AgeAnswer",
    z
      .union(
        [
          z
            .int({ error: ageMessage })
            .min(0, { error: ageMessage })
            .max(MAX_CHILD_AGE, { error: ageMessage }),
          z.literal("unknown"),
        ],
        { error: ageMessage },
      )
      .describe(`The child's age in whole years (0 to ${MAX_CHILD_AGE}), or \`unknown\`.`),
  );
  const answerShape = Object.fromEntries(
    library.questions.map((q) => [q.id, (q.kind === "age" ? age : yesNo).optional()]),
  );
  named(registry, "EditionId", editionSchema(library));
  named(registry, "IsoDate", isoDate);
  named(registry, "Dates", datesSchema);
  const answers = named(
    registry,
    "Answers",
    z
      .strictObject(answerShape, { error: "must be an object mapping question ids to answers" })
      .describe(
        "One answer per question id; an omitted question is `unknown`. Ids outside the vocabulary are refused.",
      ),
  );
  return named(
    registry,
    "AssessmentRequest",
    z.strictObject(
      {
        edition: editionSchema(library).optional(),
        ...choiceFields(registry),
        answers,
        dates: datesSchema.optional(),
      },
      { error: "the request body must be a JSON object with an answers object" },
    ),
  );
}

export function buildTimelineSchema(library: RuleLibrary, registry?: ContractRegistry) {
  named(registry, "CaseReference", caseReference);
  const milestoneIds = new Set([...library.editions.values()].flatMap((e) => e.timescales.map((t) => t.id)));
  const schema = z
    .strictObject(
      {
        edition: editionSchema(library).optional(),
        ...choiceFields(registry),
        dates: datesSchema,
        asOf: isoDate.optional(),
        agreedExtension: isoDate.optional(),
        done: z
          .array(
            z
              .string()
              .refine((id) => milestoneIds.has(id), { error: "is not a milestone id of the timeline" }),
            { error: "must be a list of milestone ids" },
          )
          .max(200)
          .describe("Ids of the milestones the board has completed.")
          .optional(),
        reference: caseReference.optional(),
      },
      { error: "the request body must be a JSON object with a dates object" },
    )
    .superRefine((t, ctx) => {
      if (t.agreedExtension && t.dates.decision && t.agreedExtension < t.dates.decision) {
        ctx.addIssue({
          code: "custom",
          path: ["agreedExtension"],
          message: `must not be before the decision (${t.dates.decision})`,
        });
      }
    });
  return named(registry, "TimelineRequest", schema);
}

/** A checked timeline request is the timeline's input, with its edition and how it was chosen. */
export type TimelineRequest = TimelineInput & { edition: string; choice: EditionChoice };

export function parseTimelineRequest(
  schema: ReturnType<typeof buildTimelineSchema>,
  body: unknown,
  library: RuleLibrary,
): TimelineRequest {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
  const {
    edition: asked,
    incidentDate,
    country,
    dates,
    asOf,
    agreedExtension,
    done,
    reference,
  } = parsed.data;
  const { edition, choice } = chooseEdition(library, { edition: asked, incidentDate, country });
  return {
    edition,
    choice,
    dates: withIncident(toDates(dates), incidentDate),
    ...(asOf ? { asOf: parseIsoDate(asOf)! } : {}),
    ...(agreedExtension ? { agreedExtension: parseIsoDate(agreedExtension)! } : {}),
    done: new Set(done ?? []),
    ...(reference ? { reference } : {}),
  };
}

export type AssessmentSchema = ReturnType<typeof buildAssessmentSchema>;

/** The board's dates, with the incident's date (a deadline may count from it). */
function withIncident(
  dates: Partial<Record<DateName, Date>>,
  incidentDate: string | undefined,
): Partial<Record<FromDateName, Date>> {
  return incidentDate ? { ...dates, incident: parseIsoDate(incidentDate)! } : dates;
}

export function parseAssessmentRequest(
  schema: AssessmentSchema,
  body: unknown,
  library: RuleLibrary,
): AssessmentRequest {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
  const answers: Record<string, AnswerValue> = {};
  for (const [id, v] of Object.entries(parsed.data.answers)) {
    if (v !== undefined) answers[id] = v as AnswerValue;
  }
  const { edition: asked, incidentDate, country } = parsed.data;
  const { edition, choice } = chooseEdition(library, { edition: asked, incidentDate, country });
  return { edition, choice, answers, dates: withIncident(toDates(parsed.data.dates), incidentDate) };
}
