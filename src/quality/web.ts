/**
 * The quality-assurance and action-plan pages, beside the questionnaire: the same design system,
 * the same rules and checks as POST /v1/quality-assurance and POST /v1/action-plans/check.
 */
import express, { type Response } from "express";
import multer from "multer";
import { BODY_LIMIT_BYTES, BODY_LIMIT_WORDS } from "../config.js";
import { InvalidInput } from "../errors.js";
import type { Service } from "../service.js";
import { actorOf } from "../middleware/actor.js";
import { formErrors, type FormError } from "../web/errors.js";
import { readDateParts, text, type FormBody } from "../web/form.js";
import type { PageForms } from "../web/pages.js";
import { citer, createViews } from "../web/views.js";
import type { ItemStatus, QaReport } from "./checklist.js";
import type { QaDateName } from "./library.js";
import type { PlanResult } from "./service.js";

const QA_DATE_LABELS: Record<QaDateName, string> = {
  becameAware: "Date the incident came to attention",
  referral: "Date of the referral",
  decision: "Date of the decision to hold the review",
  ofstedNotified: "Date Ofsted was notified of the decision",
  completed: "Date the review was completed",
  agreedExtension: "Extension date agreed with government (if any)",
};
const STATUS_WORDS: Record<ItemStatus, string> = {
  achieved: "Achieved",
  "not-achieved": "Not achieved",
  "not-applicable": "Not applicable",
  unknown: "Not known",
};
const STATUS_CLASSES: Record<ItemStatus, string> = {
  achieved: "govuk-tag--green",
  "not-achieved": "govuk-tag--red",
  "not-applicable": "govuk-tag--grey",
  unknown: "govuk-tag--yellow",
};

