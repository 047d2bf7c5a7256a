/**
 * Run-time validation of requests with zod, built from the rule library so that the question ids
 * and editions it accepts are exactly those loaded. The OpenAPI document states the same contract;
 * test/http/contract.test.ts checks that the two agree on valid and invalid bodies.
 */
import { z } from "zod";
import { ProblemError, type FieldError } from "../errors.js";
import type { AnswerValue } from "../evaluation/assess.js";
import { DATE_NAMES, MAX_CHILD_AGE, type DateName, type RuleLibrary } from "../rules/types.js";
import { parseIsoDate } from "../timescales/calendar.js";

export interface AssessmentRequest {
  edition: string;
  answers: Record<string, AnswerValue>;
  dates: Partial<Record<DateName, Date>>;
}

/** RFC 6901 JSON Pointer for a zod issue path. */
export function pointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => "/" + String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.join(".");
      return issue.keys.map((k) => ({
        pointer: pointer([...issue.path, k]),
        detail:
          where === "answers"
            ? `"${k}" is not a question id of the vocabulary (GET /v1/rulesets/{edition} lists them)`
            : `"${k}" is not a field of ${where || "the request"}`,
      }));
    }
    return [{ pointer: pointer(issue.path), detail: issue.message }];
  });
}

const YES_NO_UNKNOWN = 'must be "yes", "no" or "unknown"';

export function buildAssessmentSchema(library: RuleLibrary) {
  const yesNo = z.enum(["yes", "no", "unknown"], { error: YES_NO_UNKNOWN });
  const ageMessage = `must be the child's age in whole years, from 0 to ${MAX_CHILD_AGE}, or "unknown"`;
  const age = z.union(
    [
      z.int({ error: ageMessage }).min(0, { error: ageMessage }).max(MAX_CHILD_AGE, { error: ageMessage }),
      z.literal("unknown"),
    ],
    { error: ageMessage },
  );
  const answerShape = Object.fromEntries(
    library.questions.map((q) => [q.id, (q.kind === "age" ? age : yesNo).optional()]),
  );
  const isoDate = z
    .string({ error: "must be a date written YYYY-MM-DD" })
    .refine((s) => parseIsoDate(s) !== null, { error: "must be a real calendar date written YYYY-MM-DD" });
  const dates = z
    .strictObject(
      Object.fromEntries(DATE_NAMES.map((d) => [d, isoDate.optional()])) as Record<
        DateName,
        z.ZodOptional<typeof isoDate>
      >,
      { error: "must be an object of dates (becameAware, referral, decision, publication)" },
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
  const editions = [...library.editions.keys()] as [string, ...string[]];
  return z.strictObject(
    {
      edition: z.enum(editions, { error: `must be one of ${editions.join(", ")}` }).optional(),
      answers: z.strictObject(answerShape, { error: "must be an object mapping question ids to answers" }),
      dates: dates.optional(),
    },
    { error: "the request body must be a JSON object with an answers object" },
  );
}

export type AssessmentSchema = ReturnType<typeof buildAssessmentSchema>;

export function parseAssessmentRequest(
  schema: AssessmentSchema,
  body: unknown,
  defaultEdition: string,
): AssessmentRequest {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw ProblemError.invalid(fieldErrors(parsed.error));
  const answers: Record<string, AnswerValue> = {};
  for (const [id, v] of Object.entries(parsed.data.answers))
    if (v !== undefined) answers[id] = v as AnswerValue;
  const dates: Partial<Record<DateName, Date>> = {};
  for (const [k, v] of Object.entries(parsed.data.dates ?? {}))
    if (typeof v === "string") dates[k as DateName] = parseIsoDate(v)!;
  return { edition: parsed.data.edition ?? defaultEdition, answers, dates };
}
