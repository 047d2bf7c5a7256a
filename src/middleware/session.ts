/**
 * The session cookie, read once per request for both adapters: the pages act for the signed-in
 * person, and the API accepts a signed-in session as well as a key. The cookie holds only an
 * opaque random id; the session itself is in the records database (src/auth/sessions.ts).
 *
 * Cookies are HttpOnly and SameSite=Lax (sent on a top-level navigation back from the identity
 * provider, never on a cross-site form post), and Secure with the __Host- prefix when PUBLIC_URL
 * is https, so no other host or path can set or read them.
 */
import type { Request, Response } from "express";
import type { Session } from "../auth/sessions.js";

export interface CookieNames {
  secure: boolean;
  session: string;
  signIn: string;
  csrf: string;
}

export function cookieNames(secure: boolean): CookieNames {
  const p = secure ? "__Host-" : "";
  return {
    secure,
    session: `${p}threshold-session`,
    signIn: `${p}threshold-signin`,
    csrf: `${p}threshold-csrf`,
  };
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function setCookie(
  res: Response,
  names: CookieNames,
  name: string,
  value: string,
  maxAgeSeconds?: number,
): void {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (names.secure) parts.push("Secure");
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  res.append("Set-Cookie", parts.join("; "));
}

export function clearCookie(res: Response, names: CookieNames, name: string): void {
  setCookie(res, names, name, "", 0);
}

/** What the cookie's id is looked up in (the session store). */
export interface SessionLookup {
  find(id: string): Promise<Session | null>;
}

export type SessionReader = (req: Request, res: Response) => Promise<Session | null>;

/** Reads the request's session once, whichever adapter asks first; null without sign-in configured. */
export function sessionReader(store: SessionLookup | undefined, names: CookieNames): SessionReader {
  return async (req, res) => {
    if (!store) return null;
    if ("session" in res.locals) return res.locals.session as Session | null;
    const id = readCookie(req, names.session);
    const session = id ? await store.find(id) : null;
    res.locals.session = session;
    return session;
  };
}
