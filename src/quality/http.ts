/**
 * POST /v1/quality-assurance and POST /v1/action-plans/check: the quality-assurance checklist of a
 * finished review, and the check of its action plan (JSON, or CSV as boards keep them).
 */
import express, { type Request } from "express";
import { BODY_LIMIT_BYTES } from "../config.js";
import type { components } from "../contract/openapi.js";
import type { JsonBody } from "../http/api.js";
import { HttpProblem, methodNotAllowed, negotiate } from "../http/problem.js";
import { actorOf } from "../middleware/actor.js";
import type { Service } from "../service.js";

export function qualityRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();

  router.post("/v1/quality-assurance", requireJson, parseJson, (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/markdown"]);
    const { result, report } = service.checkQuality(actorOf(res), req.body);
    if (format === "text/markdown") {
      res.type("text/markdown; charset=utf-8").send(report);
      return;
    }
    const body: components["schemas"]["QaReport"] = { ...result, report };
    res.json(body);
  });

  const csvText = express.text({ type: ["text/csv", "application/csv"], limit: BODY_LIMIT_BYTES });
  router.post("/v1/action-plans/check", csvText, parseJson, (req: Request, res) => {
    let body: components["schemas"]["PlanReport"];
    if (req.is(["text/csv", "application/csv"])) {
      const csv = typeof req.body === "string" ? req.body : "";
      body = service.checkActionPlanCsv(actorOf(res), csv, req.query.asOf);
    } else if (req.is(["application/json", "application/*+json"])) {
      body = service.checkActionPlan(actorOf(res), req.body);
    } else {
      throw new HttpProblem(
        415,
        "unsupported-media-type",
        "send the action plan as application/json or text/csv",
      );
    }
    res.json(body);
  });
  router.all(["/v1/quality-assurance", "/v1/action-plans/check"], methodNotAllowed("POST"));
  return router;
}
