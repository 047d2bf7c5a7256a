/**
 * The pages: the questionnaire and its advice, the case pages, quality assurance and the action
 * plan, and signing in and out, with their assets. Server-rendered with Nunjucks and GOV.UK
 * Frontend. Before any page: who is asking (access.ts: the signed-in person, a redirect to sign in,
 * or anyone on loopback), the same-origin check on form posts, and the rate limit per identity
 * shared with /v1; every form's CSRF token is checked as its body is read. Every error ends as a
 * GOV.UK error page in one place (errorPages in errors.ts).
 */
import path from "node:path";
import express, { type Request, type RequestHandler, type Response } from "express";
import { BODY_LIMIT_BYTES, projectRoot } from "../config.js";
import type { RateLimits } from "../middleware/rate-limit.js";
import type { Refusal } from "../middleware/refusal.js";
import type { Service } from "../service.js";
import { authPages, type SignInParts } from "../auth/web.js";
import { assessmentPages } from "../assessments/web.js";
import { caseFilePages, casePages } from "../cases/web.js";
import { qualityPages } from "../quality/web.js";
import { pageGate, type PageAccess } from "./access.js";
import { errorPages } from "./errors.js";
import { defaultFooter } from "./views.js";

export interface PagesOptions {
  access: PageAccess;
  /** The rate limit per identity, shared with /v1 (the one per address runs before). */
  limits: RateLimits;
  /** Sign-in with the board's identity provider, when configured. */
  signIn?: SignInParts;
}

/**
 * What every feature's pages share: the form body parser, which also checks the form's CSRF
 * token; and `verify`, the same check for a form whose body the page reads itself (a file upload).
 * The gate and the rate limits run before every page, so no post needs handlers of its own.
 */
export interface PageForms {
  form: RequestHandler;
  verify: (req: Request, res: Response) => Refusal | null;
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

export function pagesRouter(service: Service, options: PagesOptions): express.Router {
  const router = express.Router();
  const errors = errorPages(defaultFooter(service.library));
  const urlencoded = express.urlencoded({ extended: false, limit: BODY_LIMIT_BYTES, parameterLimit: 200 });
  const verify = options.access.csrf.check;
  const forms: PageForms = {
    form: (req, res, next) =>
      urlencoded(req, res, (err?: unknown) => {
        if (err) return next(err);
        const refused = verify(req, res);
        if (refused) return next(refused);
        next();
      }),
    verify,
  };
  router.use(assetsRouter());
  if (options.signIn) router.use(authPages(service, options.signIn, forms));
  router.use(pageGate(options.access), options.limits.byIdentity);
  router.use(assessmentPages(service, forms));
  router.use(qualityPages(service, forms));
  router.use(caseFilePages(service, forms));
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

/** Error pages for what is refused before any page runs (a foreign Host, too many requests). */
export function pageErrors(service: Service) {
  return errorPages(defaultFooter(service.library)).handler;
}
