/** GET /v1/rulesets and /v1/rulesets/{edition}: the rule sets, quoted and cited. */
import express from "express";
import { methodNotAllowed } from "../http/problem.js";
import { actorOf } from "../middleware/actor.js";
import type { Service } from "../service.js";

export function rulesetRoutes(service: Service): express.Router {
  const router = express.Router();
  router.get("/v1/rulesets", (_req, res) => {
    res.json(service.rulesets(actorOf(res)));
  });
  router.get("/v1/rulesets/:edition", (req, res) => {
    res.json(service.ruleset(actorOf(res), req.params.edition));
  });
  router.all(["/v1/rulesets", "/v1/rulesets/:edition"], methodNotAllowed("GET, HEAD"));
  return router;
}
