/**
 * Quality assurance of a finished review (000 Appendix I's checklist) and the check of its action
 * plan (000 Appendix F), from JSON or from the CSV a board keeps. The API and the pages both check
 * through here, so a page cannot accept what the API refuses.
 */
import { z } from "zod";
import type { Core } from "../core.js";
import { fieldErrors, isoDate, named, type ContractRegistry } from "../contract/validation.js";
import { InvalidInput } from "../errors.js";
import { formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import { checkPlan, readCsvPlan, type PlanRow, type RowReport } from "./action-plan.js";
import { ITEM_STATUSES, runChecklist, type ItemStatus, type QaInput, type QaReport } from "./checklist.js";
import { QA_DATE_NAMES, type QaDateName, type QualityLibrary } from "./library.js";
import { renderQualityReport } from "./report.js";

export function buildQaSchema(q: QualityLibrary, registry?: ContractRegistry) {
  const status = named(
    registry,
    "ItemStatus",
    z.enum(ITEM_STATUSES as [ItemStatus, ...ItemStatus[]], {
      error: `must be one of ${ITEM_STATUSES.join(", ")}`,
    }),
  );
  const answerShape = Object.fromEntries(
    q.items.map((i) => [
      i.id,
      i.computed
        ? z
            .never({
              error: `is computed from the dates (${i.computed.date} and ${i.computed.from}); give the dates, not an answer`,
            })
            .optional()
        : status.optional(),
    ]),
  );
  const dates = named(
    registry,
    "QaDates",
    z
      .strictObject(
        Object.fromEntries(QA_DATE_NAMES.map((d) => [d, isoDate.optional()])) as Record<
          QaDateName,
          z.ZodOptional<typeof isoDate>
        >,
        { error: `must be an object of dates (${QA_DATE_NAMES.join(", ")})` },
      )
      .superRefine((d, ctx) => {
        const order: Array<[QaDateName, QaDateName]> = [
          ["referral", "decision"],
          ["decision", "completed"],
          ["decision", "agreedExtension"],
          ["becameAware", "ofstedNotified"],
        ];
        for (const [a, b] of order) {
          if (d[a] && d[b] && d[b]! < d[a]!)
            ctx.addIssue({ code: "custom", path: [b], message: `must not be before ${a} (${d[a]})` });
        }
      }),
  );
  return named(
    registry,
    "QaRequest",
    z.strictObject(
      {
        answers: z
          .strictObject(answerShape, { error: "must be an object mapping checklist item ids to statuses" })
          .describe(
            "Checklist item id to status. Ids outside the checklist, and answers to computed items, are refused.",
          )
          .optional(),
        dates: dates.optional(),
      },
      { error: "the request body must be a JSON object with answers and dates" },
    ),
  );
}

const cell = z.string({ error: "must be text" }).max(4000, { error: "must be at most 4000 characters" });
const rowSchema = z
  .strictObject(
    {
      recommendation: cell.optional(),
      action: cell.optional(),
      timescale: cell.describe("The due date: 2025-03-31 or 31/03/2025.").optional(),
      rag: cell.describe("Red, Amber or Green.").optional(),
      responsible: cell.optional(),
      monitoring: cell.optional(),
      measure: cell.optional(),
      complete: z.boolean({ error: "must be true or false" }).optional(),
    },
    { error: "must be an object with the columns of the action plan" },
  )
  .describe("One row of the action plan, with the columns of 000 Appendix F.");

export function buildPlanSchema(registry?: ContractRegistry) {
  return named(
    registry,
    "PlanRequest",
    z.strictObject(
      {
        asOf: isoDate,
        rows: z
          .array(named(registry, "PlanRow", rowSchema), { error: "must be a list of rows" })
          .max(500, { error: "must have at most 500 rows" }),
      },
      { error: "the request body must be a JSON object with asOf and rows" },
    ),
  );
}

export interface PlanResult {
  asOf: string;
  rows: RowReport[];
  summary: { rows: number; withFindings: number; overdue: number };
  mechanical: string;
  judgements: QualityLibrary["actionPlan"]["judgements"];
  rag: QualityLibrary["actionPlan"]["rag"];
}

export function qualityOperations(core: Core) {
  const q = core.quality;
  const qaSchema = buildQaSchema(q);
  const planSchema = buildPlanSchema();

  /** The checklist for answers and dates; `report` is the Markdown to file. */
  const checkQuality = (body: unknown): { result: QaReport; report: string } => {
    const parsed = qaSchema.safeParse(body);
    if (!parsed.success)
      throw new InvalidInput(fieldErrors(parsed.error, "a checklist item id (000 Appendix I)"));
    const input: QaInput = { answers: {}, dates: {} };
    for (const [k, v] of Object.entries(parsed.data.answers ?? {})) if (v) input.answers[k] = v as ItemStatus;
    for (const [k, v] of Object.entries(parsed.data.dates ?? {}))
      if (typeof v === "string") input.dates[k as QaDateName] = parseIsoDate(v)!;
    const result = runChecklist(q, input);
    return { result, report: renderQualityReport(result) };
  };

  const planResult = (rows: PlanRow[], asOf: Date): PlanResult => {
    const checked = checkPlan(q.actionPlan, rows, asOf);
    return {
      asOf: formatIsoDate(asOf),
      rows: checked,
      summary: {
        rows: checked.length,
        withFindings: checked.filter((r) => r.findings.length > 0).length,
        overdue: checked.filter((r) => r.overdue).length,
      },
      mechanical:
        "Each finding is mechanical: a column left empty, a timescale that is not a date or has passed, or a RAG status the definitions rule out given the dates.",
      judgements: q.actionPlan.judgements,
      rag: q.actionPlan.rag,
    };
  };

  /** An action plan as JSON ({ asOf, rows }). */
  const checkActionPlan = (body: unknown): PlanResult => {
    const parsed = planSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    return planResult(parsed.data.rows, parseIsoDate(parsed.data.asOf)!);
  };

  /** An action plan as CSV with a header row; `asOfPointer` names where the date came from. */
  const checkActionPlanCsv = (csv: string, asOf: unknown, asOfPointer = "asOf"): PlanResult => {
    const date = isoDate.safeParse(asOf);
    if (!date.success)
      throw new InvalidInput([
        { pointer: asOfPointer, detail: `the asOf date ${date.error.issues[0]!.message}` },
      ]);
    return planResult(readCsvPlan(csv), parseIsoDate(date.data)!);
  };

  return { checkQuality, checkActionPlan, checkActionPlanCsv, qualityLibrary: q };
}
