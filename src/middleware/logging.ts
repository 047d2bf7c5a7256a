/**
 * Structured JSON logs (pino): one line per request with its id, method, route, status and
 * duration. Never a request body, query string, header value or answer: the service needs no
 * personal data and its logs must not become a store of it.
 */
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "threshold" }, timestamp: pino.stdTimeFunctions.isoTime });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module "express-serve-static-core" {
  interface Request {
    id?: string;
  }
}

/** Gives every request an id (the caller's X-Request-Id when well formed), echoed in the response. */
export function requestLog(logger: Logger | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers["x-request-id"];
    req.id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", req.id);
    if (logger) {
      const start = process.hrtime.bigint();
      res.on("finish", () => {
        logger.info({
          reqId: req.id,
          method: req.method,
          // The route pattern, not the URL: no query strings, no path values beyond the pattern.
          route: req.route?.path ?? "(unmatched)",
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100,
        });
      });
    }
    next();
  };
}

/**
 * Something an operator should know that is not a request's fault nor the service's (a provider
 * unreachable, a sign-in refused), as one JSON line where they look, with no personal data: what
 * happened and the library's reason, never a token, a claim or a body.
 */
export function logEvent(
  logger: Logger | undefined,
  level: "warn" | "error",
  msg: string,
  fields: Record<string, string> = {},
): void {
  // Through the service's logger (its level, time and service name) when there is one.
  if (logger) logger[level](fields, msg);
  else console.error(JSON.stringify({ level, msg, ...fields }));
}

/**
 * An error that is the service's fault, logged where the operator looks: where it happened and its
 * stack, never the request's body or query. Both adapters call this before their generic answer.
 */
export function logUnhandled(req: Request, err: unknown): void {
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      method: req.method,
      path: req.path,
      error: err instanceof Error ? err.stack : String(err),
    }),
  );
}