export function qualityPages(service: Service, { form, verify }: PageForms): express.Router {
  const { qualityLibrary: quality, qualityDateNames: dateNames, library } = service;
  const env = createViews();
  const cite = citer(library);
  const router = express.Router();
  const common = (res: Response) => ({
    cspNonce: res.locals.cspNonce,
    ruleset: { version: library.version, hash: quality.hash },
  });

  const qaPage = (
    res: Response,
    values: Record<string, string>,
    errors: FormError[],
    checked?: { result: QaReport; report: string },
    status = 200,
  ) => {
    const report = checked?.result;
    const context: Record<string, unknown> = {
      ...common(res),
      nav: "quality",
      title: report ? "Quality assurance: result" : "Quality assurance of a finished review",
      errors: errors.map((e) => ({ text: e.text, href: e.href })),
      dates: dateNames.map((d) => ({
        name: d,
        label: QA_DATE_LABELS[d],
        day: values[`${d}-day`] ?? "",
        month: values[`${d}-month`] ?? "",
        year: values[`${d}-year`] ?? "",
        error: errors.find((e) => e.field === d)?.text,
      })),
      sections: quality.sections.map((s) => ({
        title: s.title,
        items: s.items.map((i) => ({ ...i, value: values[i.id] ?? "" })),
      })),
    };
    if (report) {
      Object.assign(context, {
        report,
        statusWords: STATUS_WORDS,
        statusClasses: STATUS_CLASSES,
        cite,
        sectionTitles: Object.fromEntries(quality.sections.map((s) => [s.section, s.title])),
        summaryRows: report.sections.map((s) => [
          { text: s.title },
          { text: String(s.achieved), format: "numeric" },
          { text: String(s.notAchieved), format: "numeric" },
          { text: String(s.notApplicable), format: "numeric" },
          { text: String(s.unknown), format: "numeric" },
        ]),
        computedItems: report.items
          .filter((i) => i.computation)
          .map((i) => ({
            ...i,
            computation: {
              ...i.computation!,
              missingWords: i
                .computation!.missing.map((d) => QA_DATE_LABELS[d as QaDateName].toLowerCase())
                .join(" and "),
            },
          })),
        markdown: checked!.report,
      });
    }
    res.status(status).type("html").send(env.render("quality.njk", context));
  };

  router.get("/quality-assurance", (_req, res) => qaPage(res, {}, []));
  router.post("/quality-assurance", form, (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    const values: Record<string, string> = {};
    const errors: FormError[] = [];
    const dates: Record<string, string> = {};
    for (const d of dateNames) {
      const iso = readDateParts(body, d, QA_DATE_LABELS[d], values, errors);
      if (iso) dates[d] = iso;
    }
    const answers: Record<string, string> = {};
    for (const item of quality.items) {
      if (item.computed) continue;
      const v = text(body[item.id]);
      values[item.id] = v;
      if (v) answers[item.id] = v;
    }
    if (errors.length) {
      qaPage(res, values, errors, undefined, 400);
      return;
    }
    try {
      qaPage(res, values, [], service.checkQuality(actorOf(res), { answers, dates }));
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      const mapped = formErrors(e, (pointer) => {
        const [, where, field] = pointer.split("/");
        if (!field) return null;
        return where === "dates"
          ? { field, href: `#${field}-day`, label: QA_DATE_LABELS[field as QaDateName] ?? field }
          : { field, href: `#${field}`, label: field };
      });
      qaPage(res, values, mapped, undefined, 400);
    }
  });

  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: BODY_LIMIT_BYTES, files: 1, fields: 10 },
  });
  const planPage = (
    res: Response,
    asOf: Record<string, string>,
    errors: FormError[],
    plan?: PlanResult,
    status = 200,
  ) => {
    res
      .status(status)
      .type("html")
      .send(
        env.render("action-plan.njk", {
          ...common(res),
          nav: "plan",
          sizeLimit: BODY_LIMIT_WORDS,
          title: plan ? "Action plan: findings" : "Check an action plan",
          errors: errors.map((e) => ({ text: e.text, href: e.href })),
          fileError: errors.find((e) => e.field === "plan")?.text,
          asOfError: errors.find((e) => e.field === "asOf")?.text,
          asOf: {
            day: asOf["asOf-day"] ?? "",
            month: asOf["asOf-month"] ?? "",
            year: asOf["asOf-year"] ?? "",
          },
          plan,
          cite,
          planRows: plan?.rows.map((r) => [
            { text: String(r.row) },
            { text: r.recommendation || "(none)" },
            { text: r.due ?? "—" },
            {
              html: r.findings.length
                ? `<ul class="govuk-list govuk-list--bullet">${r.findings.map((f) => `<li data-code="${f.code}">${env.getFilter("escape")(f.message)}</li>`).join("")}</ul>`
                : "None",
            },
          ]),
        }),
      );
  };
  router.get("/action-plans", (_req, res) => planPage(res, {}, []));
  router.post("/action-plans", (req, res, next) => {
    upload.single("plan")(req, res, (err: unknown) => {
      const refused = verify(req, res);
      if (refused) return next(refused);
      const body = (req.body ?? {}) as FormBody;
      const values: Record<string, string> = {};
      const errors: FormError[] = [];
      if (err) {
        errors.push({
          href: "#plan",
          field: "plan",
          text:
            err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE"
              ? `The file must be at most ${BODY_LIMIT_WORDS}`
              : "The file could not be read",
        });
      }
      const asOfIso = readDateParts(body, "asOf", "The date to check the plan as of", values, errors);
      if (!asOfIso && !errors.some((e) => e.field === "asOf")) {
        errors.push({ href: "#asOf-day", field: "asOf", text: "Enter the date to check the plan as of" });
      }
      const file = req.file;
      if (!err && !file)
        errors.push({ href: "#plan", field: "plan", text: "Select the action plan as a CSV file" });
      if (errors.length) return planPage(res, values, errors, undefined, 400);
      try {
        planPage(
          res,
          values,
          [],
          service.checkActionPlanCsv(actorOf(res), file!.buffer.toString("utf8"), asOfIso),
        );
      } catch (e) {
        if (!(e instanceof InvalidInput)) return next(e);
        const [first] = e.errors;
        errors.push({
          href: "#plan",
          field: "plan",
          text: `The file ${first?.pointer ? `(${first.pointer}) ` : ""}${first?.detail ?? e.message}`,
        });
        planPage(res, values, errors, undefined, 400);
      }
    });
  });
  return router;
}
