/**
 * POST /v1/quality-assurance and POST /v1/action-plans/check: the quality-assurance checklist of a
 * finished review, and the check of its action plan (JSON, or CSV as boards keep them).
 */
import express, { type Request, type RequestHandler } from "express";
import { z } from "zod";
import { ProblemError } from "../errors.js";
import { checkPlan, readCsvPlan, type PlanRow } from "./action-plan.js";
import { ITEM_STATUSES, runChecklist, type ItemStatus, type QaInput } from "./checklist.js";
import { QA_DATE_NAMES, type QaDateName, type QualityLibrary } from "./library.js";
import { renderQualityReport } from "./report.js";
import { parseIsoDate } from "../timelines/calendar.js";
import type { components } from "../contract/openapi.js";
import { negotiate } from "../http/problem.js";
import { fieldErrors, isoDate } from "../contract/validation.js";

export function buildQaSchema(q: QualityLibrary) {
  const status = z.enum(ITEM_STATUSES as [ItemStatus, ...ItemStatus[]], {
    error: `must be one of ${ITEM_STATUSES.join(", ")}`,
  });
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
  const dates = z
    .strictObject(
      Object.fromEntries(QA_DATE_NAMES.map((d) => [d, isoDate.optional()])) as Record<
        QaDateName,
        z.ZodOptional<typeof isoDate>
      >,
      {
        error: `must be an object of dates (${QA_DATE_NAMES.join(", ")})`,
      },
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
    });
  return z.strictObject(
    {
      answers: z
        .strictObject(answerShape, { error: "must be an object mapping checklist item ids to statuses" })
        .optional(),
      dates: dates.optional(),
    },
    { error: "the request body must be a JSON object with answers and dates" },
  );
}

const cell = z
  .string({ error: "must be text" })
  .max(4000, { error: "must be at most 4000 characters" })
  .optional();
const rowSchema = z.strictObject(
  {
    recommendation: cell,
    action: cell,
    timescale: cell,
    rag: cell,
    responsible: cell,
    monitoring: cell,
    measure: cell,
    complete: z.boolean({ error: "must be true or false" }).optional(),
  },
  { error: "must be an object with the columns of the action plan" },
);
export const planSchema = z.strictObject(
  {
    asOf: isoDate,
    rows: z
      .array(rowSchema, { error: "must be a list of rows" })
      .max(500, { error: "must have at most 500 rows" }),
  },
  { error: "the request body must be a JSON object with asOf and rows" },
);

export function qualityRouter(
  q: QualityLibrary,
  parseJson: RequestHandler,
  requireJson: RequestHandler,
): express.Router {
  const router = express.Router();
  const qaSchema = buildQaSchema(q);

  router.post("/v1/quality-assurance", requireJson, parseJson, (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/markdown"]);
    const parsed = qaSchema.safeParse(req.body);
    if (!parsed.success)
      throw ProblemError.invalid(fieldErrors(parsed.error, "a checklist item id (000 Appendix I)"));
    const input: QaInput = { answers: {}, dates: {} };
    for (const [k, v] of Object.entries(parsed.data.answers ?? {})) if (v) input.answers[k] = v as ItemStatus;
    for (const [k, v] of Object.entries(parsed.data.dates ?? {}))
      if (typeof v === "string") input.dates[k as QaDateName] = parseIsoDate(v)!;
    const report = runChecklist(q, input);
    if (format === "text/markdown") {
      res.type("text/markdown; charset=utf-8").send(renderQualityReport(report));
      return;
    }
    const body: components["schemas"]["QaReport"] = { ...report, report: renderQualityReport(report) };
    res.json(body);
  });

  const csvText = express.text({ type: ["text/csv", "application/csv"], limit: "100kb" });
  router.post("/v1/action-plans/check", csvText, parseJson, (req: Request, res) => {
    let asOfText: unknown;
    let rows: PlanRow[];
    if (req.is(["text/csv", "application/csv"])) {
      asOfText = req.query.asOf;
      const asOf = isoDate.safeParse(asOfText);
      if (!asOf.success)
        throw ProblemError.invalid([
          { pointer: "asOf", detail: `the asOf query parameter ${asOf.error.issues[0]!.message}` },
        ]);
      rows = readCsvPlan(typeof req.body === "string" ? req.body : "");
    } else if (req.is(["application/json", "application/*+json"])) {
      const parsed = planSchema.safeParse(req.body);
      if (!parsed.success) throw ProblemError.invalid(fieldErrors(parsed.error));
      asOfText = parsed.data.asOf;
      rows = parsed.data.rows;
    } else {
      throw new ProblemError(
        415,
        "unsupported-media-type",
        "send the action plan as application/json or text/csv",
      );
    }
    const asOf = parseIsoDate(String(asOfText))!;
    const checked = checkPlan(q.actionPlan, rows, asOf);
    const body: components["schemas"]["PlanReport"] = {
      asOf: String(asOfText),
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
    res.json(body);
  });
  return router;
}
