/**
 * The HTTP layer: thin. Routes parse and validate, call the evaluation, and shape the answer to the
 * OpenAPI document (openapi/openapi.yaml, whose generated types type every response here).
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { ProblemError } from "./errors.js";
import { assess } from "./assessments/assess.js";
import { renderMinutes } from "./assessments/minutes.js";
import { DATE_NAMES, type CitedRule, type Edition } from "./rulesets/types.js";
import type { Service } from "./service.js";
import type { components } from "./contract/openapi.js";
import type { Logger } from "pino";
import { requestLog } from "./http/logging.js";
import { assetsRouter, createPages } from "./assessments/web.js";
import { qualityPages } from "./quality/web.js";
import { casePages } from "./cases/web.js";
import { negotiate, problemHandler } from "./http/problem.js";
import { qualityRouter } from "./quality/http.js";
import { casesRouter } from "./cases/http.js";
import type { RecordStore } from "./cases/store.js";
import { rateLimiter, requireApiKey, securityHeaders } from "./http/security.js";
import { renderICalendar } from "./timelines/icalendar.js";
import { formatIsoDate } from "./timelines/calendar.js";
import { buildTimeline } from "./timelines/timeline.js";
import {
  buildAssessmentSchema,
  buildTimelineSchema,
  parseAssessmentRequest,
  parseTimelineRequest,
} from "./contract/validation.js";

type Schemas = components["schemas"];

export interface AppOptions {
  bodyLimit: number;
  /** SHA-256 hashes (hex) of the API keys; none means /v1 is open (and the server binds loopback). */
  apiKeyHashes?: readonly string[];
  /** Requests per client per minute on /v1; 0 or absent turns rate limiting off. */
  rateLimitPerMinute?: number;
  trustProxy?: string | number | boolean;
  logger?: Logger;
  /** The decision records; absent, /v1/cases answers 503. */
  records?: RecordStore;
  /** Set draining when shutting down: /readyz then answers 503 and connections close after each response. */
  lifecycle?: { draining: boolean };
}

/** Only JSON bodies are read; anything else is refused before parsing (415). */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  if (!hasBody) {
    next(ProblemError.invalid([{ pointer: "", detail: "a JSON body is required" }]));
    return;
  }
  if (!req.is(["application/json", "application/*+json"])) {
    next(
      new ProblemError(
        415,
        "unsupported-media-type",
        `the request body must be application/json, not ${req.headers["content-type"] ?? "untyped"}`,
      ),
    );
    return;
  }
  next();
}

function methodNotAllowed(allowed: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader("Allow", allowed);
    next(new ProblemError(405, "method-not-allowed", `${req.method} is not allowed here; use ${allowed}`));
  };
}

