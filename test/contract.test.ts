/**
 * The OpenAPI document is the source of truth; zod validates at run time. These tests check that
 * the two agree: on the vocabulary, and on which request bodies are valid (fast-check generates
 * valid and invalid bodies alike, and both validators must give the same verdict).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAssessmentSchema } from "../src/contract/validation.js";
import { contractErrors, openapiDocument, schemaErrors } from "./support/contract.js";
import { service } from "./support/service.js";

interface Schemas {
  components: { schemas: Record<string, { properties?: Record<string, unknown>; enum?: string[] }> };
}

describe("the OpenAPI document and the rules agree", () => {
  it("lists exactly the vocabulary's question ids as answer properties", async () => {
    const s = await service();
    const doc = openapiDocument() as unknown as Schemas;
    expect(Object.keys(doc.components.schemas.Answers!.properties!).sort()).toEqual(
      s.library.questions.map((q) => q.id).sort(),
    );
  });

  it("lists exactly the loaded editions", async () => {
    const s = await service();
    const doc = openapiDocument() as unknown as Schemas;
    expect([...doc.components.schemas.EditionId!.enum!].sort()).toEqual(
      [...s.library.editions.keys()].sort(),
    );
  });
});

describe("zod and the OpenAPI document give the same verdict on request bodies", () => {
  it("agrees on generated bodies, valid and invalid", async () => {
    const s = await service();
    const schema = buildAssessmentSchema(s.library);
    const ids = s.library.questions.map((q) => q.id);
    const value = fc.oneof(
      fc.constantFrom("yes", "no", "unknown", "Yes", "", "maybe"),
      fc.integer({ min: -3, max: 20 }),
      fc.double({ min: 0, max: 20, noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const key = fc.oneof(fc.constantFrom(...ids), fc.constantFrom("childDead", "name", "dateOfBirth"));
    const date = fc.oneof(
      fc
        .date({ min: new Date("2010-01-01"), max: new Date("2028-12-01"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom("2024-1-01", "01/02/2024", ""),
      fc.integer(),
    );
    const body = fc.oneof(
      fc.record(
        {
          edition: fc.constantFrom("wt2015", "wt2010", "wt2099", 5),
          answers: fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), fc.constant([]), fc.constant("yes")),
          dates: fc.oneof(fc.record({ referral: date }, { requiredKeys: [] }), fc.record({ sent: date })),
          extra: fc.constant(1),
        },
        { requiredKeys: [] },
      ),
      fc.constant([]),
      fc.constant(null),
    );
    fc.assert(
      fc.property(body, (b) => {
        const byZod = schema.safeParse(b).success;
        const byDocument = contractErrors("AssessmentRequest", b).length === 0;
        expect(byZod, JSON.stringify(b)).toBe(byDocument);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the OpenAPI document declares access", () => {
  type Op = { responses: Record<string, unknown>; security?: unknown[] };
  const doc = openapiDocument() as unknown as {
    paths: Record<string, Record<string, Op>>;
    security: unknown[];
    components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== "parameters")
      .map(([method, op]) => ({ path, method, op })),
  );

  it("a bearer API key and the sign-in cookie as security schemes, required by default", () => {
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.signInSession).toMatchObject({ type: "apiKey", in: "cookie" });
    expect(doc.security).toEqual([{ apiKey: [] }, { signInSession: [] }, {}]);
  });

  it("401, 403, 421 and 429 on every /v1 operation; the probes need no credential", () => {
    const v1 = operations.filter((o) => o.path.startsWith("/v1"));
    expect(v1.length).toBeGreaterThan(10);
    const missing = v1.flatMap(({ path, method, op }) =>
      ["401", "403", "421", "429"].filter((s) => !(s in op.responses)).map((s) => `${method} ${path} ${s}`),
    );
    expect(missing).toEqual([]);
    for (const probe of ["/healthz", "/readyz"]) expect(doc.paths[probe]!.get!.security).toEqual([]);
  });

  it("the refusals the service gives conform to the Problem schema", async () => {
    const { startApp } = await import("./support/app.js");
    const app = await startApp({
      apiKeyHashes: ["0".repeat(64)],
      rateLimitPerMinute: 1,
      rateLimitPerAddressPerMinute: 1,
    });
    try {
      const unauthorized = await fetch(`${app.base}/v1/rulesets`);
      expect(unauthorized.status).toBe(401);
      expect(contractErrors("Problem", await unauthorized.json())).toEqual([]);
      const limited = await fetch(`${app.base}/v1/rulesets`);
      expect(limited.status).toBe(429);
      expect(contractErrors("Problem", await limited.json())).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe("the OpenAPI document's own examples", () => {
  /** Every example under a media type whose schema the document gives, with that schema. */
  function examples(): Array<{ where: string; schema: unknown; value: unknown }> {
    const found: Array<{ where: string; schema: unknown; value: unknown }> = [];
    const paths = (openapiDocument() as { paths: Record<string, Record<string, unknown>> }).paths;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const o = op as {
          requestBody?: { content?: Record<string, MediaType> };
          responses?: Record<string, { content?: Record<string, MediaType> }>;
        };
        const media = [
          ...Object.entries(o.requestBody?.content ?? {}).map(
            ([t, m]) => [`${method} ${path} request ${t}`, m] as const,
          ),
          ...Object.entries(o.responses ?? {}).flatMap(([status, r]) =>
            Object.entries(r.content ?? {}).map(([t, m]) => [`${method} ${path} ${status} ${t}`, m] as const),
          ),
        ];
        for (const [where, m] of media)
          for (const [name, ex] of Object.entries(m.examples ?? {}))
            found.push({ where: `${where} example ${name}`, schema: m.schema, value: ex.value });
      }
    }
    return found;
  }
  interface MediaType {
    schema?: unknown;
    examples?: Record<string, { value: unknown }>;
  }

  it("validate against the schemas they illustrate, the assessment's request and summary among them", () => {
    const all = examples();
    expect(all.map((e) => e.where)).toEqual(
      expect.arrayContaining([
        "post /v1/assessments request application/json example mandatory",
        "post /v1/assessments request application/json example assumption",
        "post /v1/assessments 200 application/json example summary",
      ]),
    );
    for (const e of all) expect(schemaErrors(e.schema, e.value), e.where).toEqual([]);
  });

  it("serves relative servers, so the document holds wherever the service runs", () => {
    expect((openapiDocument() as { servers: Array<{ url: string }> }).servers.map((s) => s.url)).toEqual([
      "/",
    ]);
  });
});
