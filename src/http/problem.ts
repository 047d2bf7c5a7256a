/**
 * The one place errors become API responses: RFC 9457 problem+json. A domain error (src/errors.ts)
 * maps to its status here; the HTTP layer's own refusals (no key, wrong method, wrong media type,
 * a body too large or not JSON) are HttpProblems. Anything else is a 500 with a generic sentence:
 * the stack goes to the operator's log, never to the client.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import { DomainError, InvalidInput, type FieldError } from "../errors.js";
import { BODY_LIMIT_WORDS } from "../config.js";
import { logUnhandled } from "../middleware/logging.js";
import { Refusal, type RefusalKind } from "../middleware/refusal.js";

const REFUSAL_TYPE: Record<RefusalKind, ProblemType> = {
  misdirected: "misdirected-request",
  "too-many-requests": "too-many-requests",
  "cross-site": "forbidden",
  unauthorized: "unauthorized",
};

export type ProblemType =
  | "invalid-request"
  | "malformed-json"
  | "unsupported-media-type"
  | "payload-too-large"
  | "not-found"
  | "method-not-allowed"
  | "not-acceptable"
  | "date-out-of-range"
  | "conflict"
  | "unauthorized"
  | "forbidden"
  | "misdirected-request"
  | "too-many-requests"
  | "unavailable"
  | "timeout"
  | "internal";

const TITLES: Record<ProblemType, string> = {
  "invalid-request": "The request is not valid",
  "malformed-json": "The request body is not valid JSON",
  "unsupported-media-type": "The request body must be JSON",
  "payload-too-large": "The request body is too large",
  "not-found": "Not found",
  "method-not-allowed": "Method not allowed",
  "not-acceptable": "No acceptable representation",
  "date-out-of-range": "A date is outside the working-day calendar",
  conflict: "Already exists",
  unauthorized: "Authentication is required",
  forbidden: "Not allowed",
  "misdirected-request": "This is not the service's address",
  "too-many-requests": "Too many requests",
  unavailable: "The service is unavailable",
  timeout: "The request took too long",
  internal: "Internal error",
};

/** A refusal of the HTTP layer itself, before any operation runs. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: ProblemType,
    detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

const DOMAIN_STATUS: Record<DomainError["kind"], [number, ProblemType]> = {
  invalid: [400, "invalid-request"],
  "not-found": [404, "not-found"],
  conflict: [409, "conflict"],
  forbidden: [403, "forbidden"],
  unavailable: [503, "unavailable"],
};

/** A domain error as the HTTP layer reports it. */
function fromDomain(e: DomainError): HttpProblem {
  const [status, type] = DOMAIN_STATUS[e.kind];
  return new HttpProblem(status, e instanceof InvalidInput ? e.code : type, e.message, e.errors);
}

/**
 * The representation a request accepts among `types` (the first is the default), or a 406
 * problem naming what is available. Sets Vary: Accept.
 */
export function negotiate<T extends string>(req: Request, res: Response, types: [T, ...T[]]): T {
  const format = req.accepts(types);
  if (!format) {
    throw new HttpProblem(406, "not-acceptable", `this resource is available as ${types.join(" or ")}`);
  }
  res.vary("Accept");
  return format as T;
}

/** Only JSON bodies are read; anything else is refused before parsing (415). */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  if (!hasBody) {
    next(new InvalidInput([{ pointer: "", detail: "a JSON body is required" }]));
    return;
  }
  if (!req.is(["application/json", "application/*+json"])) {
    next(
      new HttpProblem(
        415,
        "unsupported-media-type",
        `the request body must be application/json, not ${req.headers["content-type"] ?? "untyped"}`,
      ),
    );
    return;
  }
  next();
}

/** 405 with Allow, for a path that exists under other methods. */
export function methodNotAllowed(allowed: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader("Allow", allowed);
    next(new HttpProblem(405, "method-not-allowed", `${req.method} is not allowed here; use ${allowed}`));
  };
}

const PROBLEM_BASE = "https://threshold.invalid/problems/";

function sendProblem(res: Response, e: HttpProblem, instance?: string): void {
  res
    .status(e.status)
    .type("application/problem+json")
    .json({
      type: `${PROBLEM_BASE}${e.type}`,
      title: TITLES[e.type],
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

/**
 * Errors that are a client's mistake whatever adapter met them: the domain's, the HTTP layer's,
 * a body parser's (by its documented `type`), a path the router could not percent-decode. Null
 * for anything else, which is the service's fault.
 */
function clientProblem(err: unknown): HttpProblem | null {
  if (err instanceof HttpProblem) return err;
  if (err instanceof Refusal) return new HttpProblem(err.status, REFUSAL_TYPE[err.kind], err.message);
  if (err instanceof DomainError) return fromDomain(err);
  if (err instanceof URIError) {
    return new HttpProblem(400, "invalid-request", "the path is not validly percent-encoded", [
      { pointer: "path", detail: "is not validly percent-encoded" },
    ]);
  }
  const b = (err ?? {}) as BodyParserError;
  switch (b.type) {
    case "entity.too.large":
      return new HttpProblem(
        413,
        "payload-too-large",
        `the request body must be at most ${BODY_LIMIT_WORDS}`,
      );
    case "entity.parse.failed":
      return new HttpProblem(400, "malformed-json", "the request body is not valid JSON", [
        { pointer: "", detail: "is not valid JSON" },
      ]);
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpProblem(415, "unsupported-media-type", "the request body must be JSON in UTF-8");
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new HttpProblem(400, "invalid-request", "the request body could not be read");
    default:
      return b.expose && typeof b.status === "number" && b.status >= 400 && b.status < 500
        ? new HttpProblem(b.status, "invalid-request", "the request could not be read")
        : null;
  }
}

export const problemHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const problem = clientProblem(err);
  if (err instanceof Refusal) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  if (problem) {
    sendProblem(res, problem, req.originalUrl.split("?")[0]);
    return;
  }
  logUnhandled(req, err);
  sendProblem(res, new HttpProblem(500, "internal", "the service could not answer this request"));
};

/**
 * A request Node's HTTP parser cannot read (bytes after a request that said it had no body, a
 * malformed request line, headers too large) never reaches the app: Node answers with a bare 400.
 * This answers it as problem+json instead, on the raw socket, and closes the connection.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: import("node:stream").Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    type: `${PROBLEM_BASE}invalid-request`,
    title: TITLES["invalid-request"],
    status,
    detail: tooLarge ? "the request's headers are too large" : "the request is not valid HTTP",
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
      "Content-Type: application/problem+json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