export function createApp(service: Service, options: AppOptions): express.Express {
  const { library, editions, calendar } = service;
  const assessmentSchema = buildAssessmentSchema(library);
  const timelineSchema = buildTimelineSchema(library);
  const { sources } = service;
  const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));
  const app = express();
  app.disable("x-powered-by");
  // Assessments are answers to POSTs, never cached: hashing every body for an ETag is wasted work.
  app.set("etag", false);
  app.set("trust proxy", options.trustProxy ?? false);
  const lifecycle = options.lifecycle ?? { draining: false };

  app.use(requestLog(options.logger));
  app.use(securityHeaders());
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    if (lifecycle.draining) res.setHeader("Connection", "close");
    next();
  });
  if (options.rateLimitPerMinute) app.use("/v1", rateLimiter(options.rateLimitPerMinute));
  if (options.apiKeyHashes?.length) app.use("/v1", requireApiKey(options.apiKeyHashes));
  app.set("json spaces", 0);

  // Edition ids come from the rule folders; the contract lists them (a test checks the two agree).
  const editionRef = (e: { id: string; title: string }) => ({
    id: e.id as Schemas["EditionId"],
    title: e.title,
  });
  const rulesetVersion = (e: Edition): Schemas["RulesetVersion"] => ({
    version: library.version,
    hash: e.hash,
  });
  const editionSummary = (e: Edition): Schemas["EditionSummary"] => ({
    id: e.id as Schemas["EditionId"],
    title: e.title,
    description: e.description,
    default: e.default,
    source: e.source,
    ruleset: rulesetVersion(e),
    links: { self: `/v1/rulesets/${e.id}` },
  });
  const ruleSummary = (r: CitedRule): Schemas["RuleSummary"] => ({
    id: r.id,
    title: r.title,
    ...(r.level ? { level: r.level } : {}),
    summary: r.summary,
    citation: r.citation,
    quote: r.quote,
  });

  const parseJsonBody = express.json({
    limit: options.bodyLimit,
    strict: true,
    type: ["application/json", "application/*+json"],
  });

  app.get("/healthz", (_req, res) => {
    const body: Schemas["Health"] = { status: "ok", editions: [...editions.keys()] };
    res.json(body);
  });

  // Ready: rules loaded (they are before the app exists) and not shutting down.
  app.get("/readyz", (_req, res) => {
    if (lifecycle.draining) throw new ProblemError(503, "unavailable", "the service is shutting down");
    const body: Schemas["Readiness"] = {
      status: "ready",
      editions: [...library.editions.values()].map((e) => ({ id: e.id, ruleset: rulesetVersion(e) })),
    };
    res.json(body);
  });

  app.get("/openapi.yaml", (_req, res) => {
    res.type("application/yaml").send(service.openapi);
  });

  app.get("/v1/rulesets", (_req, res) => {
    const all = [...library.editions.values()].sort((a, b) => Number(b.default) - Number(a.default));
    const body: Schemas["RulesetList"] = { editions: all.map(editionSummary), sources: sources };
    res.json(body);
  });

  app.get("/v1/rulesets/:edition", (req, res) => {
    const e = library.editions.get(req.params.edition);
    if (!e) {
      throw new ProblemError(
        404,
        "not-found",
        `there is no edition "${req.params.edition}"; GET /v1/rulesets lists them`,
        [{ pointer: "edition", detail: `must be one of ${[...library.editions.keys()].join(", ")}` }],
      );
    }
    const body: Schemas["Ruleset"] = {
      ...editionSummary(e),
      questions: library.questions.map((q) => ({
        id: q.id,
        group: q.group,
        kind: q.kind,
        wording: q.wording,
        help: q.help,
        source: q.source,
        usedByEdition: e.questionsUsed.has(q.id),
      })),
      criteria: e.criteria.map(ruleSummary),
      triggers: e.triggers.map(ruleSummary),
      sources,
    };
    res.json(body);
  });

  app.post("/v1/assessments", requireJson, parseJsonBody, async (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/markdown"]);
    const input = parseAssessmentRequest(assessmentSchema, req.body, library.defaultEdition);
    const assessment = await assess(library, editions.get(input.edition)!, calendar, input);
    const minutes = renderMinutes(assessment, wordings);
    if (format === "text/markdown") {
      res.type("text/markdown; charset=utf-8").send(minutes);
      return;
    }
    const body: Schemas["Assessment"] = {
      ...assessment,
      edition: editionRef(assessment.edition),
      minutes,
    };
    res.json(body);
  });
  app.all("/v1/assessments", methodNotAllowed("POST"));

  const timelineFrom = (body: unknown) => {
    const input = parseTimelineRequest(timelineSchema, body, library.defaultEdition);
    return buildTimeline(library, editions.get(input.edition)!, calendar, input, formatIsoDate);
  };
  const sendCalendar = (res: Response, body: unknown): void => {
    const timeline = timelineFrom(body);
    const name = timeline.reference
      ? `scr-timeline-${timeline.reference.replace(/\//g, "-")}`
      : "scr-timeline";
    res
      .type("text/calendar; charset=utf-8")
      .setHeader("Content-Disposition", `attachment; filename="${name}.ics"`)
      .send(renderICalendar(timeline));
  };
  app.post("/v1/timelines", requireJson, parseJsonBody, (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/calendar"]);
    if (format === "text/calendar") {
      sendCalendar(res, req.body);
      return;
    }
    const timeline = timelineFrom(req.body);
    const body: Schemas["Timeline"] = { ...timeline, edition: editionRef(timeline.edition) };
    res.json(body);
  });
  app.post("/v1/timelines.ics", requireJson, parseJsonBody, (req, res) => sendCalendar(res, req.body));
  // A link a calendar or a browser can follow: the same request as query parameters.
  app.get("/v1/timelines.ics", (req, res) => {
    const body: Record<string, unknown> = {};
    const dates: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const [k, v] of Object.entries(req.query)) {
      if ((DATE_NAMES as readonly string[]).includes(k)) dates[k] = v;
      else if (k === "done") body.done = Array.isArray(v) ? v : String(v).split(",");
      else if (["edition", "asOf", "agreedExtension", "reference"].includes(k)) body[k] = v;
      else unknown.push(k);
    }
    if (unknown.length) {
      throw ProblemError.invalid(
        unknown.map((k) => ({ pointer: k, detail: `"${k}" is not a parameter of this resource` })),
      );
    }
    body.dates = dates;
    sendCalendar(res, body);
  });
  app.all("/v1/timelines", methodNotAllowed("POST"));
  app.all("/v1/timelines.ics", methodNotAllowed("GET, POST"));
  app.all(
    ["/v1/rulesets", "/v1/rulesets/:edition", "/healthz", "/readyz", "/openapi.yaml"],
    methodNotAllowed("GET, HEAD"),
  );

  // Decision records (issue 7).
  app.use(casesRouter(service, options.records, parseJsonBody, requireJson));

  // Quality assurance of a finished review and its action plan (issue 5).
  app.use(qualityRouter(service.quality, parseJsonBody, requireJson));
  app.all(["/v1/quality-assurance", "/v1/action-plans/check"], methodNotAllowed("POST"));

  // The questionnaire and result pages, and their assets (issue 4).
  app.use(assetsRouter());
  // One limiter for every page form, like /v1's.
  const pageGuard = options.rateLimitPerMinute ? rateLimiter(options.rateLimitPerMinute) : undefined;
  app.use(createPages(service, pageGuard));
  app.use(qualityPages(service, pageGuard));
  app.use(casePages(service, options.records, pageGuard));
  app.all(["/", "/quality-assurance", "/action-plans"], methodNotAllowed("GET, POST"));

  app.use((req, _res, next) => {
    next(
      new ProblemError(404, "not-found", `there is nothing at ${req.path}; see /openapi.yaml for the routes`),
    );
  });
  app.use(problemHandler);
  return app;
}
