/**
 * This service's own address, and the checks that derive from it.
 *
 * Host: a request naming another host is refused (421) everywhere. This is what stops DNS
 * rebinding: a web page at evil.example whose name is made to resolve to 127.0.0.1 reaches the
 * service with "Host: evil.example", and is refused. The service's own hosts are PUBLIC_URL's, or,
 * without one, the loopback names (127.x.x.x, localhost, [::1]: config.ts's isLoopback, the same
 * names the service may listen on without sign-in) on the port the request arrived
 * on. The load balancer's probes (/healthz, /readyz) are answered whatever the Host, since they
 * address an instance by its own address and learn nothing about a case.
 *
 * Origin: a state-changing request from a browser must come from this service's own pages: its
 * Origin is this service's origin, or, when a browser sends no Origin, Sec-Fetch-Site says
 * same-origin. A request with neither is refused too: every browser in use sends one of them.
 */
import type { Request, RequestHandler } from "express";
import { isLoopback } from "../config.js";
import { Refusal } from "./refusal.js";

const PROBES = /^\/(healthz|readyz)$/;

/** Host header as "name" and "port" (port "" when the header names none). */
function splitHost(host: string): { name: string; port: string } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host);
  return m ? { name: m[1]!.toLowerCase(), port: m[2] ?? "" } : null;
}

export interface OwnAddress {
  /** Whether a request's Host names this service. */
  isOwnHost(req: Request): boolean;
  /** This service's origin as a browser on it would send it ("http://127.0.0.1:3000"). */
  origin(req: Request): string;
}

export function ownAddress(publicUrl: URL | undefined): OwnAddress {
  if (publicUrl) {
    const host = publicUrl.host.toLowerCase();
    return {
      isOwnHost: (req) => (req.headers.host ?? "").toLowerCase() === host,
      origin: () => publicUrl.origin,
    };
  }
  return {
    isOwnHost: (req) => {
      const h = splitHost(req.headers.host ?? "");
      if (!h || !isLoopback(h.name)) return false;
      const port = String(req.socket.localPort ?? "");
      return h.port === port || (h.port === "" && port === "80");
    },
    origin: (req) => `http://${(req.headers.host ?? "").toLowerCase()}`,
  };
}

/** Refuses (421) a request whose Host is not this service's. */
export function hostGuard(own: OwnAddress): RequestHandler {
  return (req, _res, next) => {
    if (PROBES.test(req.path) || own.isOwnHost(req)) return next();
    next(
      new Refusal(
        "misdirected",
        "this request names a host that is not this service; use the service's own address",
      ),
    );
  };
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a request changes something (a POST, PUT, PATCH or DELETE). */
export function isStateChanging(req: Request): boolean {
  return !SAFE.has(req.method);
}

/**
 * Refuses (403) a state-changing request that a browser made from another site, or that says
 * nothing about where it came from.
 */
export function sameOrigin(own: OwnAddress, req: Request): Refusal | null {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    return origin.toLowerCase() === own.origin(req).toLowerCase()
      ? null
      : new Refusal("cross-site", "this form was sent from another site");
  }
  const site = req.headers["sec-fetch-site"];
  if (site === "same-origin") return null;
  return new Refusal(
    "cross-site",
    site ? "this form was sent from another site" : "this form did not say which site sent it",
  );
}
