/**
 * Quality assurance of a finished review (000 Appendix I) and the check of its action plan
 * (Appendices F and G), as a board manager meets them over HTTP.
 */
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { createApp } from "../app.js";
import { contractErrors } from "../../test/support/contract.js";
import { service } from "../../test/support/service.js";

let app: Express;
beforeAll(async () => {
  app = createApp(await service(), { bodyLimit: 100 * 1024 });
});

interface Item {
  id: string;
  status: string;
  source: string;
  computation?: { deadline: string | null; missing: string[]; rule: string; dates: Record<string, string> };
}

async function qa(body: object) {
  const res = await request(app).post("/v1/quality-assurance").send(body);
  expect(contractErrors(res.status === 200 ? "QaReport" : "Problem", res.body)).toEqual([]);
  return res;
}
const item = (body: { items: Item[] }, id: string) => body.items.find((i) => i.id === id)!;

describe("POST /v1/quality-assurance: items computed from dates, on each side of the boundary", () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    // The decision within one month of the referral (31 January plus one month is 29 February 2024).
    ["decision-timely", { referral: "2024-01-31", decision: "2024-02-29" }, "achieved"],
    ["decision-timely", { referral: "2024-01-31", decision: "2024-03-01" }, "not-achieved"],
    // Ofsted notified within a month of the incident coming to attention.
    ["ofsted-notified-timely", { becameAware: "2024-01-20", ofstedNotified: "2024-02-20" }, "achieved"],
    ["ofsted-notified-timely", { becameAware: "2024-01-20", ofstedNotified: "2024-02-21" }, "not-achieved"],
    // Completed within six months of the decision (31 August plus six months is 29 February 2024)...
    ["completed-within-six-months", { decision: "2023-08-31", completed: "2024-02-29" }, "achieved"],
    ["completed-within-six-months", { decision: "2023-08-31", completed: "2024-03-01" }, "not-achieved"],
    // ...or by the agreed extension date.
    [
      "completed-within-six-months",
      { decision: "2023-08-31", completed: "2024-05-31", agreedExtension: "2024-05-31" },
      "achieved",
    ],
    [
      "completed-within-six-months",
      { decision: "2023-08-31", completed: "2024-06-01", agreedExtension: "2024-05-31" },
      "not-achieved",
    ],
  ];
  it.each(cases)("%s with %j is %s", async (id, dates, status) => {
    const res = await qa({ dates });
    expect(res.status).toBe(200);
    const i = item(res.body, id);
    expect(i.status).toBe(status);
    expect(i.source).toBe("computed");
    expect(i.computation!.rule.length).toBeGreaterThan(10);
  });

  it("is unknown, naming the date, when a date is missing", async () => {
    const res = await qa({ dates: { referral: "2024-01-31" } });
    const i = item(res.body, "decision-timely");
    expect(i.status).toBe("unknown");
    expect(i.computation!.missing).toEqual(["decision"]);
    expect(item(res.body, "completed-within-six-months").computation!.missing).toEqual([
      "completed",
      "decision",
    ]);
  });
});

