/**
 * The one error type the service raises for anything a client or an operator can act on.
 * The HTTP layer turns it into RFC 9457 problem+json in one place (src/http/problem.ts);
 * start-up turns it into one clear line naming the file and field (src/main.ts).
 */
export interface FieldError {
  /** JSON Pointer (RFC 6901) to the offending member of the request body, or a parameter name. */
  pointer: string;
  detail: string;
}

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
  "too-many-requests": "Too many requests",
  unavailable: "The service is shutting down",
  timeout: "The request took too long",
  internal: "Internal error",
};

export class ProblemError extends Error {
  readonly type: ProblemType;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[];

  constructor(status: number, type: ProblemType, detail: string, errors: FieldError[] = []) {
    super(detail);
    this.name = "ProblemError";
    this.status = status;
    this.type = type;
    this.title = TITLES[type];
    this.errors = errors;
  }

  static invalid(errors: FieldError[]): ProblemError {
    const detail = errors.map((e) => `${e.pointer || "(body)"}: ${e.detail}`).join("; ");
    return new ProblemError(400, "invalid-request", detail, errors);
  }
}

/** A rule file that cannot be loaded: start-up stops with the file and the field named. */
export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field || "(file)"}: ${problem}`);
    this.name = "RuleFileError";
  }
}
