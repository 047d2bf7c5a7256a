import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { parse } from "yaml";
import { createApp } from "../app.js";
import { contractErrors } from "../../test/support/contract.js";
import { service } from "../../test/support/service.js";

let app: Express;
beforeAll(async () => {
  app = createApp(await service(), { bodyLimit: 100 * 1024 });
});

describe("GET /v1/rulesets", () => {
  it("lists both editions, the default (wt2015) first", async () => {
    const res = await request(app).get("/v1/rulesets");
    expect(res.status).toBe(200);
    expect(contractErrors("RulesetList", res.body)).toEqual([]);
    expect(res.body.editions.map((e: { id: string }) => e.id)).toEqual(["wt2015", "wt2010"]);
    expect(res.body.editions[0].default).toBe(true);
  });

  it("gives an edition's questions and criteria, enough to build a form", async () => {
    const res = await request(app).get("/v1/rulesets/wt2010");
    expect(res.status).toBe(200);
    expect(contractErrors("Ruleset", res.body)).toEqual([]);
    const dol = res.body.questions.find((q: { id: string }) => q.id === "deprivationOfLibertyOrder");
    expect(dol.usedByEdition).toBe(false);
    const died = res.body.questions.find((q: { id: string }) => q.id === "childDied");
    expect(died).toMatchObject({
      wording: "Has the child died (including suspected suicide)?",
      usedByEdition: true,
    });
    expect(res.body.criteria.length).toBe(18);
    for (const c of res.body.criteria) expect(c.quote.length).toBeGreaterThan(20);
  });

  it("answers 404 problem+json for an unknown edition", async () => {
    const res = await request(app).get("/v1/rulesets/wt1999");
    expect(res.status).toBe(404);
    expect(contractErrors("Problem", res.body)).toEqual([]);
  });
});

describe("health and the contract", () => {
  it("GET /healthz answers 200 once rules are loaded", async () => {
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", editions: ["wt2010", "wt2015"] });
  });

  it("GET /openapi.yaml serves the OpenAPI 3.1 document", async () => {
    const res = await request(app).get("/openapi.yaml");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/yaml/);
    expect(parse(res.text).openapi).toBe("3.1.0");
  });
});
