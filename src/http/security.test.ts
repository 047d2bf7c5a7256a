/**
 * Access, rate limits, headers and logs, as a board's network would meet them.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { bareHashKey, loadConfig } from "../config.js";
import { createApp, type AppOptions } from "../app.js";
import { freshMemoryDb } from "../../test/support/app.js";
import { RecordStore } from "../cases/store.js";
import { sha256 } from "./security.js";
import { service } from "../../test/support/service.js";

const KEY = "thr_test-key-for-the-suite";
const OTHER = "thr_another-key";
const options = { bodyLimit: 100 * 1024 };

/** The app with `extra`, its API keys given as bare hashes (each with every role). */
async function appWith({ apiKeyHashes, ...extra }: Partial<AppOptions> & { apiKeyHashes?: string[] }) {
  return createApp(await service(), {
    ...options,
    ...extra,
    ...(apiKeyHashes ? { apiKeys: apiKeyHashes.map(bareHashKey) } : {}),
  });
}

const hashes = [sha256(KEY).toString("hex"), sha256(OTHER).toString("hex")];

describe("API keys", () => {
  it("when keys are configured (the service may listen beyond loopback), the case pages neither show nor record a case", async () => {
    const db = await freshMemoryDb();
    try {
      const app = await appWith({ apiKeyHashes: hashes, records: new RecordStore(db) });
      const opened = await request(app)
        .post("/v1/cases")
        .set("Authorization", `Bearer ${KEY}`)
        .send({ reference: "KEYED-1" });
      expect(opened.status).toBe(201);
      const read = await request(app).get("/cases/KEYED-1").set("Accept", "text/html");
      expect(read.status).toBe(403);
      expect(read.text).not.toContain("KEYED-1</h1>");
      const save = await request(app)
        .post("/cases/save")
        .type("form")
        .send({ reference: "KEYED-2", childDied: "yes", abuseOrNeglect: "yes" });
      expect(save.status).toBe(403);
      const decide = await request(app).post("/cases/KEYED-1/decisions").type("form").send({
        adviceId: "x",
        decision: "no-further-action",
        "decidedOn-day": "1",
        "decidedOn-month": "2",
        "decidedOn-year": "2024",
        decidedBy: "Chair",
        reasons: "r",
      });
      expect(decide.status).toBe(403);
      // Nothing was written: the case holds only the record of its opening.
      const history = await request(app).get("/v1/cases/KEYED-1").set("Authorization", `Bearer ${KEY}`);
      expect(history.body.records).toHaveLength(1);
      expect((await request(app).get("/v1/cases/KEYED-2").set("Authorization", `Bearer ${KEY}`)).status).toBe(
        404,
      );
    } finally {
      await db.close();
    }
  });

  it("when keys are configured, /v1 without a key answers 401 problem+json with a Bearer challenge", async () => {
    const app = await appWith({ apiKeyHashes: hashes });
    const res = await request(app).post("/v1/assessments").send({ answers: {} });
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="threshold"');
    expect(res.body.errors[0].pointer).toBe("Authorization");
  });

  it("refuses a wrong key and accepts each configured one", async () => {
    const app = await appWith({ apiKeyHashes: hashes });
    const wrong = await request(app).get("/v1/rulesets").set("Authorization", "Bearer thr_wrong");
    expect(wrong.status).toBe(401);
    for (const key of [KEY, OTHER]) {
      const ok = await request(app).get("/v1/rulesets").set("Authorization", `Bearer ${key}`);
      expect(ok.status).toBe(200);
    }
  });

  it("keeps health, readiness and the contract open for load balancers", async () => {
    const app = await appWith({ apiKeyHashes: hashes });
    for (const path of ["/healthz", "/readyz", "/openapi.yaml"])
      expect((await request(app).get(path)).status).toBe(200);
  });

  it("stores only hashes: configuring a key itself is refused at start-up", () => {
    expect(() => loadConfig({ THRESHOLD_API_KEY_SHA256: KEY })).toThrow(/SHA-256 hashes/);
    expect(loadConfig({ THRESHOLD_API_KEY_SHA256: hashes.join(",") }).apiKeys.map((k) => k.hash)).toEqual(
      hashes,
    );
    expect(() => loadConfig({ THRESHOLD_API_KEYS: `case-system:member:${KEY}` })).toThrow(
      /THRESHOLD_API_KEYS/,
    );
  });

  it("reads named keys with their roles, and gives a bare hash every role", () => {
    const config = loadConfig({
      THRESHOLD_API_KEYS: `case-system:member:${hashes[0]}, minutes-robot:member+chair:${hashes[1]!.toUpperCase()}`,
      THRESHOLD_API_KEY_SHA256: sha256("third").toString("hex"),
    });
    expect(config.apiKeys.map((k) => [k.name, k.roles])).toEqual([
      ["case-system", ["member"]],
      ["minutes-robot", ["member", "chair"]],
      [`key ${sha256("third").toString("hex").slice(0, 8)}`, ["member", "chair"]],
    ]);
    expect(() => loadConfig({ THRESHOLD_API_KEYS: `a:admin:${hashes[0]}` })).toThrow(/member, chair/);
    expect(() => loadConfig({ THRESHOLD_API_KEYS: `a:member:${hashes[0]},a:chair:${hashes[1]}` })).toThrow(
      /two API keys are named "a"/,
    );
  });
});

