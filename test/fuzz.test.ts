/**
 * The service never answers 500 for anything a client sends. Thousands of random and malformed
 * requests (methods, paths, query strings, headers, bodies) go to the real app over a real socket;
 * every answer must be below 500, and every error must be problem+json.
 */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { service } from "./support/service.js";

let port: number;
let close: () => Promise<void>;

beforeAll(async () => {
  const app = createApp(await service(), { bodyLimit: 100 * 1024, rateLimitPerMinute: 0 });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  port = (server.address() as AddressInfo).port;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

function send(r: Sent): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    // A fresh connection per request: the property is about answers, not connection reuse.
    const req = httpRequest(
      { host: "127.0.0.1", port, method: r.method, path: r.path, headers: r.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    if (r.body !== null) req.write(r.body);
    req.end();
  });
}

const PATHS = [
  "/",
  "/healthz",
  "/readyz",
  "/openapi.yaml",
  "/v1/assessments",
  "/v1/rulesets",
  "/v1/rulesets/wt2015",
  "/v1/rulesets/wt2010",
  "/v1/timelines",
  "/v1/timelines.ics",
  "/v1/quality-assurance",
  "/v1/action-plans/check",
  "/assessment",
  "/assessment/panel",
];
const QUESTIONS = [
  "childDied",
  "abuseOrNeglect",
  "childSeriouslyHarmed",
  "concernsAboutWorkingTogether",
  "ageYears",
  "deprivationOfLibertyOrder",
  "notAQuestion",
  "__proto__",
  "constructor",
];
const ANSWER = fc.oneof(
  fc.constantFrom("yes", "no", "unknown", "YES", "", null, true, 16, -1, 1e308, "17"),
  fc.jsonValue({ maxDepth: 2 }),
);
const DATE = fc.oneof(
  fc.constantFrom("2024-02-29", "2024-02-30", "2028-12-30", "2009-12-31", "1999-01-01", "9999-99-99", ""),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 1 }),
);

const plausibleBody = fc.record(
  {
    edition: fc.constantFrom("wt2015", "wt2010", "wt1999", 7),
    answers: fc.oneof(
      fc.dictionary(fc.constantFrom(...QUESTIONS), ANSWER, { maxKeys: 6 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    dates: fc.dictionary(
      fc.constantFrom("becameAware", "referral", "decision", "publication", "other"),
      DATE,
      { maxKeys: 4 },
    ),
    asOf: DATE,
    agreedExtension: DATE,
    done: fc.oneof(
      fc.array(fc.constantFrom("notify-ofsted", "complete-review", "nope", ""), { maxLength: 3 }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    reference: fc.oneof(
      fc.constantFrom("CHSCB/2024-1", "a b", "x".repeat(60)),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null"),
  plausibleBody.chain((b) => {
    const text = JSON.stringify(b);
    return fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n));
  }),
  fc.string({ maxLength: 200 }),
  fc.constant(null),
);

const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          "referral",
          "decision",
          "edition",
          "reference",
          "done",
          "asOf",
          "dates",
          "__proto__",
          "x",
        ),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(DATE.map(String), fc.string({ maxLength: 12 })),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length
      ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`
      : "",
  );

const path = fc.oneof(
  fc.constantFrom(...PATHS),
  fc
    .tuple(fc.constantFrom(...PATHS), fc.string({ maxLength: 12 }))
    .map(([p, s]) => `${p}/${encodeURIComponent(s)}`),
  fc.string({ maxLength: 20 }).map((s) => `/${encodeURIComponent(s)}`),
  fc.constantFrom("/v1/rulesets/%E0%A4%A", "/%", "/v1/assessments/..%2F..%2Fetc", "//v1//assessments"),
);

const headers = fc.record(
  {
    "content-type": fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin1",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/csv",
        "application/json; charset=nonsense",
        "text/csv",
        "application/x-www-form-urlencoded; charset=utf-8",
      ),
      fc.stringMatching(/^[a-z]{1,8}\/[a-z+.-]{1,12}$/),
    ),
    accept: fc.constantFrom(
      "*/*",
      "application/json",
      "text/markdown",
      "text/calendar",
      "image/png",
      "text/html;q=0.1, */*;q=0",
      "application/problem+json",
    ),
    "content-encoding": fc.constantFrom("identity", "gzip", "br", "x-nonsense"),
    authorization: fc.constantFrom("Bearer x", "Basic abc", "Bearer"),
    "x-request-id": fc.oneof(fc.constant("abc"), fc.stringMatching(/^[ -~]{0,80}$/)),
  },
  { requiredKeys: [] },
);

const requestArb = fc.record({
  method: fc.constantFrom("GET", "POST", "POST", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"),
  path: fc.tuple(path, query).map(([p, q]) => p + q),
  headers,
  body,
});

describe("no client can make the service answer 500", () => {
  it("answers every random or malformed request below 500, errors as problem+json", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const res = await send(r);
        expect(res.status, `${JSON.stringify(r)} -> ${res.body}`).toBeLessThan(500);
        if (res.status >= 400 && r.method !== "HEAD") {
          expect(res.type, JSON.stringify(r)).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(res.body) as { status: number; detail: string };
          expect(problem.status).toBe(res.status);
          expect(problem.detail).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
