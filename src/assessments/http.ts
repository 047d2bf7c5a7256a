/**
 * POST /v1/assessments: advice for a set of answers, as JSON (with its minutes, or lean without
 * them) or as the Markdown minutes alone.
 */
import express from "express";
import type { components } from "../contract/openapi.js";
import { InvalidInput } from "../errors.js";
import type { JsonBody } from "../http/api.js";
import { methodNotAllowed, negotiate } from "../http/problem.js";
import { actorOf } from "../http/security.js";
import type { Assessment } from "./assess.js";
import { assessmentJson, leanJson } from "./json.js";
import type { LeanAdvice } from "./service.js";
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

export function assessmentRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();
  router.post("/v1/assessments", requireJson, parseJson, async (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/markdown"]);
    const view = req.query.view ?? "full";
    if (view !== "full" && view !== "lean")
      throw new InvalidInput([{ pointer: "view", detail: 'must be "full" or "lean"' }]);
    if (view === "lean" && format === "application/json") {
      const advice = await service.assessLean(actorOf(res), req.body);
      res.type("application/json; charset=utf-8").send(leanJson(advice));
      return;
    }
    const advice = await service.assess(actorOf(res), req.body);
    if (format === "text/markdown") {
      res.type("text/markdown; charset=utf-8").send(advice.minutes);
      return;
    }
    res.type("application/json; charset=utf-8").send(assessmentJson(advice.assessment, advice.lines));
  });
  router.all("/v1/assessments", methodNotAllowed("POST"));
  return router;
}