describe("the rule that cannot be forgotten", () => {
  const signIn = {
    PUBLIC_URL: "https://threshold.board.example",
    OIDC_ISSUER: "https://login.board.example/realms/board",
    OIDC_CLIENT_ID: "threshold",
    OIDC_CLIENT_SECRET: "s3cret",
    // Beyond loopback the records need their key too (src/config.ts).
    RECORDS_KEY: "ab".repeat(32),
  };

  it("refuses to start beyond loopback without sign-in, whatever keys there are", () => {
    expect(() => loadConfig({ HOST: "0.0.0.0" })).toThrow(/sign-in is not configured/);
    expect(() => loadConfig({ HOST: "0.0.0.0", THRESHOLD_API_KEY_SHA256: hashes[0] })).toThrow(
      /API keys guard only \/v1, never the pages/,
    );
    expect(() => loadConfig({ HOST: "192.168.1.20", THRESHOLD_API_KEY_SHA256: hashes[0] })).toThrow(
      /HOST is 192.168.1.20/,
    );
    // A name that merely starts like a loopback address may resolve anywhere.
    expect(() => loadConfig({ HOST: "127.board.example" })).toThrow(/sign-in is not configured/);
    // Behind a proxy on this machine, a PUBLIC_URL naming another host is reaching beyond too.
    expect(() => loadConfig({ PUBLIC_URL: "https://threshold.board.example" })).toThrow(
      /PUBLIC_URL is https:\/\/threshold.board.example/,
    );
  });

  it("starts beyond loopback with sign-in configured, with or without keys", () => {
    const config = loadConfig({ HOST: "0.0.0.0", ...signIn });
    expect(config.host).toBe("0.0.0.0");
    expect(config.oidc?.issuer.href).toBe("https://login.board.example/realms/board");
    expect(config.oidc?.rolesClaim).toBe("roles");
    expect(
      loadConfig({ HOST: "0.0.0.0", ...signIn, THRESHOLD_API_KEY_SHA256: hashes[0] }).apiKeys,
    ).toHaveLength(1);
  });

  it("on loopback with nothing configured, keeps working without sign-in", () => {
    const config = loadConfig({});
    expect(config.host).toBe("127.0.0.1");
    expect(config.oidc).toBeUndefined();
    expect(loadConfig({ HOST: "::1" }).host).toBe("::1");
    expect(loadConfig({ HOST: "127.0.0.2" }).host).toBe("127.0.0.2");
    expect(loadConfig({ HOST: "localhost", PUBLIC_URL: "http://localhost:3000" }).publicUrl?.host).toBe(
      "localhost:3000",
    );
  });

  it("names what is missing from a half-configured sign-in", () => {
    expect(() => loadConfig({ OIDC_ISSUER: signIn.OIDC_ISSUER })).toThrow(
      /missing OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/,
    );
    const noUrl: Record<string, string> = { ...signIn };
    delete noUrl.PUBLIC_URL;
    expect(() => loadConfig(noUrl)).toThrow(/needs PUBLIC_URL/);
    expect(() => loadConfig({ ...signIn, OIDC_ISSUER: "http://login.board.example" })).toThrow(/https/);
    expect(() => loadConfig({ ...signIn, PUBLIC_URL: "https://x.example/threshold" })).toThrow(/no path/);
    expect(() => loadConfig({ ...signIn, OIDC_ROLE_MAP: "chairs" })).toThrow(/OIDC_ROLE_MAP/);
    const mapped = loadConfig({
      ...signIn,
      OIDC_ROLES_CLAIM: "groups",
      OIDC_ROLE_MAP: "threshold-chairs=chair, threshold-members=member, board-leads=member+chair",
    });
    expect(mapped.oidc?.rolesClaim).toBe("groups");
    expect([...mapped.oidc!.roleMap!.entries()]).toEqual([
      ["threshold-chairs", ["chair"]],
      ["threshold-members", ["member"]],
      ["board-leads", ["member", "chair"]],
    ]);
  });
});

