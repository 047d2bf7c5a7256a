/**
 * Recording a decision under each edition (issue 16), over HTTP on each database: a Welsh board
 * records a child practice review's options, a concise review where an extended one was advised
 * departing in the ladder's words; the safeguarding partners record their local review decision
 * with the rapid review's recommendation, which is required there and refused elsewhere.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { createApp } from "../app.js";
import type { Db } from "./db.js";
import { recordsKey } from "./keys.js";
import { RecordStore } from "./store.js";
import { contractErrors } from "../../test/support/contract.js";
import { BACKENDS } from "../../test/support/databases.js";
import { service } from "../../test/support/service.js";

describe.each(BACKENDS)("decisions under each edition on $name", (backend) => {
  const key = recordsKey(randomBytes(32));
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: Express;
  beforeAll(async () => {
    ({ db, cleanup } = await backend.open());
    app = createApp(await service(), { bodyLimit: 100 * 1024, records: new RecordStore(db, { key }) });
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  const advise = async (reference: string, body: object): Promise<string> => {
    const path = `/v1/cases/${encodeURIComponent(reference)}`;
    expect((await request(app).post("/v1/cases").send({ reference })).status).toBe(201);
    const res = await request(app).post(`${path}/assessments`).send(body);
    expect(res.status).toBe(201);
    return res.body.assessment.adviceId as string;
  };
  const decide = (reference: string, body: object) =>
    request(app)
      .post(`/v1/cases/${encodeURIComponent(reference)}/decisions`)
      .send({ decidedOn: "2024-06-20", reasons: "Recorded for the test.", ...body });
  const expectRefused = (res: request.Response, pointer: string) => {
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe(pointer);
  };
  const expectRecorded = (res: request.Response) => {
    expect(res.status).toBe(201);
    expect(contractErrors("DecisionReceipt", res.body)).toEqual([]);
  };
  /** Advice on a case opened under a country's current edition, for an incident on 10 May 2024. */
  const adviseIn = (reference: string, country: string, answers: Record<string, string>) =>
    advise(reference, { incidentDate: "2024-05-10", country, answers });

  it("a Welsh board: a concise review where an extended one was advised departs, in the ladder's words", async () => {
    const adviceId = await adviseIn("WAL/2024-1", "wales", {
      incidentInArea: "yes",
      abuseOrNeglect: "yes",
      childDied: "yes",
      childProtectionRegisterOrLookedAfterInSixMonths: "yes",
    });
    const scr = await decide("WAL/2024-1", { adviceId, decision: "serious-case-review" });
    expectRefused(scr, "/decision");
    expect(scr.body.errors[0].detail).toContain("Child practice reviews (Wales)");
    const res = await decide("WAL/2024-1", { adviceId, decision: "concise-cpr" });
    expectRecorded(res);
    expect(res.body.decision.departsFromAdvice).toBe(true);
    expect(res.body.decision.departure).toContain("hold an extended child practice review");
    expect(res.body.decision.departure).not.toMatch(/extended-cpr|concise-cpr/);
    // Completion: 6 months from the board's decision (001).
    expect(res.body.decision.deadlines).toEqual([
      expect.objectContaining({ id: "complete-review", due: "2024-12-20" }),
    ]);
  });

  it("the safeguarding partners: the rapid review's recommendation is required, recorded, and named when the decision goes against it", async () => {
    const adviceId = await adviseIn("ENG/2024-2", "england", {
      incidentInArea: "yes",
      abuseOrNeglect: "yes",
      childSeriouslyHarmed: "yes",
      recurrentThemes: "yes",
    });
    const missing = await decide("ENG/2024-2", { adviceId, decision: "no-local-review" });
    expectRefused(missing, "/recommendation");
    const res = await decide("ENG/2024-2", {
      adviceId,
      decision: "no-local-review",
      recommendation: "local-review",
    });
    expectRecorded(res);
    expect(res.body.decision.departsFromAdvice).toBe(false);
    expect(res.body.decision.recommendation).toMatchObject({ id: "local-review" });
    expect(res.body.decision.departure).toMatch(/the safeguarding partners'.*record why/);
    const minutes = await request(app).get(`/v1/cases/${encodeURIComponent("ENG/2024-2")}/minutes`);
    // The partners' decision, due with the rapid review (edition.yaml decisionTimescale), is done.
    expect(minutes.text).toMatch(
      /local child safeguarding practice review, after the rapid review.*\(decided on 20 June 2024/,
    );
    expect(minutes.text).toMatch(
      /Recommendation recorded with it:\*\* A local child safeguarding practice review\./,
    );
    // The case's minutes name who decides under its edition, not an English chair.
    expect(minutes.text).toContain("the decision is the safeguarding partners' alone");
    expect(minutes.text).not.toContain("the chair's alone");
  });

  it("refuses a recommendation under an edition that records none", async () => {
    const adviceId = await advise("CHSCB/2024-3", {
      edition: "wt2015",
      answers: { childDied: "yes", abuseOrNeglect: "yes" },
    });
    const res = await decide("CHSCB/2024-3", {
      adviceId,
      decision: "serious-case-review",
      recommendation: "local-review",
    });
    expectRefused(res, "/recommendation");
  });
});
