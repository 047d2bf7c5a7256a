/**
 * The one place errors become pages: a form's invalid input becomes GOV.UK error messages beside
 * its fields (each page maps pointers to its own fields with `formErrors`), and anything else an
 * error page in the GOV.UK patterns, with the status the API would give. The stack of an error
 * that is the service's fault goes to the operator's log, never to the page.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import { DomainError, Forbidden, InvalidInput, type FieldError } from "../errors.js";
import { BODY_LIMIT_WORDS } from "../config.js";
import { logUnhandled } from "../middleware/logging.js";
import { Refusal } from "../middleware/refusal.js";
import { signInHref } from "./access.js";
import { createViews } from "./views.js";

export interface FormError {
  /** The id of the element the error summary links to. */
  href: string;
  field: string;
  text: string;
}

/**
 * Invalid input as a form's errors. `place` says, for a field error's JSON Pointer, which field
 * of the form it belongs to and how to name it; null leaves it to the page's top.
 */
export function formErrors(
  e: InvalidInput,
  place: (pointer: string) => { field: string; href: string; label: string } | null,
): FormError[] {
  return e.errors.map((f: FieldError) => {
    const at = place(f.pointer);
    return at
      ? { field: at.field, href: at.href, text: `${at.label} ${f.detail}` }
      : { field: "", href: "#main-content", text: f.detail };
  });
}

const PAGES: Record<number, { heading: string; paragraphs: string[] }> = {
  400: {
    heading: "There is a problem with what was sent",
    paragraphs: ["The page could not use what it was sent. Go back, check the answers and try again."],
  },
  401: {
    heading: "Sign in to use Threshold",
    paragraphs: [
      "You need to sign in with your organisation's account. Anything you sent has not been saved.",
    ],
  },
  403: { heading: "You cannot do this", paragraphs: ["You do not have permission to do this."] },
  404: {
    heading: "Page not found",
    paragraphs: [
      "If you typed the web address, check it is correct.",
      "If you pasted the web address, check you copied the entire address.",
    ],
  },
  405: {
    heading: "This page cannot be used like that",
    paragraphs: ["Go back and use the page's own form."],
  },
  409: { heading: "That already exists", paragraphs: ["Go back and use another reference."] },
  413: {
    heading: "What was sent is too large",
    paragraphs: [`A form or file may be at most ${BODY_LIMIT_WORDS}.`],
  },
  421: {
    heading: "This is not Threshold's address",
    paragraphs: [
      "The page was asked for under an address that is not this service's. Use the service's own address.",
    ],
  },
  429: { heading: "Too many requests", paragraphs: ["Wait a minute, then try again."] },
  503: { heading: "Sorry, the service is unavailable", paragraphs: ["Try again later."] },
  500: {
    heading: "Sorry, there is a problem with the service",
    paragraphs: ["Try again later. Nothing you entered has been saved unless the case page showed it."],
  },
};

const DOMAIN_STATUS: Record<DomainError["kind"], number> = {
  invalid: 400,
  "not-found": 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
};

/** The pages' error pages, each naming the rule set in its footer like every other page. */
export function errorPages(footer: { version: string; hash: string }) {
  /** An error page with its status; `details` say what to do about it. */
  const send = (res: Response, status: number, details: string[] = [], signIn?: string): void => {
    const page = PAGES[status] ?? PAGES[status >= 500 ? 500 : 400]!;
    res
      .status(status)
      .type("html")
      .send(
        createViews().render("error.njk", {
          title: page.heading,
          heading: page.heading,
          paragraphs: page.paragraphs,
          details,
          signInHref: signIn,
          cspNonce: res.locals.cspNonce,
          ruleset: footer,
        }),
      );
  };

  /** 405 with Allow, as a page. */
  const methodNotAllowed =
    (allowed: string) =>
    (_req: Request, res: Response): void => {
      res.setHeader("Allow", allowed);
      send(res, 405);
    };

  /** The error handler: domain errors by kind, a client's malformed request as 400 or 413. */
  const handler: ErrorRequestHandler = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof Refusal) {
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      send(res, err.status, [err.message], err.kind === "unauthorized" ? signInHref(req) : undefined);
      return;
    }
    if (err instanceof DomainError) {
      // What to do about it: the fields at fault, or why the service refused and what role is missing.
      const details =
        err instanceof InvalidInput
          ? err.errors.map((e) => e.detail)
          : err instanceof Forbidden
            ? [
                err.message,
                ...(err.missingRole
                  ? [
                      `You need the ${err.missingRole} role. Ask whoever runs your board's sign-in to give it to you.`,
                    ]
                  : []),
              ]
            : // An outage says why (a full disk: nothing was recorded).
              err.kind === "unavailable"
              ? [err.message]
              : [];
      send(res, DOMAIN_STATUS[err.kind], details);
      return;
    }
    if (err instanceof URIError) {
      send(res, 404);
      return;
    }
    const e = (err ?? {}) as ClientHttpError;
    if (e.type === "entity.too.large") {
      send(res, 413);
      return;
    }
    if (e.expose && typeof e.status === "number" && e.status >= 400 && e.status < 500) {
      send(res, e.status);
      return;
    }
    logUnhandled(req, err);
    send(res, 500);
  };

  return { send, methodNotAllowed, handler };
}

interface ClientHttpError {
  status?: number;
  expose?: boolean;
  type?: string;
}
