/**
 * Wiring, and nothing else: the service seam over the loaded rules and the records, with the JSON
 * API and the pages on top of it, side by side. Each adapter maps errors in its own one place;
 * a path neither answers is a "page not found" page for a browser (it asks for text/html), and a
 * problem+json 404 under /v1 and for every other client.
 */
import express from "express";
import type { Logger } from "pino";
import { OidcSignIn } from "./auth/oidc.js";
import type { SessionStore } from "./auth/sessions.js";
import type { CaseFileOptions } from "./cases/case-timeline.js";
import type { RecordStore } from "./cases/store.js";
import { BODY_LIMIT_BYTES, type ApiKey, type OidcConfig } from "./config.js";
import type { Core } from "./core.js";
import { NotFound } from "./errors.js";
import { apiRouter } from "./http/api.js";
import { problemHandler } from "./http/problem.js";
import { hostGuard, ownAddress } from "./middleware/hosts.js";
import { requestLog } from "./middleware/logging.js";
import { rateLimits } from "./middleware/rate-limit.js";
import { cookieNames, sessionReader } from "./middleware/session.js";
import { securityHeaders } from "./middleware/security-headers.js";
import { createService } from "./service.js";
import { API_PATH } from "./web/access.js";
import { csrfTokens } from "./web/csrf.js";
import { pageErrors, pageNotFound, pagesRouter } from "./web/pages.js";

export interface AppOptions {
  bodyLimit?: number;
  /** API keys with their roles (a bare hash's, config.ts's bareHashKey, has every role). */
  apiKeys?: readonly ApiKey[];
  /** The address people use; without it, only loopback names on the listening port are served. */
  publicUrl?: URL;
  /** Sign-in with the board's identity provider, and where its sessions are kept. */
  signIn?: { oidc: OidcConfig; sessions: SessionStore };
  /** Requests per identity per minute, pages and /v1 alike; 0 or absent turns rate limiting off. */
  rateLimitPerMinute?: number;
  /** Requests per client address per minute, before authentication (default 4 × the above). */
  rateLimitPerAddressPerMinute?: number;
  trustProxy?: string | number | boolean;
  logger?: Logger;
  /** The decision records; absent, case operations answer 503. */
  records?: RecordStore;
  /** How the case file counts due-soon deadlines and retention (default 5 working days, 15 years). */
  caseFile?: CaseFileOptions;
  /** Set draining when shutting down: /readyz then answers 503 and connections close after each response. */
  lifecycle?: { draining: boolean };
}

/** A browser's request for a page: not the API's path, and asking for HTML by name. */
const wantsPage = (req: express.Request) =>
  !API_PATH.test(req.path) && /\btext\/html\b/.test(req.headers.accept ?? "");

export function createApp(core: Core, options: AppOptions = {}): express.Express {
  const keys = options.apiKeys ?? [];
  // With keys or sign-in configured, a case needs one of them; with neither (loopback only, as
  // config.ts insists), anyone on this machine may use cases.
  const service = createService(core, {
    ...(options.records ? { records: options.records } : {}),
    ...(options.caseFile ? { caseFile: options.caseFile } : {}),
    anyoneMayUseCases: keys.length === 0 && !options.signIn,
  });
  if (options.signIn && !options.publicUrl)
    throw new Error("sign-in needs the public URL (its callback's address)");
  const own = ownAddress(options.publicUrl);
  const cookies = cookieNames(options.publicUrl?.protocol === "https:");
  const readSession = sessionReader(options.signIn?.sessions, cookies);
  const perMinute = options.rateLimitPerMinute ?? 0;
  const limits = rateLimits(perMinute, options.rateLimitPerAddressPerMinute ?? perMinute * 4);
  const signIn = !!options.signIn;
  const lifecycle = options.lifecycle ?? { draining: false };
  const app = express();
  app.disable("x-powered-by");
  // Answers to POSTs are never cached: hashing every body for an ETag is wasted work.
  app.set("etag", false);
  app.set("trust proxy", options.trustProxy ?? false);
  app.set("json spaces", 0);

  app.use(requestLog(options.logger));
  app.use(securityHeaders());
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    if (lifecycle.draining) res.setHeader("Connection", "close");
    next();
  });
  // Before anything else: a foreign Host is refused (DNS rebinding), then every request counts
  // against its address, before anyone is identified.
  app.use(hostGuard(own), limits.byAddress);

  app.use(
    apiRouter(service, {
      bodyLimit: options.bodyLimit ?? BODY_LIMIT_BYTES,
      access: { keys, signIn, readSession, own },
      limits,
      lifecycle,
    }),
  );
  app.use(
    pagesRouter(service, {
      access: { signIn, readSession, own, csrf: csrfTokens(cookies) },
      limits,
      ...(options.signIn
        ? {
            signIn: {
              oidc: new OidcSignIn(options.signIn.oidc, new URL("/auth/callback", options.publicUrl)),
              sessions: options.signIn.sessions,
              cookies,
              publicUrl: options.publicUrl!,
              readSession,
              own,
              ...(options.logger ? { logger: options.logger } : {}),
            },
          }
        : {}),
    }),
  );

  const notFoundPage = pageNotFound(service);
  app.use((req, res, next) => {
    // A page for a browser, which asks for HTML by name; problem+json for every other client.
    if (!wantsPage(req)) {
      next(new NotFound(`there is nothing at ${req.path}; see /openapi.yaml for the routes`));
      return;
    }
    notFoundPage(req, res, next);
  });
  // What was refused before either adapter ran (a foreign Host, too many requests from an address)
  // is answered like the rest: a page for a browser, problem+json for everyone else.
  const pageError = pageErrors(service);
  app.use((err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (wantsPage(req)) {
      pageError(err, req, res, next);
      return;
    }
    problemHandler(err, req, res, next);
  });
  return app;
}
