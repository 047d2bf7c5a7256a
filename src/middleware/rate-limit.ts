/**
 * Rate limits (express-rate-limit), for the API and the page forms alike: counted per API key when
 * one is presented, otherwise per client address, with the standard RateLimit headers. Each
 * adapter says how to refuse (problem+json, or an error page).
 */
import { createHash } from "node:crypto";
import type { NextFunction, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";

export function rateLimiter(
  perMinute: number,
  refuse: (res: Response, next: NextFunction) => void,
): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    // A presented key identifies the client better than its address (several boards may share a
    // proxy); the key itself is never kept, only a hash of it.
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      if (auth?.startsWith("Bearer "))
        return `key:${createHash("sha256").update(auth.slice(7)).digest("hex")}`;
      return `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
    },
    handler: (_req, res, next) => refuse(res, next),
  });
}
