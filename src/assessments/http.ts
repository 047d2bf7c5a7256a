/**
 * POST /v1/assessments: advice for a set of answers, as JSON (full with its one-page minutes, a
 * summary for integrators, or lean), or the minutes alone as Markdown, HTML, plain text or .docx.
 */
import express from "express";
import type { components } from "../contract/openapi.js";
import { InvalidInput } from "../errors.js";
import type { JsonBody } from "../http/api.js";
import { methodNotAllowed, negotiate } from "../http/problem.js";
import { actorOf } from "../middleware/actor.js";
import type { Assessment } from "./assess.js";
import { assessmentJson } from "./json.js";
import { summaryAdvice, type SummaryAdvice } from "./json.js";
import { MINUTES_TYPES, type MinutesType } from "./minutes.js";
import type { LeanAdvice } from "./lean.js";
import type { Service } from "../service.js";

type Schemas = components["schemas"];

// The answers are encoded by hand (json.ts), so their shapes are held to the contract here, at
// compile time: an assessment with its minutes is the contract's Assessment, and the lean advice
// its AssessmentLean, but for the edition id, which the rule folders name and a test checks
// against the contract's list.
type WithEditionId<T> = Omit<T, "edition"> & { edition: { id: Schemas["EditionId"]; title: string } };
type Holds<T extends true> = T;
export type FullAnswerIsTheContracts = Holds<
  WithEditionId<Assessment & { minutes: string }> extends Schemas["Assessment"] ? true : false
>;
export type LeanAnswerIsTheContracts = Holds<
  WithEditionId<LeanAdvice> extends Schemas["AssessmentLean"] ? true : false
>;
export type SummaryAnswerIsTheContracts = Holds<
  WithEditionId<SummaryAdvice> extends Schemas["AssessmentSummary"] ? true : false
>;

export function assessmentRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();
  const minutesTypes = Object.keys(MINUTES_TYPES) as MinutesType[];
  router.post("/v1/assessments", requireJson, parseJson, async (req, res) => {
    const format = negotiate(req, res, ["application/json", ...minutesTypes]);
    res.vary("Accept").vary("Prefer");
    const minimal = /(^|[,;\s])return=minimal\b/i.test(req.get("prefer") ?? "");
    const view = req.query.view ?? (minimal ? "summary" : "full");
    if (view !== "full" && view !== "lean" && view !== "summary")
      throw new InvalidInput([{ pointer: "view", detail: 'must be "full", "summary" or "lean"' }]);
    const annex = req.query.annex;
    if (annex !== undefined && annex !== "criteria")
      throw new InvalidInput([{ pointer: "annex", detail: 'must be "criteria"' }]);
    if (view === "lean" && format === "application/json") {
      const advice = await service.assessLean(actorOf(res), req.body);
      res.type("application/json; charset=utf-8").send(JSON.stringify(advice));
      return;
    }
    const advice = await service.assess(actorOf(res), req.body);
    if (format !== "application/json") {
      const body = await advice.minutesAs(format, { annex: annex === "criteria" });
      const { extension } = MINUTES_TYPES[format];
      if (extension === "docx") res.attachment(`scr-minutes-${advice.assessment.adviceId.slice(0, 8)}.docx`);
      res.type(extension === "docx" ? format : `${format}; charset=utf-8`).send(body);
      return;
    }
    if (view === "summary") {
      if (minimal && req.query.view === undefined) res.set("Preference-Applied", "return=minimal");
      res.type("application/json; charset=utf-8").send(JSON.stringify(summaryAdvice(advice.assessment)));
      return;
    }
    res.type("application/json; charset=utf-8").send(assessmentJson(advice.assessment, advice.minutes));
  });
  router.all("/v1/assessments", methodNotAllowed("POST"));
  return router;
}
