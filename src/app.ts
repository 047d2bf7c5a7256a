/**
 * Wiring, and nothing else: the service seam over the loaded rules and the records, with the JSON
 * API and the pages on top of it, side by side. Each adapter maps errors in its own one place;
 * a path neither answers is a "page not found" page for a browser (it asks for text/html), and a
 * problem+json 404 under /v1 and for every other client.
 */
import express from "express";
import type { Logger } from "pino";
import type { RecordStore } from "./cases/store.js";
import { BODY_LIMIT_BYTES } from "./config.js";
import type { Core } from "./core.js";
import { NotFound } from "./errors.js";
import { apiRouter } from "./http/api.js";
import { problemHandler } from "./http/problem.js";
import { requestLog } from "./middleware/logging.js";
import { securityHeaders } from "./middleware/security-headers.js";
import { createService } from "./service.js";
import { pageNotFound, pagesRouter } from "./web/pages.js";

export interface AppOptions {
  bodyLimit?: number;
  /** SHA-256 hashes (hex) of the API keys; none means /v1 is open (and the server binds loopback). */
  apiKeyHashes?: readonly string[];
  /** Requests per client per minute on /v1 and on page forms; 0 or absent turns rate limiting off. */
  rateLimitPerMinute?: number;
  trustProxy?: string | number | boolean;
  logger?: Logger;
  /** The decision records; absent, case operations answer 503. */
  records?: RecordStore;
  /** Set draining when shutting down: /readyz then answers 503 and connections close after each response. */
  lifecycle?: { draining: boolean };
}

/** Paths that belong to the API whatever the client accepts. */
const API_PATH = /^\/(v1(\/|$)|healthz$|readyz$|openapi\.yaml$)/;

export function createApp(core: Core, options: AppOptions = {}): express.Express {
  // Configured keys are what lets the service listen beyond loopback (config.ts): from then on a
  // case needs a key.
  const service = createService(core, {
    ...(options.records ? { records: options.records } : {}),
    anyoneMayUseCases: !options.apiKeyHashes?.length,
  });
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

  app.use(
    apiRouter(service, {
      bodyLimit: options.bodyLimit ?? BODY_LIMIT_BYTES,
      ...(options.apiKeyHashes ? { apiKeyHashes: options.apiKeyHashes } : {}),
      ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
      lifecycle,
    }),
  );
  app.use(
    pagesRouter(
      service,
      options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {},
    ),
  );

  const notFoundPage = pageNotFound(service);
  app.use((req, res, next) => {
    // A page for a browser, which asks for HTML by name; problem+json for every other client.
    if (API_PATH.test(req.path) || !/\btext\/html\b/.test(req.headers.accept ?? "")) {
      next(new NotFound(`there is nothing at ${req.path}; see /openapi.yaml for the routes`));
      return;
    }
    notFoundPage(req, res, next);
  });
  app.use(problemHandler);
  return app;
}
