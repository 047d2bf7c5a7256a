/**
 * The attacks a network can make before anyone signs in, against the real app on loopback: a
 * cross-site form post, a foreign Host (DNS rebinding), a form without its token, a flood of
 * random Bearer tokens, and enumerating case references by page GETs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest } from "node:http";
import { startApp, type AppUnderTest } from "../../test/support/app.js";
import { sha256 } from "../http/security.js";

/** A raw request (fetch will not send a Host of our choosing). */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = "GET",
  body?: string,
): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          type: String(res.headers["content-type"] ?? ""),
          body: text,
          headers: res.headers,
        }),
      );
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

describe("forms and hosts, with nothing configured (loopback)", () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startApp({ records: true });
  });
  afterAll(() => app?.close());

  const form = "reference=CSRF-1&childDied=yes&abuseOrNeglect=yes";
  const formHeaders = { "content-type": "application/x-www-form-urlencoded", accept: "text/html" };

  async function pass() {
    const res = await fetch(`${app.base}/`, { headers: { accept: "text/html" } });
    return {
      cookie: res.headers.getSetCookie()[0]!.split(";")[0]!,
      token: /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]!,
    };
  }

  it("refuses a cross-site form post (Origin: http://evil.example), even with a good token, and saves nothing", async () => {
    const { cookie, token } = await pass();
    const res = await fetch(`${app.base}/cases/save`, {
      method: "POST",
      redirect: "manual",
      headers: { ...formHeaders, cookie, origin: "http://evil.example" },
      body: `_csrf=${token}&${form}`,
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("this form was sent from another site");
    expect((await fetch(`${app.base}/v1/cases/CSRF-1`)).status).toBe(404);
  });

  it("refuses a form without its token, or with another browser's, from the right origin", async () => {
    const mine = await pass();
    const theirs = await pass();
    for (const body of [form, `_csrf=${theirs.token}&${form}`, `_csrf=&${form}`]) {
      const res = await fetch(`${app.base}/cases/save`, {
        method: "POST",
        redirect: "manual",
        headers: { ...formHeaders, cookie: mine.cookie, origin: app.base },
        body,
      });
      expect(res.status, body).toBe(403);
    }
    const ok = await fetch(`${app.base}/cases/save`, {
      method: "POST",
      redirect: "manual",
      headers: { ...formHeaders, cookie: mine.cookie, origin: app.base },
      body: `_csrf=${mine.token}&${form}`,
    });
    expect(ok.status).toBe(303);
  });

  it("refuses a form that says nothing about where it came from", async () => {
    const { cookie, token } = await pass();
    const res = await fetch(`${app.base}/assessment`, {
      method: "POST",
      headers: { ...formHeaders, cookie },
      body: `_csrf=${token}&childDied=yes`,
    });
    expect(res.status).toBe(403);
  });

  it("answers a foreign Host (DNS rebinding) with 421: a page for a browser, problem+json for the API", async () => {
    const page = await raw(app.port, "/", { host: `evil.example:${app.port}`, accept: "text/html" });
    expect(page.status).toBe(421);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain("This is not Threshold&#39;s address");
    const api = await raw(app.port, "/v1/cases/CSRF-1", { host: "evil.example", accept: "application/json" });
    expect(api.status).toBe(421);
    expect(api.type).toMatch(/^application\/problem\+json/);
    const post = await raw(app.port, "/cases/save", { host: "evil.example", ...formHeaders }, "POST", form);
    expect(post.status).toBe(421);
    // The loopback names on the service's own port are its own (any 127.x.x.x, which config.ts lets
    // the service listen on without sign-in); another port, or a name merely starting "127.", is not.
    for (const host of [
      `127.0.0.1:${app.port}`,
      `127.0.0.2:${app.port}`,
      `localhost:${app.port}`,
      `[::1]:${app.port}`,
    ])
      expect((await raw(app.port, "/", { host, accept: "text/html" })).status, host).toBe(200);
    expect((await raw(app.port, "/", { host: `localhost:${app.port + 1}` })).status).toBe(421);
    expect((await raw(app.port, "/", { host: `127.evil.example:${app.port}` })).status).toBe(421);
    // A load balancer's probe addresses the instance by whatever address it has.
    expect((await raw(app.port, "/healthz", { host: "10.1.2.3:3000" })).status).toBe(200);
  });
});

describe("limits that hold", () => {
  const KEY = "thr_the-one-real-key";
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startApp({
      records: true,
      apiKeyHashes: [sha256(KEY).toString("hex")],
      rateLimitPerMinute: 5,
      rateLimitPerAddressPerMinute: 10,
    });
  });
  afterAll(() => app?.close());

  it("a flood of random Bearer tokens gets no fresh allowance: the address runs out, then 429 with Retry-After", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${app.base}/v1/rulesets`, {
        headers: { authorization: `Bearer thr_random-${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // The real key is refused too now: the address's allowance is spent.
    expect(
      (await fetch(`${app.base}/v1/rulesets`, { headers: { authorization: `Bearer ${KEY}` } })).status,
    ).toBe(429);
  });
});

describe("enumerating case pages", () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startApp({ records: true, rateLimitPerMinute: 5 });
  });
  afterAll(() => app?.close());

  it("page GETs of cases count: past the limit, a GOV.UK 429 page with Retry-After", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await fetch(`${app.base}/cases/GUESS-${i}`, { headers: { accept: "text/html" } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(last!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await last!.text()).toContain("Too many requests");
  });
});

describe("cookies on an https service", () => {
  it("are Secure, HttpOnly, SameSite=Lax and __Host- prefixed, so no other host or path can set them", async () => {
    const { default: request } = await import("supertest");
    const { createApp } = await import("../app.js");
    const { service } = await import("../../test/support/service.js");
    const app = createApp(await service(), { publicUrl: new URL("https://threshold.board.example") });
    const res = await request(app).get("/").set("Host", "threshold.board.example").set("Accept", "text/html");
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toEqual([
      expect.stringMatching(
        /^__Host-threshold-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
      ),
    ]);
    // Under PUBLIC_URL, its host is the only one served.
    expect((await request(app).get("/").set("Accept", "text/html")).status).toBe(421);
  });
});