describe("rate limits", () => {
  it("answers 429 problem+json past the limit, with RateLimit headers before and after", async () => {
    const app = await appWith({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const ok = await request(app).get("/v1/rulesets");
      expect(ok.status).toBe(200);
      expect(ok.headers["ratelimit-policy"]).toMatch(/q=3/);
      expect(ok.headers.ratelimit).toMatch(/r=\d+/);
    }
    const limited = await request(app).get("/v1/rulesets");
    expect(limited.status).toBe(429);
    expect(limited.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(limited.headers["retry-after"]).toBeDefined();
    expect(limited.body.status).toBe(429);
    // Health checks are not counted against clients.
    expect((await request(app).get("/healthz")).status).toBe(200);
  });

  it("counts each API key separately", async () => {
    const app = await appWith({
      rateLimitPerMinute: 1,
      apiKeyHashes: [sha256(KEY).toString("hex"), sha256(OTHER).toString("hex")],
    });
    expect((await request(app).get("/v1/rulesets").set("Authorization", `Bearer ${KEY}`)).status).toBe(200);
    expect((await request(app).get("/v1/rulesets").set("Authorization", `Bearer ${KEY}`)).status).toBe(429);
    expect((await request(app).get("/v1/rulesets").set("Authorization", `Bearer ${OTHER}`)).status).toBe(200);
  });
});

describe("headers", () => {
  it("sends security headers and a strict Content-Security-Policy", async () => {
    const res = await request(await appWith({})).get("/healthz");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("gives every response a request id, keeping a well-formed one the caller sent", async () => {
    const app = await appWith({});
    expect(
      (await request(app).get("/healthz").set("X-Request-Id", "board-42.a")).headers["x-request-id"],
    ).toBe("board-42.a");
    expect(
      (await request(app).get("/healthz").set("X-Request-Id", "<script>")).headers["x-request-id"],
    ).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("/readyz answers 503 while the service is shutting down", async () => {
    const lifecycle = { draining: false };
    const app = await appWith({ lifecycle });
    expect((await request(app).get("/readyz")).status).toBe(200);
    lifecycle.draining = true;
    const res = await request(app).get("/readyz");
    expect(res.status).toBe(503);
    expect(res.headers.connection).toBe("close");
  });
});

describe("logs", () => {
  it("log each request's id, method, route, status and duration, and never the body or the answers", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await appWith({ logger: pino({ level: "info" }, sink) });
    const res = await request(app)
      .post("/v1/assessments?case=CHSCB-1")
      .set("X-Request-Id", "req-1")
      .send({
        answers: { childDied: "yes", abuseOrNeglect: "yes", ageYears: 7 },
        dates: { referral: "2024-05-17" },
      });
    expect(res.status).toBe(200);
    expect(res.body.adviceId).toMatch(/^[0-9a-f-]{36}$/);
    const entry = JSON.parse(lines.find((l) => l.includes("req-1"))!);
    expect(entry).toMatchObject({ reqId: "req-1", method: "POST", route: "/v1/assessments", status: 200 });
    expect(typeof entry.durationMs).toBe("number");
    const all = lines.join("\n");
    for (const secret of ["childDied", "abuseOrNeglect", "2024-05-17", "CHSCB-1", "answers"])
      expect(all).not.toContain(secret);
  });
});