describe("POST /v1/quality-assurance: the checklist", () => {
  it("answers every item of Appendix I in its sections, in its own words, with a summary per section and the gaps", async () => {
    const res = await qa({
      answers: {
        "chair-independent": "achieved",
        "summary-accurate": "not-achieved",
        "panel-membership": "not-applicable",
      },
      dates: { referral: "2024-01-31", decision: "2024-02-20" },
    });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(55);
    expect(res.body.sections.map((s: { id: string }) => s.id)).toEqual([
      "decision-and-panel",
      "terms-of-reference",
      "individual-management-reviews",
      "overview-report",
      "executive-summary",
      "action-plan",
    ]);
    const first = res.body.sections[0];
    expect(first).toMatchObject({ total: 9, achieved: 2, notApplicable: 1, notAchieved: 0 });
    expect(item(res.body, "chair-independent")).toMatchObject({ status: "achieved", source: "answer" });
    expect(res.body.items[0].text).toBe(
      "The decision to commence the SCR was made in a timely way, in accordance with Working Together.",
    );
    // Not achieved first, then unknown.
    expect(res.body.gaps[0].id).toBe("summary-accurate");
    expect(res.body.gaps.slice(1).every((g: Item) => g.status === "unknown")).toBe(true);
    const executive = res.body.features.find((f: { id: string }) => f.id === "executive-summary-quality");
    expect(executive.gaps).toContain("summary-accurate");
  });

  it("gives the board a Markdown report with Accept: text/markdown", async () => {
    const res = await request(app)
      .post("/v1/quality-assurance")
      .set("Accept", "text/markdown")
      .send({
        answers: { "summary-accurate": "not-achieved" },
        dates: { referral: "2024-01-31", decision: "2024-03-01" },
      });
    expect(res.headers["content-type"]).toMatch(/^text\/markdown/);
    expect(res.text).toContain("# Quality assurance of a Serious Case Review");
    expect(res.text).toContain("**Not achieved**: The decision to commence the SCR was made in a timely way");
    expect(res.text).toContain("Deadline 2024-02-29");
  });

  it.each([
    ["an unknown item id", { answers: { "chair-is-nice": "achieved" } }, "/answers/chair-is-nice"],
    ["a status outside the four", { answers: { "chair-independent": "yes" } }, "/answers/chair-independent"],
    [
      "an answer to a computed item",
      { answers: { "decision-timely": "achieved" } },
      "/answers/decision-timely",
    ],
    ["an impossible date", { dates: { completed: "2024-02-30" } }, "/dates/completed"],
    [
      "completion before the decision",
      { dates: { decision: "2024-03-01", completed: "2024-02-01" } },
      "/dates/completed",
    ],
    ["an unknown date", { dates: { published: "2024-03-01" } }, "/dates/published"],
  ])("400 naming the field for %s", async (_what, body, pointer) => {
    const res = await qa(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });
});

const GOOD_ROW = {
  recommendation: "Improve information sharing between health and police",
  action: "Audit 20 strategy discussions for health attendance",
  timescale: "2024-09-30",
  rag: "Green",
  responsible: "Police: DCI, public protection",
  monitoring: "Board manager",
  measure: "Health attends 90% of strategy discussions in the audit",
  complete: false,
};

async function check(rows: object[], asOf = "2024-06-01") {
  const res = await request(app).post("/v1/action-plans/check").send({ asOf, rows });
  expect(contractErrors(res.status === 200 ? "PlanReport" : "Problem", res.body)).toEqual([]);
  return res;
}
const codes = (res: { body: { rows: Array<{ findings: Array<{ code: string }> }> } }, i = 0) =>
  res.body.rows[i]!.findings.map((f) => f.code);

describe("POST /v1/action-plans/check", () => {
  it("finds nothing to flag in a complete row that is on track", async () => {
    const res = await check([GOOD_ROW]);
    expect(res.status).toBe(200);
    expect(codes(res)).toEqual([]);
    expect(res.body.judgements.map((j: { id: string }) => j.id)).toEqual([
      "action-specific",
      "measure-tangible",
      "timescale-realistic",
    ]);
  });

  it.each([
    ["recommendation", "missing-recommendation"],
    ["action", "missing-action"],
    ["timescale", "missing-timescale"],
    ["rag", "missing-rag"],
    ["responsible", "missing-responsible"],
    ["monitoring", "missing-monitoring"],
    ["measure", "missing-measure"],
  ])("flags an empty %s column", async (column, code) => {
    const res = await check([{ ...GOOD_ROW, [column]: "  " }]);
    const finding = res.body.rows[0].findings.find((f: { code: string }) => f.code === code);
    expect(finding).toMatchObject({ column });
    expect(finding.quote.length).toBeGreaterThan(10);
  });

  it("is overdue the day after its timescale, not on the day", async () => {
    expect(codes(await check([{ ...GOOD_ROW, timescale: "2024-06-01", rag: "Red" }]))).toEqual([]);
    const late = await check([{ ...GOOD_ROW, timescale: "2024-05-31", rag: "Red" }]);
    expect(codes(late)).toEqual(["overdue"]);
    expect(late.body.rows[0]).toMatchObject({ overdue: true, due: "2024-05-31" });
    expect(codes(await check([{ ...GOOD_ROW, timescale: "2024-05-31", complete: true }]))).toEqual([]);
  });

  it("flags a RAG status the board's definitions rule out", async () => {
    expect(codes(await check([{ ...GOOD_ROW, timescale: "2024-05-31", rag: "Green" }]))).toEqual([
      "overdue",
      "rag-green-but-overdue",
    ]);
    expect(codes(await check([{ ...GOOD_ROW, timescale: "2024-05-31", rag: "amber" }]))).toEqual([
      "overdue",
      "rag-amber-but-overdue",
    ]);
    expect(codes(await check([{ ...GOOD_ROW, rag: "Amber", complete: true }]))).toEqual([
      "rag-amber-but-complete",
    ]);
    expect(codes(await check([{ ...GOOD_ROW, rag: "Purple" }]))).toEqual(["invalid-rag"]);
  });

  it("reads UK dates, and flags a timescale that is not a date", async () => {
    const res = await check([
      { ...GOOD_ROW, timescale: "31/05/2024" },
      { ...GOOD_ROW, timescale: "end of Q2" },
    ]);
    expect(res.body.rows[0].due).toBe("2024-05-31");
    expect(codes(res, 1)).toEqual(["invalid-timescale"]);
  });

  it("reads the plan as a CSV spreadsheet with the Appendix F headings, rows in the same order", async () => {
    const csv = [
      "No,RECOMMENDATION,ACTION,TIMESCALE,STATUS RAG rated,RESPONSIBLE AGENCY & PERSON(S),PERSON RESPONSIBLE FOR MONITORING,MEASUREMENT(S) OF SUCCESS,Complete",
      '1,"Improve sharing, across agencies",Audit 20 cases,31/03/2024,Green,Police - DCI,Board manager,Audit shows sharing,no',
      "2,Train staff,Run four sessions,2024-12-31,Amber,Health - named nurse,QA sub-group,90% attendance,",
      "3,,,,,,,,yes",
    ].join("\n");
    const res = await request(app)
      .post("/v1/action-plans/check?asOf=2024-06-01")
      .set("Content-Type", "text/csv")
      .send(csv);
    expect(res.status).toBe(200);
    expect(contractErrors("PlanReport", res.body)).toEqual([]);
    expect(res.body.rows.map((r: { row: number }) => r.row)).toEqual([1, 2, 3]);
    expect(res.body.rows[0].recommendation).toBe("Improve sharing, across agencies");
    expect(codes(res, 0)).toEqual(["overdue", "rag-green-but-overdue"]);
    expect(codes(res, 1)).toEqual([]);
    expect(codes(res, 2)).toContain("missing-action");
    expect(res.body.summary).toEqual({ rows: 3, withFindings: 2, overdue: 1 });
  });

  it.each([
    ["a CSV without asOf", "text/csv", "RECOMMENDATION\nx", "", "asOf"],
    [
      "a CSV with an unknown column",
      "text/csv",
      "Recommendation,Colour\nx,y",
      "?asOf=2024-06-01",
      'header "Colour"',
    ],
    [
      "JSON rows that are not a list",
      "application/json",
      JSON.stringify({ asOf: "2024-06-01", rows: {} }),
      "",
      "/rows",
    ],
    [
      "JSON with complete as text",
      "application/json",
      JSON.stringify({ asOf: "2024-06-01", rows: [{ complete: "yes" }] }),
      "",
      "/rows/0/complete",
    ],
  ])("400 naming the field for %s", async (_what, type, body, query, pointer) => {
    const res = await request(app)
      .post(`/v1/action-plans/check${query}`)
      .set("Content-Type", type)
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it("415 for a plan sent as anything but JSON or CSV", async () => {
    const res = await request(app)
      .post("/v1/action-plans/check")
      .set("Content-Type", "text/plain")
      .send("a,b");
    expect(res.status).toBe(415);
  });
});
