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
import { assessmentJson, leanJson } from "./json.js";
import type { Service } from "../service.js";

type Schemas = components["schemas"];

// Edition ids come from the rule folders; the contract lists them (a test checks the two agree).
const editionRef = (e: { id: string; title: string }) => ({
  id: e.id as Schemas["EditionId"],
  title: e.title,
});

export function assessmentRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();
  router.post("/v1/assessments", requireJson, parseJson, async (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/markdown"]);
    const view = req.query.view ?? "full";
    if (view !== "full" && view !== "lean")
      throw new InvalidInput([{ pointer: "view", detail: 'must be "full" or "lean"' }]);
    if (view === "lean" && format === "application/json") {
      const advice = await service.assessLean(actorOf(res), req.body);
      void ({ ...advice, edition: editionRef(advice.edition) } satisfies Schemas["AssessmentLean"]);
      res.type("application/json; charset=utf-8").send(leanJson(advice));
      return;
    }
    const { assessment, minutes } = await service.assess(actorOf(res), req.body);
    if (format === "text/markdown") {
      res.type("text/markdown; charset=utf-8").send(minutes);
      return;
    }
    // The contract's shape, checked at compile time; the bytes come from the one encoding below.
    void ({
      ...assessment,
      edition: editionRef(assessment.edition),
      minutes,
    } satisfies Schemas["Assessment"]);
    res.type("application/json; charset=utf-8").send(assessmentJson(assessment, minutes));
  });
  router.all("/v1/assessments", methodNotAllowed("POST"));
  return router;
}
