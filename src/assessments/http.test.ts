/**
 * The assessment endpoint, as a client meets it: real app, real rules, over HTTP (supertest).
 * Every response body is also checked against the OpenAPI document.
 */
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { contractErrors } from "../../test/support/contract.js";
import { service } from "../../test/support/service.js";
import type { Express } from "express";

let app: Express;
beforeAll(async () => {
  app = createApp(await service(), { bodyLimit: 100 * 1024 });
});

async function post(body: unknown, accept = "application/json") {
  const res = await request(app)
    .post("/v1/assessments")
    .set("Accept", accept)
    .send(body as object);
  if (res.status === 200 && accept === "application/json") {
    expect(contractErrors("Assessment", res.body)).toEqual([]);
  } else if (res.status >= 400) {
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(contractErrors("Problem", res.body)).toEqual([]);
  }
  return res;
}

const criterion = (body: { criteria: Array<{ id: string; status: string }> }, id: string) =>
  body.criteria.find((c) => c.id === id)!;

describe("POST /v1/assessments: outcomes", () => {
  it("when a child has died and neglect is suspected, a review must be initiated, and that is determined", async () => {
    const res = await post({ answers: { childDied: "yes", abuseOrNeglect: "yes" } });
    expect(res.status).toBe(200);
    expect(res.body.edition.id).toBe("wt2015");
    expect(res.body.outcome).toBe("initiate-scr");
    expect(res.body.determined).toBe(true);
    expect(res.body.possibleOutcomes).toEqual(["initiate-scr"]);
    expect(res.body.decisiveQuestions).toEqual([]);
    const i = criterion(res.body, "wt2015-i-death") as unknown as Record<string, unknown>;
    expect(i.status).toBe("met");
    expect(i.level).toBe("must");
    expect(i.citation).toMatchObject({ document: "004_dcf93c0f41036063.txt", section: "§4.4 (i)" });
    expect(i.quote).toContain("Abuse or Neglect of a child is known or suspected AND the child has died");
  });

  it("when a deciding question is unknown, the outcome is undetermined and the question is named as decisive", async () => {
    const res = await post({
      answers: { abuseOrNeglect: "yes", childDied: "unknown", childSeriouslyHarmed: "no" },
    });
    expect(res.status).toBe(200);
    expect(res.body.determined).toBe(false);
    expect(res.body.possibleOutcomes).toContain("initiate-scr");
    expect(res.body.outcome).toBe("criteria-not-met");
    const died = res.body.decisiveQuestions.find((d: { id: string }) => d.id === "childDied");
    expect(died.wording).toBe("Has the child died (including suspected suicide)?");
    expect(died.ifAnswered).toContainEqual({ answer: "yes", possibleOutcomes: ["initiate-scr"] });
    expect(criterion(res.body, "wt2015-i-death").status).toBe("undetermined");
  });

  it("when nothing is answered, every outcome remains possible", async () => {
    const res = await post({ answers: {} });
    expect(res.body.possibleOutcomes).toEqual(["initiate-scr", "consider-scr", "criteria-not-met"]);
    expect(res.body.determined).toBe(false);
    expect(res.body.openQuestions).toContain("childDied");
  });

  it("when every question is answered no, the criteria are not met, determined, and the alternatives are given", async () => {
    const ruleset = await request(app).get("/v1/rulesets/wt2015");
    const answers = Object.fromEntries(
      ruleset.body.questions.map((q: { id: string; kind: string }) => [q.id, q.kind === "age" ? 10 : "no"]),
    );
    const res = await post({ answers });
    expect(res.body.outcome).toBe("criteria-not-met");
    expect(res.body.determined).toBe(true);
    expect(res.body.alternatives.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining(["multi-agency-case-review", "single-agency-review", "no-further-action"]),
    );
  });

  it("when one of the eleven questions is answered yes, a review is to be considered", async () => {
    const res = await post({
      answers: {
        childDied: "no",
        childSeriouslyHarmed: "no",
        diedInCustody: "no",
        childProtectionPlan: "yes",
      },
    });
    expect(res.body.outcome).toBe("consider-scr");
    expect(criterion(res.body, "wt2015-q08-child-protection-plan").status).toBe("met");
  });

  it("under WT2015, serious harm through abuse with the concerns question unanswered still requires a review, and says why", async () => {
    const res = await post({ answers: { abuseOrNeglect: "yes", childSeriouslyHarmed: "yes" } });
    expect(res.body.outcome).toBe("initiate-scr");
    expect(res.body.determined).toBe(true);
    const ii = res.body.criteria.find((c: { id: string }) => c.id === "wt2015-ii-serious-harm");
    expect(ii.status).toBe("met");
    expect(ii.assumptions[0].question).toBe("concernsAboutWorkingTogether");
    expect(ii.quote).toContain("unless it is clear that there are no concerns about inter-agency working");
    expect(res.body.minutes).toContain(
      "Unanswered question read as the guidance directs: concernsAboutWorkingTogether",
    );
  });

  it("under WT2015, serious harm through abuse where it is clear there are no concerns does not require a review", async () => {
    const res = await post({
      answers: { abuseOrNeglect: "yes", childSeriouslyHarmed: "yes", concernsAboutWorkingTogether: "no" },
    });
    expect(criterion(res.body, "wt2015-ii-serious-harm").status).toBe("not-met");
  });

  it("under WT2010 there is no mandatory serious-harm criterion", async () => {
    const answers = {
      abuseOrNeglect: "yes",
      childSeriouslyHarmed: "yes",
      concernsAboutWorkingTogether: "yes",
      childDied: "no",
    };
    const wt2015 = await post({ edition: "wt2015", answers });
    const wt2010 = await post({ edition: "wt2010", answers });
    expect(wt2015.body.outcome).toBe("initiate-scr");
    expect(wt2010.body.edition.id).toBe("wt2010");
    expect(
      wt2010.body.criteria.filter(
        (c: { level: string; status: string }) => c.level === "should-always" && c.status === "met",
      ),
    ).toEqual([]);
    expect(wt2010.body.possibleOutcomes).not.toContain("initiate-scr");
  });

  it("a 16-year-old who died under a deprivation of liberty order calls for a review under WT2015 but is not a WT2010 criterion", async () => {
    const answers = {
      childDied: "yes",
      abuseOrNeglect: "no",
      diedInCustody: "no",
      detainedUnderMentalHealthAct: "no",
      deprivationOfLibertyOrder: "yes",
      ageYears: 16,
    };
    const wt2015 = await post({ edition: "wt2015", answers });
    expect(criterion(wt2015.body, "wt2015-iii-custody").status).toBe("met");
    const wt2010 = await post({ edition: "wt2010", answers });
    expect(criterion(wt2010.body, "wt2010-8.9-custody").status).toBe("not-met");
  });

  it("a child killed by a parent with a mental illness: consider under WT2015, always under WT2010", async () => {
    const answers = {
      childDied: "yes",
      killedByParentWithMentalIllness: "yes",
      concernsAboutWorkingTogether: "yes",
      abuseOrNeglect: "unknown",
    };
    const wt2015 = await post({ edition: "wt2015", answers });
    expect(criterion(wt2015.body, "wt2015-vii-killed-by-parent-with-mental-illness").status).toBe("met");
    expect(wt2015.body.outcome).toBe("consider-scr");
    const wt2010 = await post({ edition: "wt2010", answers });
    expect(criterion(wt2010.body, "wt2010-8.9-killed-by-relative").status).toBe("met");
    expect(wt2010.body.outcome).toBe("initiate-scr");
  });

  it("a question the edition does not use is accepted and reported as not used", async () => {
    const res = await post({
      edition: "wt2010",
      answers: { deprivationOfLibertyOrder: "yes", childDied: "no" },
    });
    expect(res.status).toBe(200);
    expect(res.body.answers).toContainEqual(
      expect.objectContaining({ id: "deprivationOfLibertyOrder", answer: "yes", usedByEdition: false }),
    );
    expect(res.body.minutes).toContain("(not used by Working Together 2010)");
  });

  it("reports the rule-set version and content hash, the same as the rule-set listing", async () => {
    const res = await post({ answers: {} });
    const list = await request(app).get("/v1/rulesets");
    const wt2015 = list.body.editions.find((e: { id: string }) => e.id === "wt2015");
    expect(res.body.ruleset).toEqual(wt2015.ruleset);
    expect(res.body.ruleset.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("triggers: a death of a looked after child is notifiable and goes to child death review, with what follows", async () => {
    const res = await post({ answers: { childDied: "yes", lookedAfterChild: "yes", abuseOrNeglect: "no" } });
    const t = (id: string) => res.body.triggers.find((x: { id: string }) => x.id === id);
    expect(t("notifiable-incident").status).toBe("met");
    expect(t("notifiable-incident").requires.quote).toContain("within five working days of becoming aware");
    expect(t("child-death-review").status).toBe("met");
    expect(t("domestic-homicide-review").status).toBe("undetermined");
    const notify = res.body.actions.find((a: { id: string }) => a.id === "notify-ofsted");
    expect(notify.applies).toBe("required");
  });
});

describe("POST /v1/assessments: deadlines", () => {
  const due = (body: { actions: Array<{ id: string; due: string | null }> }, id: string) =>
    body.actions.find((a) => a.id === id)!.due;

  it("counts Ofsted's five working days over Easter (Good Friday and Easter Monday 2024 do not count)", async () => {
    const res = await post({
      answers: { childDied: "yes", abuseOrNeglect: "yes" },
      dates: { becameAware: "2024-03-25" },
    });
    expect(due(res.body, "notify-ofsted")).toBe("2024-04-03");
  });

  it("starts counting on the next working day when the incident came to attention on a Saturday (coronation bank holiday 2023)", async () => {
    const res = await post({ answers: {}, dates: { becameAware: "2023-05-06" } });
    expect(due(res.body, "notify-ofsted")).toBe("2023-05-15");
  });

  it("skips the 2022 Platinum Jubilee days when counting from a decision", async () => {
    const res = await post({ answers: {}, dates: { decision: "2022-05-31" } });
    expect(due(res.body, "notify-decision")).toBe("2022-06-09");
  });

  it("clamps months to the month's end: 31 January plus one month, 31 August plus six months", async () => {
    const referral = await post({ answers: {}, dates: { referral: "2024-01-31" } });
    expect(due(referral.body, "chair-decision")).toBe("2024-02-29");
    expect(due(referral.body, "subgroup-meeting")).toBe("2024-02-21");
    const decision = await post({ answers: {}, dates: { decision: "2023-08-31" } });
    expect(due(decision.body, "complete-review")).toBe("2024-02-29");
    const notLeap = await post({ answers: {}, dates: { referral: "2023-01-31" } });
    expect(due(notLeap.body, "chair-decision")).toBe("2023-02-28");
  });

  it("counts seven working days back from publication over New Year", async () => {
    const res = await post({ answers: {}, dates: { publication: "2024-01-10" } });
    expect(due(res.body, "send-report-before-publication")).toBe("2023-12-29");
    expect(due(res.body, "keep-published-until")).toBe("2025-01-10");
  });

  it("leaves a deadline without a date when the date it counts from is not given, and says which", async () => {
    const res = await post({ answers: {} });
    const a = res.body.actions.find((x: { id: string }) => x.id === "complete-review");
    expect(a.due).toBeNull();
    expect(a.from).toBe("decision");
    expect(a.citation.section).toBe("§5.2");
  });

  it("refuses a working-day count past the end of the bank holiday table, naming the field", async () => {
    const res = await post({ answers: {}, dates: { decision: "2028-12-28" } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe("/dates/decision");
    expect(res.body.detail).toContain("2028-12-31");
  });
});

describe("POST /v1/assessments: bad input gets a clear answer naming the field", () => {
  const cases: Array<[string, unknown, string]> = [
    ["an answer outside yes/no/unknown", { answers: { childDied: "maybe" } }, "/answers/childDied"],
    ["an unknown question id", { answers: { childDeid: "yes" } }, "/answers/childDeid"],
    ["an unknown edition", { edition: "wt1999", answers: {} }, "/edition"],
    ["an impossible date", { answers: {}, dates: { referral: "2024-02-30" } }, "/dates/referral"],
    ["a date in another format", { answers: {}, dates: { referral: "30/01/2024" } }, "/dates/referral"],
    [
      "a decision before the referral",
      { answers: {}, dates: { referral: "2024-02-10", decision: "2024-02-01" } },
      "/dates/decision",
    ],
    ["a negative age", { answers: { ageYears: -1 } }, "/answers/ageYears"],
    ["a non-numeric age", { answers: { ageYears: "ten" } }, "/answers/ageYears"],
    ["an age that is not a whole number", { answers: { ageYears: 4.5 } }, "/answers/ageYears"],
    ["an adult's age", { answers: { ageYears: 18 } }, "/answers/ageYears"],
    ["answers that are not an object", { answers: ["yes"] }, "/answers"],
    ["no answers at all", { edition: "wt2015" }, "/answers"],
    ["an unexpected top-level field", { answers: {}, name: "A child" }, "/name"],
    ["a body that is an array", [1, 2], ""],
  ];
  it.each(cases)("400 for %s", async (_what, body, pointer) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("400 for broken JSON", async () => {
    const res = await request(app)
      .post("/v1/assessments")
      .set("Content-Type", "application/json")
      .send('{"answers": {');
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toMatch(/malformed-json$/);
  });

  it("413 for a body over 100 kB", async () => {
    const res = await request(app)
      .post("/v1/assessments")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ answers: {}, padding: "x".repeat(101 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.status).toBe(413);
  });

  it("415 for a body that is not JSON", async () => {
    const res = await request(app)
      .post("/v1/assessments")
      .set("Content-Type", "text/plain")
      .send("childDied=yes");
    expect(res.status).toBe(415);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("400 for a request with no body", async () => {
    const res = await request(app).post("/v1/assessments");
    expect(res.status).toBe(400);
  });

  it("406 when neither JSON nor Markdown is acceptable", async () => {
    const res = await post({ answers: {} }, "image/png");
    expect(res.status).toBe(406);
  });

  it("404 problem for an unknown route, 405 for the wrong method", async () => {
    const missing = await request(app).get("/v1/nothing");
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const wrong = await request(app).get("/v1/assessments");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
  });
});

describe("POST /v1/assessments: minutes", () => {
  it("returns the minutes alone as Markdown when asked for text/markdown", async () => {
    const res = await request(app)
      .post("/v1/assessments")
      .set("Accept", "text/markdown")
      .send({
        answers: {
          childDied: "no",
          childSeriouslyHarmed: "yes",
          abuseOrNeglect: "yes",
          concernsAboutWorkingTogether: "no",
        },
      });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/markdown/);
    expect(res.text).toMatch(/^# Serious Case Review decision/);
    expect(res.text).toContain("## If no Serious Case Review is held");
    expect(res.text).toContain("No further action necessary in accordance with the Panel’s recommendation.");
    expect(res.text).toContain("Have clear written records to support any submission to the National Panel");
  });

  it("quotes and cites every criterion in the minutes, whatever its status", async () => {
    const res = await post({ answers: { childDied: "yes", abuseOrNeglect: "yes" } });
    for (const c of res.body.criteria) {
      expect(res.body.minutes).toContain(c.title);
      expect(res.body.minutes).toContain(c.citation.section);
      expect(res.body.minutes).toContain(`> ${c.quote.split("\n")[0]}`);
    }
    expect(res.body.minutes).toContain("Initiate a Serious Case Review");
  });
});

describe("POST /v1/assessments?view=lean: the advice for applications", () => {
  it("gives the same outcome and what it rests on as the full answer, with each rule cited but no minutes or quotes", async () => {
    const body = {
      edition: "wt2015",
      answers: { childDied: "no", childSeriouslyHarmed: "yes", abuseOrNeglect: "yes" },
    };
    const full = await post(body);
    const res = await request(app).post("/v1/assessments?view=lean").send(body);
    expect(res.status).toBe(200);
    expect(contractErrors("AssessmentLean", res.body)).toEqual([]);
    for (const key of [
      "outcome",
      "determined",
      "possibleOutcomes",
      "decisiveQuestions",
      "openQuestions",
      "answers",
    ])
      expect(res.body[key], key).toEqual(full.body[key]);
    expect(res.body.criteria).toEqual(
      full.body.criteria.map((c: { id: string; status: string; citation: object }) => ({
        id: c.id,
        status: c.status,
        citation: c.citation,
      })),
    );
    expect(res.body).not.toHaveProperty("minutes");
    expect(JSON.stringify(res.body)).not.toContain(full.body.criteria[0].quote);
    expect(JSON.stringify(res.body).length).toBeLessThan(JSON.stringify(full.body).length / 4);
  });

  it("refuses a view it does not have, naming the parameter", async () => {
    const res = await request(app).post("/v1/assessments?view=tiny").send({ answers: {} });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: "view", detail: 'must be "full" or "lean"' }]);
  });
});
