/**
 * The JSON API: /v1 behind its API keys (or a signed-in session) and rate limit, the health and readiness checks, and the
 * OpenAPI document, with each feature's routes mounted. Every error below here becomes
 * problem+json in one place (problemHandler).
 */
import express from "express";
import type { components } from "../contract/openapi.js";
import { Unavailable } from "../errors.js";
import type { Service } from "../service.js";
import { assessmentRoutes } from "../assessments/http.js";
import { caseFileRoutes, caseRoutes } from "../cases/http.js";
import { qualityRoutes } from "../quality/http.js";
import { rulesetRoutes } from "../rulesets/http.js";
import { timelineRoutes } from "../timelines/http.js";
import type { RateLimits } from "../middleware/rate-limit.js";
import { methodNotAllowed, problemHandler, requireJson } from "./problem.js";
import { actorOf } from "../middleware/actor.js";
import { apiGate, type ApiAccess } from "./security.js";

export interface ApiOptions {
  bodyLimit: number;
  /** Who may call /v1: keys, sessions, or (neither configured, loopback only) anyone. */
  access: ApiAccess;
  /** The rate limit per identity, shared with the pages (the one per address runs before). */
  limits: RateLimits;
  lifecycle: { draining: boolean };
}

/** What every feature's routes share: the JSON body parser and the check that a body is JSON. */
export interface JsonBody {
  requireJson: express.RequestHandler;
  parseJson: express.RequestHandler;
}

export function apiRouter(service: Service, options: ApiOptions): express.Router {
  const router = express.Router();
  router.use("/v1", apiGate(options.access), options.limits.byIdentity);

  router.get("/healthz", (_req, res) => {
    const body: components["schemas"]["Health"] = {
      status: "ok",
      editions: [...service.library.editions.keys()],
    };
    res.json(body);
  });
  // Ready: rules loaded (they are before the app exists) and not shutting down.
  router.get("/readyz", (_req, res) => {
    if (options.lifecycle.draining) throw new Unavailable("the service is shutting down");
    const body: components["schemas"]["Readiness"] = {
      status: "ready",
      editions: service.rulesetVersions(actorOf(res)),
    };
    res.json(body);
  });
  router.get("/openapi.yaml", (_req, res) => {
    res.type("application/yaml").send(service.openapi);
  });
  router.all(["/healthz", "/readyz", "/openapi.yaml"], methodNotAllowed("GET, HEAD"));

  const json: JsonBody = {
    requireJson,
    parseJson: express.json({
      limit: options.bodyLimit,
      strict: true,
      type: ["application/json", "application/*+json"],
    }),
  };
  router.use(rulesetRoutes(service));
  router.use(assessmentRoutes(service, json));
  router.use(timelineRoutes(service, json));
  router.use(caseRoutes(service, json));
  router.use(caseFileRoutes(service, json));
  router.use(qualityRoutes(service, json));
  router.use(problemHandler);
  return router;
}
