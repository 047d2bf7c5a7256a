/**
 * Who may call /v1, how often, and the headers every response carries.
 *
 * API keys: only their SHA-256 hashes are configured (THRESHOLD_API_KEY_SHA256); a presented key
 * is hashed and compared in constant time. Rate limits (express-rate-limit) count per key when
 * one is presented, otherwise per client address, and answer 429 problem+json with the standard
 * RateLimit headers. Security headers come from helmet, with a Content-Security-Policy that allows
 * only the service's own scripts and styles.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { ProblemError } from "../errors.js";

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
      next();
      return;
    }
    res.setHeader("WWW-Authenticate", 'Bearer realm="threshold"');
    next(
      new ProblemError(
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

export function rateLimiter(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    // A presented key identifies the client better than its address (several boards may share a
    // proxy); the key itself is never kept, only a hash of it.
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      if (auth?.startsWith("Bearer ")) return `key:${sha256(auth.slice(7)).toString("hex")}`;
      return `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
    },
    handler: (_req, _res, next) => {
      next(
        new ProblemError(
          429,
          "too-many-requests",
          `more than ${perMinute} requests a minute; wait and try again`,
        ),
      );
    },
  });
}

/**
 * helmet, with a nonce per response for the page template's one inline script (it marks the page
 * as having JavaScript); every other script and style must come from the service itself.
 */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  return (req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    headers(req, res, next);
  };
}
