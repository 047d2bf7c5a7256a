/**
 * What every page shows about the request rather than its content: the CSRF token its forms carry
 * and who is signed in. Features render their pages with a context of their own making; each
 * already passes the response's CSP nonce (unique per response), so the layout and the forms find
 * this request's part by that nonce, through two Nunjucks globals: `csrfField(cspNonce)` (one line
 * in every POST form) and `signedIn(cspNonce)`. An entry lives until its response closes.
 */
import type { Response } from "express";
import nunjucks from "nunjucks";
import { CSRF_FIELD } from "./csrf.js";

export interface PageContext {
  csrfToken: string;
  /** The signed-in person's display name, when someone is signed in. */
  signedInAs?: string;
}

const contexts = new Map<string, PageContext>();

export function setPageContext(res: Response, context: PageContext): void {
  const nonce = res.locals.cspNonce as string | undefined;
  if (!nonce) return;
  contexts.set(nonce, context);
  res.once("close", () => contexts.delete(nonce));
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function addPageGlobals(env: nunjucks.Environment): void {
  env.addGlobal("csrfField", (nonce: unknown) => {
    const token = typeof nonce === "string" ? contexts.get(nonce)?.csrfToken : undefined;
    return new nunjucks.runtime.SafeString(
      token ? `<input type="hidden" name="${CSRF_FIELD}" value="${escape(token)}">` : "",
    );
  });
  env.addGlobal("signedIn", (nonce: unknown) =>
    typeof nonce === "string" ? (contexts.get(nonce)?.signedInAs ?? null) : null,
  );
}
