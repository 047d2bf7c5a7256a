/**
 * Signing in and out: /auth/sign-in sends the browser to the board's identity provider (code flow
 * with PKCE), /auth/callback takes its answer and starts a session, /auth/sign-out ends it here
 * and offers the provider's own sign-out. A page that needs sign-in sends people to
 * /auth/sign-in?return=<the page>, and they come back to it; only a path on this service is
 * followed, never another site.
 */
import express from "express";
import type { OwnAddress } from "../middleware/hosts.js";
import { sameOrigin } from "../middleware/hosts.js";
import { setActor } from "../middleware/actor.js";
import type { Logger } from "pino";
import { logEvent } from "../middleware/logging.js";
import {
  clearCookie,
  readCookie,
  setCookie,
  type CookieNames,
  type SessionReader,
} from "../middleware/session.js";
import type { Service } from "../service.js";
import { setPageContext } from "../web/page-context.js";
import type { PageForms } from "../web/pages.js";
import { createViews, defaultFooter } from "../web/views.js";
import { SignInFailed, type OidcSignIn } from "./oidc.js";
import type { SessionStore } from "./sessions.js";

export interface SignInParts {
  oidc: OidcSignIn;
  sessions: SessionStore;
  cookies: CookieNames;
  /** PUBLIC_URL: the callback's address as the provider sent the browser to it. */
  publicUrl: URL;
  readSession: SessionReader;
  own: OwnAddress;
  /** The service's logger (LOG_LEVEL), for what an operator should know about sign-in. */
  logger?: Logger;
}

/**
 * The page to come back to: a path on this service (one leading slash, no scheme, no host, no
 * backslash or control character), and never a sign-in page itself; anything else is the start.
 */
function localReturnPath(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes("\\")) return "/";
  if (/^\/auth(\/|$|\?)/.test(value)) return "/";
  return value;
}

export function authPages(service: Service, parts: SignInParts, forms: PageForms): express.Router {
  const router = express.Router();
  const env = createViews();
  const { cookies, sessions, oidc } = parts;
  const render = (res: express.Response, status: number, context: Record<string, unknown>) =>
    res
      .status(status)
      .type("html")
      .send(
        env.render("auth.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: defaultFooter(service.library),
          ...context,
        }),
      );
  const failed = (res: express.Response, detail: string) =>
    render(res, 400, {
      title: "Signing in did not work",
      heading: "Signing in did not work",
      step: "failed",
      paragraphs: [detail],
    });

  router.get("/auth/sign-in", async (req, res) => {
    let started;
    try {
      started = await oidc.start();
    } catch (e) {
      if (!(e instanceof SignInFailed)) throw e;
      logEvent(parts.logger, "error", "sign-in: provider unreachable", { error: e.message });
      res.setHeader("Retry-After", "30");
      return render(res, 503, {
        title: "Signing in is not working",
        heading: "Sorry, signing in is not working",
        step: "failed",
        paragraphs: ["Your organisation's sign-in service could not be reached. Try again later."],
      });
    }
    const id = await sessions.beginSignIn({ ...started.flow, returnTo: localReturnPath(req.query.return) });
    setCookie(res, cookies, cookies.signIn, id, 600);
    res.redirect(303, started.url.href);
  });

  router.get("/auth/callback", async (req, res) => {
    const id = readCookie(req, cookies.signIn);
    clearCookie(res, cookies, cookies.signIn);
    const flow = id ? await sessions.takeSignIn(id) : null;
    if (!flow) return failed(res, "The sign-in took too long or was started elsewhere. Start again.");
    let person;
    try {
      // The address the provider sent the browser to, as registered: PUBLIC_URL, not the Host header.
      person = await oidc.finish(new URL(req.originalUrl, parts.publicUrl), flow);
    } catch (e) {
      if (!(e instanceof SignInFailed)) throw e;
      logEvent(parts.logger, "warn", "sign-in refused", { error: e.message });
      return failed(res, "Your organisation's sign-in did not confirm who you are.");
    }
    // A new session, with a new id, for every sign-in; any session this browser had ends.
    const previous = readCookie(req, cookies.session);
    if (previous) await sessions.end(previous);
    const started = await sessions.create(person);
    setCookie(res, cookies, cookies.session, started.id, sessions.times.maxHours * 3600);
    res.redirect(303, flow.returnTo);
  });

  router.get("/auth/sign-out", async (req, res) => {
    const session = await parts.readSession(req, res);
    if (!session) return res.redirect(303, "/auth/sign-in");
    setPageContext(res, { csrfToken: session.csrfToken, signedInAs: session.person.name });
    render(res, 200, { title: "Sign out", heading: "Sign out", step: "confirm", name: session.person.name });
  });

  router.post("/auth/sign-out", async (req, res, next) => {
    const crossSite = sameOrigin(parts.own, req);
    if (crossSite) return next(crossSite);
    const session = await parts.readSession(req, res);
    if (!session) return res.redirect(303, "/auth/sign-in");
    setActor(req, res, { kind: "person", ...session.person });
    forms.form(req, res, async (err?: unknown) => {
      if (err) return next(err);
      try {
        await sessions.end(readCookie(req, cookies.session)!);
        clearCookie(res, cookies, cookies.session);
        const endSession = await oidc.endSessionUrl();
        render(res, 200, {
          title: "You have signed out",
          heading: "You have signed out",
          step: "signed-out",
          endSessionUrl: endSession?.href,
        });
      } catch (e) {
        next(e);
      }
    });
  });

  return router;
}
