/**
 * A request refused before any operation runs, for a reason neither adapter owns: a Host that is
 * not this service's (421), too many requests (429), a cross-site form (403), a page that needs
 * sign-in (401). Each adapter's error handler answers it in its own way: problem+json for the API,
 * a GOV.UK page for a browser.
 */
export type RefusalKind = "misdirected" | "too-many-requests" | "cross-site" | "unauthorized";

const STATUS: Record<RefusalKind, number> = {
  misdirected: 421,
  "too-many-requests": 429,
  "cross-site": 403,
  unauthorized: 401,
};

export class Refusal extends Error {
  readonly status: number;
  constructor(
    readonly kind: RefusalKind,
    detail: string,
    /** Response headers that go with it (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "Refusal";
    this.status = STATUS[kind];
  }
}
