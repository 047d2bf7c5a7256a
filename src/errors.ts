/**
 * The domain's errors: the few things an operation can refuse, whoever asked and however. The
 * service (src/service.ts) and the features below it throw only these; each adapter maps them once:
 * the JSON API to RFC 9457 problem+json (src/http/problem.ts), the pages to GOV.UK error summaries
 * and error pages (src/web/errors.ts). Start-up has its own: a rule file that cannot be loaded.
 */
export interface FieldError {
  /** JSON Pointer (RFC 6901) to the offending member of the request body, or a parameter name. */
  pointer: string;
  detail: string;
}

/**
 * A refusal is an answer, not a fault: its stack is never shown or logged (logUnhandled logs only
 * what is not a DomainError), so none is captured. Capturing one cost some 19 µs a refused request,
 * more than the contract's whole check of a body: a flood of bad requests should cost the service
 * no more than good ones.
 */
let keptStackTraceLimit = Error.stackTraceLimit;
function withoutStack(detail: string): string {
  keptStackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return detail;
}

export abstract class DomainError extends Error {
  abstract readonly kind: "invalid" | "not-found" | "conflict" | "forbidden" | "unavailable";
  constructor(
    detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(withoutStack(detail));
    Error.stackTraceLimit = keptStackTraceLimit;
    this.name = new.target.name;
  }
}

/**
 * The input is not acceptable; `errors` names each field. `code` says why when a client can act
 * on the difference: a date outside the working-day calendar is a valid date the service cannot
 * count from, not a malformed one.
 */
export class InvalidInput extends DomainError {
  readonly kind = "invalid";
  constructor(
    errors: FieldError[],
    readonly code: "invalid-request" | "date-out-of-range" = "invalid-request",
    detail = errors.map((e) => `${e.pointer || "(body)"}: ${e.detail}`).join("; "),
  ) {
    super(detail, errors);
  }
}

export class NotFound extends DomainError {
  readonly kind = "not-found";
}

/** The thing to create exists already (a case reference is used once). */
export class Conflict extends DomainError {
  readonly kind = "conflict";
}

/** The actor may not do this; `missingRole` names the role that would allow it, when one would. */
export class Forbidden extends DomainError {
  readonly kind = "forbidden";
  constructor(
    detail: string,
    readonly missingRole?: "member" | "chair",
  ) {
    super(detail);
  }
}

/** A part the operation needs is not there (records not configured, shutting down). */
export class Unavailable extends DomainError {
  readonly kind = "unavailable";
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
