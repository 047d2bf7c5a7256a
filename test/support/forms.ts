/**
 * A page's form as a browser on the page sends it: the CSRF token from the page, its cookie, and
 * a same-origin Sec-Fetch-Site (supertest's port is not known in advance, so no Origin). Every page
 * form must carry these (src/web/csrf.ts, src/middleware/hosts.ts).
 */
import type { Express } from "express";
import request from "supertest";

export interface FormPass {
  cookie: string;
  token: string;
}

/** Opens a page (default "/") and takes its forms' token and the cookies it set. */
export async function formPass(app: Express, page = "/", cookie?: string): Promise<FormPass> {
  const req = request(app).get(page).set("Accept", "text/html");
  if (cookie) req.set("Cookie", cookie);
  const res = await req;
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error(`${page} (${res.status}) has no form token`);
  const set = ([] as string[]).concat(res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!);
  return { cookie: [cookie, ...set].filter(Boolean).join("; "), token };
}

/** Posts a page form with its token, cookie and same-origin header. */
export function postForm(app: Express, path: string, pass: FormPass, fields: Record<string, string>) {
  return request(app)
    .post(path)
    .type("form")
    .set("Cookie", pass.cookie)
    .set("Sec-Fetch-Site", "same-origin")
    .send({ _csrf: pass.token, ...fields });
}

/**
 * The same over real HTTP, for a running app (test/support/app.ts startApp): GET a page with a
 * cookie, and post a page's form as a browser on that page does (its token, the cookie, the
 * service's own Origin).
 */
export function pageClient(base: () => string) {
  const get = (path: string, cookie = "", accept = "text/html") =>
    fetch(`${base()}${path}`, { redirect: "manual", headers: { accept, cookie } });
  const post = async (path: string, cookie: string, fields: Record<string, string>, from = "/") => {
    const page = await (await get(from, cookie)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    return fetch(`${base()}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        accept: "text/html",
        cookie,
        origin: base(),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: token, ...fields }),
    });
  };
  return { get, post };
}
