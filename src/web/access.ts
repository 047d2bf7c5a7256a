/**
 * Who is using the pages, established once before any page runs:
 * - signed in: the person from the session, with their roles; someone the provider gives neither
 *   role sees a 403 page naming the member role (and may still sign out);
 * - sign-in configured but not signed in: a page is a redirect to /auth/sign-in, which comes back
 *   to it afterwards; a form post is refused (401) with a link to sign in;
 * - nothing configured (loopback only): anyone.
 * Every state-changing request must come from this service's own pages (Origin or
 * Sec-Fetch-Site), and carry the CSRF token, which the form parser checks once it has the body.
 */
import type { Request, RequestHandler } from "express";
import { Forbidden } from "../errors.js";
import { setActor } from "../middleware/actor.js";
import { isStateChanging, sameOrigin, type OwnAddress } from "../middleware/hosts.js";
import { Refusal } from "../middleware/refusal.js";
import type { SessionReader } from "../middleware/session.js";
import { ANYONE } from "../service.js";
import type { CsrfTokens } from "./csrf.js";
import { setPageContext } from "./page-context.js";

export interface PageAccess {
  /** Whether people sign in: then every page needs it. */
  signIn: boolean;
  readSession: SessionReader;
  own: OwnAddress;
  csrf: CsrfTokens;
}

/** Paths the pages never answer: the API's, whose own gate and errors apply (app.ts routes by it too). */
export const API_PATH = /^\/(v1(\/|$)|healthz$|readyz$|openapi\.yaml$)/;
const ASSETS = /^\/assets\//;

/** The sign-in address that comes back to this request's page. */
export function signInHref(req: Request): string {
  return `/auth/sign-in?return=${encodeURIComponent(req.originalUrl)}`;
}

export function pageGate(access: PageAccess): RequestHandler {
  return async (req, res, next) => {
    if (API_PATH.test(req.path) || ASSETS.test(req.path)) return next();
    if (isStateChanging(req)) {
      const refused = sameOrigin(access.own, req);
      if (refused) return next(refused);
    }
    const session = await access.readSession(req, res);
    if (session) {
      setActor(req, res, { kind: "person", ...session.person });
      setPageContext(res, { csrfToken: session.csrfToken, signedInAs: session.person.name });
      if (!session.person.roles.length) {
        return next(new Forbidden("using Threshold needs the member or chair role", "member"));
      }
      return next();
    }
    if (access.signIn) {
      if (req.method === "GET" || req.method === "HEAD") {
        res.redirect(303, signInHref(req));
        return;
      }
      return next(new Refusal("unauthorized", "sign in to use this service"));
    }
    setActor(req, res, ANYONE);
    setPageContext(res, { csrfToken: access.csrf.tokenFor(req, res) });
    next();
  };
}
