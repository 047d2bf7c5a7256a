/**
 * Who may call /v1: API keys. Only their SHA-256 hashes are configured
 * (THRESHOLD_API_KEY_SHA256); a presented key is hashed and compared in constant time, and the
 * request's actor becomes that key's client.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ANYONE, ROLES, type Actor } from "../service.js";
import { HttpProblem } from "./problem.js";

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

export function requireApiKey(hashes: readonly string[]): RequestHandler {
  const known = hashes.map((h) => Buffer.from(h, "hex"));
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    const presented = match ? sha256(match[1]!) : null;
    if (presented && known.some((k) => timingSafeEqual(k, presented))) {
      // The actor is the key's client, named by its hash's first characters, never by the key. A
      // bare hash (no name, no role configured) carries every role, as before roles existed.
      const actor: Actor = {
        kind: "api-client",
        name: `key ${presented.toString("hex").slice(0, 8)}`,
        roles: ROLES,
      };
      res.locals.actor = actor;
      next();
      return;
    }
    res.setHeader("WWW-Authenticate", 'Bearer realm="threshold"');
    next(
      new HttpProblem(
        401,
        "unauthorized",
        match ? "the API key is not recognised" : 'this service needs "Authorization: Bearer <API key>"',
        [
          {
            pointer: "Authorization",
            detail: match ? "is not a recognised API key" : "is missing or not a Bearer token",
          },
        ],
      ),
    );
  };
}

/** Who is asking, as the API key check found: a known key's client, or anyone. */
export function actorOf(res: Response): Actor {
  return (res.locals.actor as Actor | undefined) ?? ANYONE;
}
