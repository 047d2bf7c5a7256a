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
  it("lists every edition with its country and dates, the default (wt2015) first, then England's and Wales's, latest first", async () => {
    const res = await request(app).get("/v1/rulesets");
    expect(res.status).toBe(200);
    expect(contractErrors("RulesetList", res.body)).toEqual([]);
    expect(res.body.editions.map((e: { id: string }) => e.id)).toEqual([
      "wt2015",
      "cspr-2018",
      "wt2010",
      "wales-cpr",
    ]);
    expect(res.body.editions[0].default).toBe(true);
    const byId = Object.fromEntries(res.body.editions.map((e: { id: string }) => [e.id, e]));
    expect(byId["wales-cpr"]).toMatchObject({
      country: "wales",
      periods: [{ from: "2013-01-01" }, { until: null }],
    });
    expect(byId["cspr-2018"].periods[0]).toMatchObject({ from: "2018-06-29" });
    expect(byId["wt2010"].periods).toEqual([{ from: "2010-03-17", until: "2013-04-14" }]);
    expect(byId["cspr-2018"].outcomes.map((o: { id: string }) => o.id)).toEqual([
      "recommend-local-review",
      "local-review-not-indicated",
    ]);
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
    expect(res.body).toEqual({ status: "ok", editions: ["cspr-2018", "wales-cpr", "wt2010", "wt2015"] });
  });

  it("GET /openapi.yaml serves the OpenAPI 3.1 document", async () => {
    const res = await request(app).get("/openapi.yaml");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/yaml/);
    expect(parse(res.text).openapi).toBe("3.1.0");
  });
});
