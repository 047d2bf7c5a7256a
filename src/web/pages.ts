/**
 * The pages: the questionnaire and its advice, the case pages, quality assurance and the action
 * plan, with their assets. Server-rendered with Nunjucks and GOV.UK Frontend; every form post is
 * rate limited like /v1; every error ends as a GOV.UK error page in one place (errorPages in errors.ts).
 */
import path from "node:path";
import express, { type RequestHandler } from "express";
import { BODY_LIMIT_BYTES, projectRoot } from "../config.js";
import { rateLimiter } from "../middleware/rate-limit.js";
import type { Service } from "../service.js";
import { assessmentPages } from "../assessments/web.js";
import { casePages } from "../cases/web.js";
import { qualityPages } from "../quality/web.js";
import { errorPages } from "./errors.js";
import { defaultFooter } from "./views.js";

export interface PagesOptions {
  /** Form posts per client per minute; 0 or absent turns rate limiting off. */
  rateLimitPerMinute?: number;
}

/** What every feature's pages share: the form body parser and the rate limit on posts. */
export interface PageForms {
  form: RequestHandler;
  guarded: RequestHandler[];
}

function assetsRouter(): express.Router {
  const root = projectRoot();
  const router = express.Router();
  const files: Record<string, string> = {
    "/assets/threshold.css": path.join(root, "public", "threshold.css"),
    "/assets/questionnaire.js": path.join(root, "public", "questionnaire.js"),
    "/assets/govuk/govuk-frontend.min.js": path.join(
      root,
      "node_modules",
      "govuk-frontend",
      "dist",
      "govuk",
      "govuk-frontend.min.js",
    ),
  };
  for (const [route, file] of Object.entries(files)) {
    router.get(route, (_req, res) => {
      res.setHeader("Cache-Control", "public, max-age=3600");
      res.sendFile(file);
    });
  }
  return router;
}

export function pagesRouter(service: Service, options: PagesOptions = {}): express.Router {
  const router = express.Router();
  const errors = errorPages(defaultFooter(service.library));
  const perMinute = options.rateLimitPerMinute;
  const forms: PageForms = {
    form: express.urlencoded({ extended: false, limit: BODY_LIMIT_BYTES, parameterLimit: 200 }),
    guarded: perMinute ? [rateLimiter(perMinute, (res) => errors.send(res, 429))] : [],
  };
  router.use(assetsRouter());
  router.use(assessmentPages(service, forms));
  router.use(qualityPages(service, forms));
  router.use(casePages(service, forms));
  router.all(["/", "/quality-assurance", "/action-plans"], errors.methodNotAllowed("GET, POST"));
  router.use(errors.handler);
  return router;
}

/** The page for a path nothing answers. */
export function pageNotFound(service: Service): RequestHandler {
  const errors = errorPages(defaultFooter(service.library));
  return (_req, res) => errors.send(res, 404);
}
