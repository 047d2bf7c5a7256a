/**
 * The one place errors become responses: RFC 9457 problem+json. A client's mistake is a 4xx naming
 * the field; anything else is a 500 with no detail beyond a generic sentence (the stack goes to the
 * operator's log, never to the client).
 */
import type { ErrorRequestHandler, Request, Response } from "express";
import { ProblemError } from "../errors.js";

/**
 * The representation a request accepts among `types` (the first is the default), or a 406
 * problem naming what is available. Sets Vary: Accept.
 */
export function negotiate<T extends string>(req: Request, res: Response, types: [T, ...T[]]): T {
  const format = req.accepts(types);
  if (!format) {
    throw new ProblemError(406, "not-acceptable", `this resource is available as ${types.join(" or ")}`);
  }
  res.vary("Accept");
  return format as T;
}

export const PROBLEM_BASE = "https://threshold.invalid/problems/";

export function sendProblem(res: Response, e: ProblemError, instance?: string): void {
  res
    .status(e.status)
    .type("application/problem+json")
    .json({
      type: `${PROBLEM_BASE}${e.type}`,
      title: e.title,
      status: e.status,
      detail: e.message,
      ...(instance ? { instance } : {}),
      ...(e.errors.length ? { errors: e.errors } : {}),
    });
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Errors from express.json(), by their documented `type`. */
function fromBodyParser(err: BodyParserError): ProblemError | null {
  switch (err.type) {
    case "entity.too.large":
      return new ProblemError(413, "payload-too-large", "the request body must be at most 100 kB");
    case "entity.parse.failed":
      return new ProblemError(400, "malformed-json", "the request body is not valid JSON", [
        { pointer: "", detail: "is not valid JSON" },
      ]);
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ProblemError(415, "unsupported-media-type", "the request body must be JSON in UTF-8");
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new ProblemError(400, "invalid-request", "the request body could not be read");
    default:
      return err.expose && typeof err.status === "number" && err.status >= 400 && err.status < 500
        ? new ProblemError(err.status, "invalid-request", "the request could not be read")
        : null;
  }
}

export const problemHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const problem =
    err instanceof ProblemError
      ? err
      : err instanceof URIError
        ? // The router could not percent-decode a path segment.
          new ProblemError(400, "invalid-request", "the path is not validly percent-encoded", [
            { pointer: "path", detail: "is not validly percent-encoded" },
          ])
        : (fromBodyParser(err as BodyParserError) ?? null);
  if (problem) {
    sendProblem(res, problem, req.originalUrl.split("?")[0]);
    return;
  }
  // Not a client's mistake: log the error (never the request body) and answer generically.
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      method: req.method,
      path: req.path,
      error: err instanceof Error ? err.stack : String(err),
    }),
  );
  sendProblem(res, new ProblemError(500, "internal", "the service could not answer this request"));
};
