/**
 * Recording a decision properly, reassessing, correcting and the case's minutes (issue 14), over
 * HTTP on each database: dates the decision cannot have, double submission made harmless by an
 * idempotency key, the departure shown before anything is stored, a correction beside the
 * original, what changed on reassessment, and the case's minutes in every format (.docx read back).
 */
import mammoth from "mammoth";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { createApp } from "../app.js";
import type { Db } from "./db.js";
import { RecordStore } from "./store.js";
import { contractErrors } from "../../test/support/contract.js";
import { BACKENDS } from "../../test/support/databases.js";
import { formPass, postForm } from "../../test/support/forms.js";
import { service } from "../../test/support/service.js";
import { todayInEngland } from "./decision-flow.js";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** An ISO date `days` from today in England. */
const fromToday = (days: number) => {
  const d = new Date(`${todayInEngland()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

describe.each(BACKENDS)("recording decisions properly on $name", (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: Express;
  const REF = "CHSCB/2024-201";
  const path = `/v1/cases/${encodeURIComponent(REF)}`;
  const pagePath = `/cases/${encodeURIComponent(REF)}`;
  let adviceId = "";

  beforeAll(async () => {
    ({ db, cleanup } = await backend.open());
    app = createApp(await service(), { bodyLimit: 100 * 1024, records: new RecordStore(db) });
    await request(app).post("/v1/cases").send({ reference: REF }).expect(201);
    const res = await request(app)
      .post(`${path}/assessments`)
      .send({ answers: { childDied: "yes", abuseOrNeglect: "yes" }, dates: { referral: "2024-03-01" } });
    adviceId = res.body.recordId;
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  const count = async () => (await request(app).get(path)).body.records.length as number;
  const decision = (extra: Record<string, unknown> = {}) => ({
    adviceId,
    decision: "serious-case-review",
    decidedOn: "2024-03-20",
    decidedBy: "Independent Chair",
    reasons: "The criteria are met.",
    ...extra,
  });

  it("refuses a decision dated in the future (400 naming /decidedOn), and stores nothing", async () => {
    const before = await count();
    const res = await request(app)
      .post(`${path}/decisions`)
      .send(decision({ decidedOn: fromToday(1) }));
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ pointer: "/decidedOn", detail: expect.stringMatching(/future/) }]);
    expect(await count()).toBe(before);
    // Today is not the future.
    const today = await request(app)
      .post(`${path}/decisions`)
      .send(decision({ decidedOn: fromToday(0) }));
    expect(today.status).toBe(201);
  });

  it("refuses a decision dated before the referral it answers (400 naming /decidedOn)", async () => {
    const res = await request(app)
      .post(`${path}/decisions`)
      .send(decision({ decidedOn: "2024-02-29" }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { pointer: "/decidedOn", detail: expect.stringMatching(/before the referral.*1 March 2024/) },
    ]);
    const onTheDay = await request(app)
      .post(`${path}/decisions`)
      .send(decision({ decidedOn: "2024-03-01" }));
    expect(onTheDay.status).toBe(201);
  });

  it("returns the first decision again for the same Idempotency-Key, and adds nothing", async () => {
    const key = `k-${backend.name}-decision`;
    const first = await request(app).post(`${path}/decisions`).set("Idempotency-Key", key).send(decision());
    expect(first.status).toBe(201);
    expect(contractErrors("DecisionReceipt", first.body)).toEqual([]);
    const records = await count();
    const again = await request(app).post(`${path}/decisions`).set("Idempotency-Key", key).send(decision());
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.recordId).toBe(first.body.recordId);
    expect(again.body.hash).toBe(first.body.hash);
    expect(await count()).toBe(records);

    const other = await request(app)
      .post(`${path}/decisions`)
      .set("Idempotency-Key", key)
      .send(decision({ reasons: "Different reasons." }));
    expect(other.status).toBe(409);
    expect(other.body.errors[0].pointer).toBe("Idempotency-Key");
    expect(await count()).toBe(records);
  });

  it("returns the first advice again for the same Idempotency-Key, and adds nothing", async () => {
    const body = { answers: { childDied: "no" }, dates: { referral: "2024-03-01" } };
    const first = await request(app)
      .post(`${path}/assessments`)
      .set("Idempotency-Key", "advice-1")
      .send(body);
    expect(first.status).toBe(201);
    const records = await count();
    const again = await request(app)
      .post(`${path}/assessments`)
      .set("Idempotency-Key", "advice-1")
      .send(body);
    expect(again.status).toBe(201);
    expect(again.body.recordId).toBe(first.body.recordId);
    expect(again.body.assessment.adviceId).toBe(first.body.assessment.adviceId);
    expect(await count()).toBe(records);
    const bad = await request(app).post(`${path}/assessments`).set("Idempotency-Key", "no spaces").send(body);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe("Idempotency-Key");
  });

  it("shows the departure from the advice, in the guidance's words, before anything is stored", async () => {
    // The latest advice is now "criteria not met" (child did not die): go back to the first advice.
    const pass = await formPass(app, pagePath);
    const before = await count();
    const res = await postForm(app, `${pagePath}/decisions/check`, pass, {
      adviceId,
      decision: "no-further-action",
      "decidedOn-day": "20",
      "decidedOn-month": "3",
      "decidedOn-year": "2024",
      decidedBy: "Independent Chair",
      reasons: "A single-agency review is under way.",
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-departure="departs"');
    expect(res.text).toContain("may be subject to scrutiny by the national panel");
    expect(res.text).toContain("004_dcf93c0f41036063.txt, §5.4");
    expect(res.text).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
    expect(await count()).toBe(before);
  });

  it("keeps the answers and names the date on the page when the decision is dated in the future", async () => {
    const pass = await formPass(app, pagePath);
    const future = fromToday(30).split("-");
    const res = await postForm(app, `${pagePath}/decisions/check`, pass, {
      adviceId,
      decision: "serious-case-review",
      "decidedOn-day": String(Number(future[2])),
      "decidedOn-month": String(Number(future[1])),
      "decidedOn-year": future[0]!,
      decidedBy: "Independent Chair",
      reasons: "Kept reasons.",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("govuk-error-summary");
    expect(res.text).toContain('href="#decidedOn-day"');
    expect(res.text).toMatch(/The date of the decision must not be in the future/);
    expect(res.text).toContain("Kept reasons.");
  });

  it("records once from the page for one form key, and shows the confirmation panel", async () => {
    const pass = await formPass(app, pagePath);
    const before = await count();
    const fields = {
      adviceId,
      decision: "serious-case-review",
      "decidedOn-day": "21",
      "decidedOn-month": "3",
      "decidedOn-year": "2024",
      decidedBy: "Independent Chair",
      reasons: "Recorded once.",
      idempotencyKey: "11111111-2222-3333-4444-555555555555",
    };
    const first = await postForm(app, `${pagePath}/decisions`, pass, fields);
    expect(first.status).toBe(303);
    const second = await postForm(app, `${pagePath}/decisions`, pass, fields);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await count()).toBe(before + 1);
    const panel = await request(app).get(first.headers.location!);
    expect(panel.text).toContain("govuk-panel--confirmation");
    expect(panel.text).toContain("Decision recorded");
    expect(panel.text).toContain("Recorded once.");
  });

  it("records a correction as a new record naming the one it corrects, both visible", async () => {
    const original = await request(app)
      .post(`${path}/decisions`)
      .send(decision({ decision: "no-further-action", reasons: "Original reasons." }));
    const correction = await request(app)
      .post(`${path}/decisions`)
      .send(decision({ corrects: original.body.recordId, reasons: "Corrected reasons." }));
    expect(correction.status).toBe(201);
    expect(correction.body.decision.corrects).toBe(original.body.recordId);
    const page = await request(app).get(pagePath);
    expect(page.text).toContain("Original reasons.");
    expect(page.text).toContain("Corrected reasons.");
    expect(page.text).toContain(`Corrected by record ${correction.body.seq}`);
    expect(page.text).toContain(`corrects record ${original.body.seq}`);
    // The correction form starts from the decision it corrects.
    const form = await request(app).get(`${pagePath}/decisions/${correction.body.recordId}/correct`);
    expect(form.text).toContain(`name="corrects" value="${correction.body.recordId}"`);
    expect(form.text).toContain("Corrected reasons.");
  });

  it("names in the minutes who recorded each decision, and the capacity only when one was given", async () => {
    const without = await request(app)
      .post(`${path}/decisions`)
      .send({ ...decision(), decidedBy: undefined, decidedOn: "2024-03-21", reasons: "No capacity given." });
    expect(without.status).toBe(201);
    expect(without.body.decision).not.toHaveProperty("decidedBy");
    const md = (await request(app).get(`${path}/minutes`)).text;
    const who = "recorded by someone using this machine without sign-in";
    expect(md).toContain(`**Decided on:** 20 March 2024, as Independent Chair; ${who}.`);
    expect(md).toContain(`**Decided on:** 21 March 2024; ${who}.`);
    // Every record says who made it, the case's opening and each advice too.
    expect(
      md.match(/Recorded by someone using this machine without sign-in/g)!.length,
    ).toBeGreaterThanOrEqual(2);
    const txt = (await request(app).get(`${path}/minutes`).set("Accept", "text/plain")).text;
    expect(txt).toContain(`Decided on: 21 March 2024; ${who}.`);
  });

  it("gives the case's minutes as one document in every format, the .docx readable", async () => {
    const md = await request(app).get(`${path}/minutes`).set("Accept", "text/markdown");
    expect(md.text).toContain(`# Case ${REF}: minutes`);
    expect(md.text).toContain("## Where the case stands");
    expect(md.text).toContain("> Corrected reasons.");
    // Each advice in its one-page form, never the internal ids.
    expect(md.text).toContain("### Open questions that could change it");
    expect(md.text).not.toContain("childDied");
    const html = await request(app).get(`${path}/minutes`).set("Accept", "text/html");
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.text).toContain("<h2>Deadlines</h2>");
    const docx = await request(app)
      .get(`${path}/minutes`)
      .set("Accept", DOCX)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(docx.headers["content-type"]).toBe(DOCX);
    const { value } = await mammoth.extractRawText({ buffer: docx.body as Buffer });
    expect(value).toContain(`Case ${REF}: minutes`);
    expect(value).toContain("Corrected reasons.");
    expect(value).toContain("Serious Case Review to be undertaken");
    const pageMinutes = await request(app).get(`${pagePath}/minutes`);
    expect(pageMinutes.text).toContain("data-case-minutes");
    const download = await request(app).get(`${pagePath}/minutes.txt`);
    expect(download.headers["content-disposition"]).toMatch(/attachment/);
  });

  it("escapes free text in the Markdown minutes", async () => {
    await request(app)
      .post(`${path}/decisions`)
      .send(decision({ reasons: "# Not a heading\n[link](http://x) <b>bold</b>" }))
      .expect(201);
    const md = await request(app).get(`${path}/minutes`);
    expect(md.text).toContain("> \\# Not a heading");
    expect(md.text).toContain("\\[link\\](http://x) \\<b\\>bold\\</b\\>");
  });

  it("reassesses from the case's last answers and shows what changed in the answers and the advice", async () => {
    const REF2 = "CHSCB/2024-202";
    const p2 = `/cases/${encodeURIComponent(REF2)}`;
    await request(app).post("/v1/cases").send({ reference: REF2 }).expect(201);
    await request(app)
      .post(`/v1/cases/${encodeURIComponent(REF2)}/assessments`)
      .send({ answers: { childDied: "yes" }, dates: { referral: "2024-03-01" } })
      .expect(201);
    const form = await request(app).get(`${p2}/reassess`);
    expect(form.status).toBe(200);
    expect(form.text).toContain("data-reassess");
    expect(form.text).toMatch(/name="childDied" type="radio" value="yes" checked/);
    expect(form.text).toContain(`action="${p2}/reassess"`);
    const pass = await formPass(app, `${p2}/reassess`);
    const res = await postForm(app, `${p2}/reassess`, pass, {
      edition: "wt2015",
      childDied: "yes",
      abuseOrNeglect: "yes",
      "referral-day": "1",
      "referral-month": "3",
      "referral-year": "2024",
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-changes="answers"');
    expect(res.text).toMatch(
      /Is abuse or neglect known or suspected \(to be a factor\)\?[\s\S]*not answered[\s\S]*yes/,
    );
    expect(res.text).toMatch(
      /Not yet determined \(at least: [^)]*still possible[^)]*\)[\s\S]*Initiate a Serious Case Review/,
    );
    expect(res.text).toContain("Changed");
    // Nothing was saved: the case still holds its one advice.
    const records = (await request(app).get(`/v1/cases/${encodeURIComponent(REF2)}`)).body.records;
    expect(records.filter((r: { kind: string }) => r.kind === "assessment")).toHaveLength(1);
    // The case page words an open advice by its floor and what is still possible.
    const casePage = await request(app).get(p2);
    expect(casePage.text).not.toContain("so far; not yet determined");
    expect(casePage.text).toMatch(/Not yet determined \(at least: [^)]+; still possible: [^)]+\)/);
  });
});
