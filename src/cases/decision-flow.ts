/**
 * Recording a chair's decision properly (issue 14): what is checked before anything is stored, and
 * what the chair sees before confirming it.
 *
 * - The decision's date may not be in the future (a record of a decision not yet taken is not a
 *   record) nor before the referral the advice was given on (the decision answers that referral).
 *   "Today" is the date in England and Wales (Europe/London), where the boards sit.
 * - Whether the decision departs from the advice is worked out before it is stored (decisions.ts
 *   `departure`), so the chair reads the guidance's words on why a departure needs reasons (004
 *   §5.4) while the reasons can still be written, not after.
 * - Double submission is harmless: a request carries an idempotency key (a form's hidden field,
 *   or the API's Idempotency-Key header); the same key returns the first record again and adds
 *   nothing; the same key with a different request is refused. What identifies "the same request"
 *   is the SHA-256 of its canonical JSON (RFC 8785), never the request itself, so no free text is
 *   kept twice.
 */
import { createHash } from "node:crypto";
import canonicalizeModule from "canonicalize";
import type { FieldError } from "../errors.js";
import { longDate } from "./views.js";

// canonicalize 2 is CommonJS whose types declare an ES default export (as in store.ts).
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** The date today where the boards sit (England and Wales), as YYYY-MM-DD. */
export function todayInEngland(now: Date = new Date()): string {
  // en-CA formats a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

/**
 * What is wrong with a decision's date, as field errors naming /decidedOn: in the future, or before
 * the referral to the sub-group (when the advice was given with one).
 */
export function decisionDateErrors(
  decidedOn: string,
  referral: string | undefined,
  today: string,
): FieldError[] {
  if (decidedOn > today)
    return [
      {
        pointer: "/decidedOn",
        detail: `must not be in the future: a decision is recorded once it is made (today is ${longDate(today)})`,
      },
    ];
  if (referral && decidedOn < referral)
    return [
      {
        pointer: "/decidedOn",
        detail: `must not be before the referral to the sub-group (${longDate(referral)}), which the decision answers`,
      },
    ];
  return [];
}

/**
 * An idempotency key as sent: a form's hidden field or the Idempotency-Key header (a Structured
 * Field string, so surrounding quotes are taken off). Visible ASCII, 1 to 255 characters, as the
 * IETF draft (draft-ietf-httpapi-idempotency-key-header) expects of a UUID or similar. Undefined
 * when none was sent; a FieldError when one was sent that cannot be a key.
 */
export function readIdempotencyKey(raw: unknown, pointer: string): string | undefined | FieldError {
  if (raw === undefined || raw === "") return undefined;
  const text = typeof raw === "string" ? raw.trim().replace(/^"(.*)"$/, "$1") : "";
  if (!/^[\x21-\x7e]{1,255}$/.test(text))
    return { pointer, detail: "must be 1 to 255 visible ASCII characters, such as a UUID" };
  return text;
}

/** What identifies a request for its idempotency key: the SHA-256 of its canonical JSON. */
export function requestHash(body: unknown): string {
  return `sha256:${createHash("sha256")
    .update(canonicalize(body ?? null) ?? "null")
    .digest("hex")}`;
}

/** An idempotency key as a record operation carries it to the store. */
export interface Idempotency {
  key: string;
  requestHash: string;
}
