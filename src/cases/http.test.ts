/**
 * Decision records over HTTP, on each database: a chair records the advice and the decision with
 * reasons, restarts the service and still finds them, verifies the chain, and prints the minutes.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path_ from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { defaultRulesDir } from "../config.js";
import { createApp } from "../app.js";
import { loadCore } from "../core.js";
import type { Db } from "./db.js";
import { randomBytes } from "node:crypto";
import { recordsKey } from "./keys.js";
import { RecordStore } from "./store.js";
import { contractErrors } from "../../test/support/contract.js";
import { BACKENDS } from "../../test/support/databases.js";
import { service } from "../../test/support/service.js";

describe.each(BACKENDS)("cases and decisions on $name", (backend) => {
  // One records key for the run, as a service keeps one across restarts.
  const key = recordsKey(randomBytes(32));
  let db: Db;
  let reopen: () => Promise<Db>;
  let cleanup: () => Promise<void>;
  let app: Express;
  const REF = "CHSCB/2024-017";
  const path = `/v1/cases/${encodeURIComponent(REF)}`;

  const start = async () => {
    app = createApp(await service(), { bodyLimit: 100 * 1024, records: new RecordStore(db, { key }) });
  };
  beforeAll(async () => {
    ({ db, reopen, cleanup } = await backend.open());
    await start();
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  const ok = (schema: string, body: unknown) => expect(contractErrors(schema, body)).toEqual([]);

  it("opens a case by its reference, and refuses the same reference twice (409)", async () => {
    const res = await request(app).post("/v1/cases").send({ reference: REF });
    expect(res.status).toBe(201);
    ok("RecordReceipt", res.body);
    expect(res.headers.location).toBe(path);
    const again = await request(app).post("/v1/cases").send({ reference: REF });
    expect(again.status).toBe(409);
    ok("Problem", again.body);
  });

  it.each([
    ["a name", "Baby P"],
    ["too long", "X".repeat(41)],
    ["a path trick", "../etc"],
  ])("refuses a reference that is %s", async (_what, reference) => {
    const res = await request(app).post("/v1/cases").send({ reference });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe("/reference");
  });

  let adviceId = "";
  it("records the advice with the full answer as given, chained to the case", async () => {
    const res = await request(app)
      .post(`${path}/assessments`)
      .send({ answers: { childDied: "yes", abuseOrNeglect: "yes" }, dates: { referral: "2024-03-01" } });
    expect(res.status).toBe(201);
    ok("AssessmentReceipt", res.body);
    expect(res.body.assessment.outcome).toBe("initiate-scr");
    expect(res.body.previousHash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(res.body.hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    // One piece of advice has one id: the record of it carries the id the advice was given with.
    expect(res.body.recordId).toBe(res.body.assessment.adviceId);
    expect(res.body.assessment.minutes).toContain(res.body.assessment.adviceId);
    adviceId = res.body.assessment.adviceId;
  });

  let correctedId = "";
  it("records a decision that departs from the advice, with the deadlines that follow from its date", async () => {
    const res = await request(app).post(`${path}/decisions`).send({
      adviceId: adviceId,
      decision: "no-further-action",
      decidedOn: "2024-03-26",
      decidedBy: "Independent Chair",
      reasons: "A single-agency review of the school's practice is under way.",
    });
    expect(res.status).toBe(201);
    ok("DecisionReceipt", res.body);
    expect(res.body.decision.departsFromAdvice).toBe(true);
    expect(res.body.decision.deadlines).toEqual([
      expect.objectContaining({ id: "notify-decision", due: "2024-04-04" }),
    ]);
    correctedId = res.body.recordId;
  });

  it("records a correction as a new record pointing at the one it corrects, with a review's deadlines", async () => {
    const res = await request(app).post(`${path}/decisions`).send({
      adviceId: adviceId,
      decision: "serious-case-review",
      decidedOn: "2024-03-28",
      decidedBy: "Independent Chair",
      reasons: "On the national panel's advice, a review will be held.",
      corrects: correctedId,
    });
    expect(res.status).toBe(201);
    expect(res.body.decision).toMatchObject({ corrects: correctedId, departsFromAdvice: false });
    expect(res.body.decision.deadlines.map((d: { id: string; due: string }) => [d.id, d.due])).toEqual([
      ["notify-decision", "2024-04-08"],
      ["complete-review", "2024-09-28"],
    ]);
  });

  it.each([
    ["an unknown decision", { decision: "ignore-it" }, "/decision"],
    ["no reasons", { reasons: "   " }, "/reasons"],
    ["an impossible date", { decidedOn: "2024-02-30" }, "/decidedOn"],
    ["advice from nowhere", { adviceId: "00000000-0000-0000-0000-000000000000" }, "/adviceId"],
  ])("400 naming the field for %s", async (_what, change, pointer) => {
    const body = {
      adviceId: adviceId,
      decision: "no-further-action",
      decidedOn: "2024-03-26",
      decidedBy: "Independent Chair",
      reasons: "x",
      ...change,
    };
    const res = await request(app).post(`${path}/decisions`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it("has no route to change or delete a record", async () => {
    for (const method of ["put", "patch", "delete"] as const) {
      const res = await request(app)[method](path).send({});
      expect([404, 405]).toContain(res.status);
    }
  });

  it("still has every record after a restart, in order, and the chain holds", async () => {
    await db.close();
    db = await reopen();
    await start();
    const res = await request(app).get(path);
    expect(res.status).toBe(200);
    ok("CaseHistory", res.body);
    expect(res.body.next).toBeNull();
    expect(res.body.records.map((r: { kind: string }) => r.kind)).toEqual([
      "case-opened",
      "assessment",
      "decision",
      "decision",
    ]);
    const verify = await request(app).get(`${path}/verify`);
    ok("Verification", verify.body);
    expect(verify.body).toMatchObject({ reference: REF, valid: true, records: 4, problems: [] });
  });

  it("prints the whole history as minutes, exactly as advised at the time", async () => {
    const res = await request(app).get(`${path}/minutes`);
    expect(res.headers["content-type"]).toMatch(/^text\/markdown/);
    // One document (issue 14): each advice in its one-page form, each decision with its reasons,
    // who recorded it (issue 12: kept from the sign-in or key, here anyone on loopback) and the
    // capacity the chair decided in.
    expect(res.text).toContain(`# Case ${REF}: minutes`);
    expect(res.text).toContain("### Decision sought");
    expect(res.text).toContain("**Decision:** No further action.");
    expect(res.text).toContain(
      "**Decided on:** 26 March 2024, as Independent Chair; recorded by someone using this machine without sign-in.",
    );
    expect(res.text).toContain("> A single-agency review of the school's practice is under way.");
    expect(res.text).toMatch(/## 4\. Decision correcting record 3, recorded/);
    expect(res.text).toContain("**Corrected by:** record 4");
    expect(res.text).toContain("The chain of all 4 records holds under the records key");
    expect(correctedId).not.toBe("");
  });

  it("keeps the advice as given after the rules change: a stored record is never re-evaluated", async () => {
    const before = (await request(app).get(`${path}/minutes`)).text;
    const rules = mkdtempSync(path_.join(tmpdir(), "threshold-rules-"));
    cpSync(defaultRulesDir(), rules, { recursive: true });
    writeFileSync(path_.join(rules, "ruleset.yaml"), "version: 2099.1.0\n");
    const changed = createApp(await loadCore(rules), {
      bodyLimit: 100 * 1024,
      records: new RecordStore(db, { key }),
    });
    expect((await request(changed).get("/v1/rulesets")).body.editions[0].ruleset.version).toBe("2099.1.0");
    const after = (await request(changed).get(`${path}/minutes`)).text;
    expect(after).toBe(before);
    expect(after).toContain("Rule set 2026.12.1");
    expect(after).not.toContain("2099.1.0");
    rmSync(rules, { recursive: true, force: true });
  });

  it("exports the records as JSON Lines", async () => {
    const res = await request(app).get(`${path}/export`);
    expect(res.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = res.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l: { seq: number }) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it("signs an anchor of the case's head, and verifies the case against it when it is kept", async () => {
    const anchorRes = await request(app).get(`${path}/anchor`);
    expect(anchorRes.status).toBe(200);
    ok("Anchor", anchorRes.body);
    expect(anchorRes.body).toMatchObject({ reference: REF, recordCount: 4 });
    const res = await request(app).post(`${path}/verify`).send(anchorRes.body);
    expect(res.status).toBe(200);
    ok("Verification", res.body);
    expect(res.body).toMatchObject({ valid: true, anchor: { holds: true, signatureValid: true } });
    const forged = await request(app)
      .post(`${path}/verify`)
      .send({ ...anchorRes.body, recordCount: 3 });
    expect(forged.body).toMatchObject({ valid: false, anchor: { signatureValid: false } });
    const elsewhere = await request(app)
      .post(`${path}/verify`)
      .send({ ...anchorRes.body, reference: "OTHER/1" });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0].pointer).toBe("/reference");
    const notAnAnchor = await request(app).post(`${path}/verify`).send({ recordCount: "all" });
    expect(notAnAnchor.status).toBe(400);
  });

  it("pages a case's records, and names a bad page parameter", async () => {
    const res = await request(app).get(`${path}/records?from=2&limit=2`);
    expect(res.status).toBe(200);
    ok("CaseHistory", res.body);
    expect(res.body).toMatchObject({
      recordCount: 4,
      from: 2,
      limit: 2,
      next: `${path}/records?from=4&limit=2`,
    });
    expect(res.body.records.map((r: { seq: number }) => r.seq)).toEqual([2, 3]);
    expect(res.body.records[0].madeBy).toEqual({ kind: "anyone" });
    const bad = await request(app).get(`${path}/records?limit=5000`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe("limit");
  });

  it("logs every read and write of the case, with who, what and from where, for the chair", async () => {
    const res = await request(app).get(`${path}/access-log?limit=200`);
    expect(res.status).toBe(200);
    ok("AccessLog", res.body);
    expect(res.body.valid).toBe(true);
    const operations = res.body.entries.map((e: { operation: string }) => e.operation).reverse();
    expect(operations.slice(0, 4)).toEqual([
      "open-case",
      "record-advice",
      "record-decision",
      "record-decision",
    ]);
    expect(operations).toEqual(
      expect.arrayContaining(["read-records", "read-minutes", "verify", "anchor", "export"]),
    );
    expect(res.body.entries[0]).toMatchObject({
      madeBy: { kind: "anyone" },
      address: expect.stringMatching(/127\.0\.0\.1/),
    });
    // The log never holds what was sent: no reasons, no answers.
    expect(JSON.stringify(res.body)).not.toContain("single-agency");
  });

  it("answers 404 for a case that does not exist", async () => {
    const res = await request(app).get(`/v1/cases/${encodeURIComponent("NOPE/1")}`);
    expect(res.status).toBe(404);
    ok("Problem", res.body);
  });

  it("records a decision on advice recorded before advice and record shared one id, by the id its minutes print", async () => {
    // Advice as records made before the change hold it: its own decisionId, a different record id.
    const OLD = "OLD/2023-001";
    const store = new RecordStore(db, { key });
    await store.createCase(OLD, { kind: "anyone" });
    const fresh = await request(app)
      .post("/v1/assessments")
      .send({ answers: { childDied: "yes", abuseOrNeglect: "yes" } });
    const { adviceId: printed, ...rest } = fresh.body as { adviceId: string };
    await store.append(
      OLD,
      "assessment",
      {
        request: { answers: {} },
        assessment: { ...rest, decisionId: printed },
      },
      { kind: "anyone" },
    );
    const res = await request(app)
      .post(`/v1/cases/${encodeURIComponent(OLD)}/decisions`)
      .send({
        adviceId: printed,
        decision: "serious-case-review",
        decidedOn: "2024-03-26",
        decidedBy: "Independent Chair",
        reasons: "The criteria are met.",
      });
    expect(res.status).toBe(201);
    expect(res.body.decision.advice.adviceId).toBe(printed);
    expect(res.body.decision.departsFromAdvice).toBe(false);
  });

  // A date past the bank-holiday table is in the future, which a decision cannot be (issue 14):
  // it is refused as such, naming the date.
  it("names the decision's date when it lies past the bank-holiday table, in the future", async () => {
    const res = await request(app).post(`${path}/decisions`).send({
      adviceId,
      decision: "no-further-action",
      decidedOn: "2028-12-29",
      decidedBy: "Independent Chair",
      reasons: "r",
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/decidedOn"]);
    expect(res.body.errors[0].detail).toMatch(/future/);
  });
});
