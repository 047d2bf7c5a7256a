/**
 * POST /v1/assessments: advice for a set of answers, as JSON (with its minutes, or lean without
 * them) or as the Markdown minutes alone.
 */
import express from "express";
import type { components } from "../contract/openapi.js";
import type { JsonBody } from "../http/api.js";
import { methodNotAllowed, negotiate } from "../http/problem.js";
import { actorOf } from "../http/security.js";
import type { Service } from "../service.js";

type Schemas = components["schemas"];

export function assessmentRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();
  router.post("/v1/assessments", requireJson, parseJson, async (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/markdown"]);
    const { assessment, minutes } = await service.assess(actorOf(res), req.body);
    if (format === "text/markdown") {
      res.type("text/markdown; charset=utf-8").send(minutes);
      return;
    }
    const body: Schemas["Assessment"] = {
      ...assessment,
      edition: { id: assessment.edition.id as Schemas["EditionId"], title: assessment.edition.title },
      minutes,
    };
    res.json(body);
  });
  router.all("/v1/assessments", methodNotAllowed("POST"));
  return router;
}
