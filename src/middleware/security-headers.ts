/**
 * The headers every response carries: helmet's, with a Content-Security-Policy that allows only
 * the service's own scripts and styles.
 */
import { randomBytes } from "node:crypto";
import type { RequestHandler, Response } from "express";
import helmet from "helmet";

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
    // Nothing about a page's address leaves for another site; to this service itself, browsers
    // send the Origin its forms are checked against (with "no-referrer" Chromium sends
    // "Origin: null" on a form post, which the same-origin check must refuse).
    referrerPolicy: { policy: "same-origin" },
  });
  return (req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    headers(req, res, next);
  };
}
