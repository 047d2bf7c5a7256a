/**
 * Rate limits (rate-limiter-flexible, counted in memory), for the API and the pages alike, in two
 * steps:
 * - per client address, before anyone is identified: every request counts, so a flood of random
 *   Bearer tokens or session cookies gets no fresh allowance from each new token;
 * - per identity, after the adapter has established it: an API key by its name, a signed-in
 *   person by their subject, and someone not signed in by their address.
 * Page GETs count too (case pages included), so case references cannot be enumerated quickly.
 * Past a limit the request is refused with a Refusal (429 with Retry-After), which each adapter
 * answers in its own way. The standard RateLimit headers (draft 8) say what is left.
 *
 * express-rate-limit, used before, keyed on the Bearer token before it was checked and cost some
 * 60 µs a request; RateLimiterMemory's consume measured 0.65 µs (200,000 calls over 50 keys, Node
 * 20, on the shared 2-core machine), so two per request cost nothing that shows.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Actor } from "../service.js";
import { actorOf } from "./actor.js";
import { Refusal } from "./refusal.js";

export interface RateLimits {
  /** Counts every request by its client address. */
  byAddress: RequestHandler;
  /** Counts a request by who the adapter found is asking; use after the adapter's gate. */
  byIdentity: RequestHandler;
}

/** Paths no client is limited on: probes from the load balancer, and the pages' static assets. */
const UNCOUNTED = /^\/(healthz|readyz|assets\/)/;

function identity(actor: Actor, req: Request): string {
  switch (actor.kind) {
    case "api-client":
      return `key:${actor.name}`;
    case "person":
      return `person:${actor.subject}`;
    default:
      return `ip:${req.ip ?? "unknown"}`;
  }
}

function limiter(perMinute: number, policy: string) {
  const counter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  const headers = (res: Response, r: RateLimiterRes) => {
    const reset = Math.ceil(r.msBeforeNext / 1000);
    res.setHeader("RateLimit-Policy", `"${policy}";q=${perMinute};w=60`);
    res.setHeader("RateLimit", `"${policy}";r=${r.remainingPoints};t=${reset}`);
  };
  return async (key: string, res: Response, next: NextFunction): Promise<void> => {
    try {
      headers(res, await counter.consume(key));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      headers(res, e);
      const wait = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      next(
        new Refusal(
          "too-many-requests",
          `more than ${perMinute} requests a minute; wait ${wait} s and try again`,
          {
            "Retry-After": String(wait),
          },
        ),
      );
      return;
    }
    next();
  };
}

/**
 * The two limits; `perMinute` per identity and `perAddressPerMinute` per address (0 turns both
 * off). One set is shared by both adapters, so pages and API draw on one allowance.
 */
export function rateLimits(perMinute: number, perAddressPerMinute: number): RateLimits {
  if (!perMinute) {
    const pass: RequestHandler = (_req, _res, next) => next();
    return { byAddress: pass, byIdentity: pass };
  }
  const address = limiter(perAddressPerMinute || perMinute, "address");
  const who = limiter(perMinute, "identity");
  return {
    byAddress: (req, res, next) => {
      if (UNCOUNTED.test(req.path)) return next();
      void address(`ip:${req.ip ?? "unknown"}`, res, next);
    },
    byIdentity: (req, res, next) => {
      if (UNCOUNTED.test(req.path)) return next();
      void who(identity(actorOf(res), req), res, next);
    },
  };
}
