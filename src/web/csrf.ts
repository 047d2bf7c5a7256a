/**
 * CSRF tokens for every page form. Signed in, a session's own token (a synchronizer token, kept
 * with the session in the database). Not signed in (loopback, nothing configured), a signed
 * double-submit token: a random value in a cookie, and in the form its HMAC under a key this
 * process made at start-up, so a page on another port of the same machine, which can set cookies
 * for 127.0.0.1 but does not know the key, cannot forge one. Checked in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import type { Session } from "../auth/sessions.js";
import { Refusal } from "../middleware/refusal.js";
import { readCookie, setCookie, type CookieNames } from "../middleware/session.js";

/** The form field every POST form carries. */
export const CSRF_FIELD = "_csrf";

export interface CsrfTokens {
  /** The token this request's forms carry (setting the double-submit cookie if need be). */
  tokenFor(req: Request, res: Response): string;
  /** A refusal when the posted form's token is missing or wrong; null when it is right. */
  check(req: Request, res: Response): Refusal | null;
}

export function csrfTokens(names: CookieNames, key: Buffer = randomBytes(32)): CsrfTokens {
  const sign = (value: string) => createHmac("sha256", key).update(value).digest("base64url");
  const session = (res: Response) => (res.locals.session as Session | null | undefined) ?? null;
  /** The double-submit cookie, when it holds what this module sets (32 random bytes, base64url). */
  const cookieOf = (req: Request): string | undefined => {
    const cookie = readCookie(req, names.csrf);
    return cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie) ? cookie : undefined;
  };
  const expected = (req: Request, res: Response): string | null => {
    const s = session(res);
    if (s) return s.csrfToken;
    const cookie = cookieOf(req);
    return cookie ? sign(cookie) : null;
  };
  return {
    tokenFor(req, res) {
      const s = session(res);
      if (s) return s.csrfToken;
      let cookie = cookieOf(req);
      if (!cookie) {
        cookie = randomBytes(32).toString("base64url");
        setCookie(res, names, names.csrf, cookie);
        // Later reads in this request see the cookie just set.
        req.headers.cookie = `${req.headers.cookie ? `${req.headers.cookie}; ` : ""}${names.csrf}=${cookie}`;
      }
      return sign(cookie);
    },
    check(req, res) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const sent = typeof body[CSRF_FIELD] === "string" ? (body[CSRF_FIELD] as string) : "";
      const want = expected(req, res);
      if (want && sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want)))
        return null;
      return new Refusal(
        "cross-site",
        "this form is out of date or was not sent from this service's own page; go back, reload the page and try again",
      );
    },
  };
}
