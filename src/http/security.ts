/**
 * Who may call /v1: an application presenting a configured API key (only SHA-256 hashes are
 * configured; a presented key is hashed and compared in constant time), or a person signed in to
 * the pages, whose session cookie the API accepts too. The request's actor becomes the key's client
 * (by its name, with its roles) or the person. With neither keys nor sign-in configured (loopback
 * only, config.ts) /v1 is open to anyone.
 *
 * A cookie rides along on any request a browser makes, so a signed-in person's state-changing call
 * must also come from this service's own pages (Origin); JSON bodies cannot be sent cross-site
 * without a CORS preflight, which this service never grants.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import type { ApiKey } from "../config.js";
import { setActor } from "../middleware/actor.js";
import { isStateChanging, sameOrigin, type OwnAddress } from "../middleware/hosts.js";
import type { SessionReader } from "../middleware/session.js";
import { ANYONE } from "../service.js";
import { HttpProblem } from "./problem.js";

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

export interface ApiAccess {
  keys: readonly ApiKey[];
  /** Whether people sign in (then a session may call /v1, and /v1 is never open). */
  signIn: boolean;
  readSession: SessionReader;
  own: OwnAddress;
}

function unauthorized(detail: string, pointer: string): HttpProblem {
  return new HttpProblem(401, "unauthorized", detail, [{ pointer: "Authorization", detail: pointer }]);
}

/** Establishes the API's actor, or refuses with 401 (and a Bearer challenge) or 403. */
export function apiGate(access: ApiAccess): RequestHandler {
  const known = access.keys.map((k) => ({ ...k, digest: Buffer.from(k.hash, "hex") }));
  const guarded = known.length > 0 || access.signIn;
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (known.length && header !== undefined) {
      const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
      const presented = match ? sha256(match[1]!) : null;
      // Every configured key is compared, so the time taken does not say which one nearly matched.
      let found: (typeof known)[number] | undefined;
      for (const k of known) if (presented && timingSafeEqual(k.digest, presented)) found = k;
      if (found) {
        setActor(req, res, { kind: "api-client", name: found.name, roles: found.roles });
        next();
        return;
      }
      res.setHeader("WWW-Authenticate", 'Bearer realm="threshold"');
      next(
        match
          ? unauthorized("the API key is not recognised", "is not a recognised API key")
          : unauthorized('this service needs "Authorization: Bearer <API key>"', "is not a Bearer token"),
      );
      return;
    }
    const session = await access.readSession(req, res);
    if (session) {
      const crossSite = isStateChanging(req) ? sameOrigin(access.own, req) : null;
      if (crossSite) {
        next(
          new HttpProblem(
            403,
            "forbidden",
            `${crossSite.message}; a signed-in session is used only from this service's pages`,
          ),
        );
        return;
      }
      setActor(req, res, { kind: "person", ...session.person });
      next();
      return;
    }
    if (guarded) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="threshold"');
      next(
        unauthorized(
          known.length
            ? 'this service needs "Authorization: Bearer <API key>"'
            : "this service needs a signed-in session (sign in at /auth/sign-in)",
          "is missing or not a Bearer token",
        ),
      );
      return;
    }
    setActor(req, res, ANYONE);
    next();
  };
}
