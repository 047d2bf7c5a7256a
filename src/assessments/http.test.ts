/**
 * The assessment endpoint, as a client meets it: real app, real rules, over HTTP (supertest).
 * Every response body is also checked against the OpenAPI document.
 */
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { contractErrors } from "../../test/support/contract.js";
import { service } from "../../test/support/service.js";
import mammoth from "mammoth";
import { wordCount } from "./minutes.js";
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
    // An open outcome never reads as a decision: "undetermined", with the floor beside it.
    expect(res.body.outcome).toBe("undetermined");
    expect(res.body.atLeast).toBe("criteria-not-met");
    const died = res.body.decisiveQuestions.find((d: { id: string }) => d.id === "childDied");
    expect(died.wording).toBe("Has the child died (including suspected suicide)?");
    expect(died.ifAnswered).toContainEqual({ answer: "yes", possibleOutcomes: ["initiate-scr"] });
    expect(criterion(res.body, "wt2015-i-death").status).toBe("undetermined");
  });

  it("when nothing is answered, every outcome remains possible and the core questions lead the decisive list", async () => {
    for (const edition of ["wt2015", "wt2010"]) {
      const res = await post({ edition, answers: {} });
      expect(res.body.possibleOutcomes).toEqual(["initiate-scr", "consider-scr", "criteria-not-met"]);
      expect(res.body.determined).toBe(false);
      expect(res.body.outcome).toBe("undetermined");
      expect(res.body.openQuestions).toContain("childDied");
      const ids = res.body.decisiveQuestions.map((d: { id: string }) => d.id);
      const core =
        edition === "wt2015" ? ["childDied", "childSeriouslyHarmed", "abuseOrNeglect"] : ["childDied"];
      expect(ids.slice(0, core.length)).toEqual(core);
      if (edition === "wt2010") expect(ids.indexOf("abuseOrNeglect")).toBeLessThan(3);
      // The eleven questions (13 parts) sit together, each under its question.
      const eleven = res.body.decisiveQuestions
        .map((d: { partOf: unknown }, i: number) => (d.partOf ? i : -1))
        .filter((i: number) => i >= 0);
      expect(eleven).toHaveLength(13);
      expect(eleven[12] - eleven[0]).toBe(12);
    }
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

  it("under WT2015, serious harm through abuse with the concerns question unanswered still requires a review, says what that rests on, and lists the concerns question as decisive", async () => {
    const res = await post({ answers: { abuseOrNeglect: "yes", childSeriouslyHarmed: "yes" } });
    expect(res.body.outcome).toBe("initiate-scr");
    expect(res.body.determined).toBe(true);
    const ii = res.body.criteria.find((c: { id: string }) => c.id === "wt2015-ii-serious-harm");
    expect(ii.status).toBe("met");
    expect(ii.title).toContain("unless it is clear that there are no concerns about inter-agency working");
    expect(ii.assumptions[0].question).toBe("concernsAboutWorkingTogether");
    expect(ii.quote).toContain("unless it is clear that there are no concerns about inter-agency working");
    const concerns = res.body.decisiveQuestions.find(
      (d: { id: string }) => d.id === "concernsAboutWorkingTogether",
    );
    expect(concerns.assumption.rule).toBe("wt2015-ii-serious-harm");
    expect(concerns.bearsOn).toBe("initiate-scr");
    expect(concerns.ifAnswered.find((e: { answer: string }) => e.answer === "no").possibleOutcomes).toEqual([
      "initiate-scr",
      "consider-scr",
      "criteria-not-met",
    ]); // (ii) ruled out; the death still open
    expect(res.body.assumptions.map((x: { question: string }) => x.question)).toEqual([
      "concernsAboutWorkingTogether",
    ]);
    // The headline of the minutes states the assumption, in the question's words, not its id.
    const advice = res.body.minutes.split("## Advice")[1].split("##")[0];
    expect(advice).toContain("**Assumption.** Not yet answered");
    expect(advice).toContain("Is there cause for concern about the way the authority");
    expect(res.body.minutes).not.toContain("concernsAboutWorkingTogether");
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
    // Abuse or neglect is not known, so (i) is still open: at least consider, not yet determined.
    expect(wt2015.body.outcome).toBe("undetermined");
    expect(wt2015.body.atLeast).toBe("consider-scr");
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
    const annexed = await request(app)
      .post("/v1/assessments?annex=criteria")
      .set("Accept", "text/markdown")
      .send({ edition: "wt2010", answers: { deprivationOfLibertyOrder: "yes", childDied: "no" } });
    expect(annexed.text).toContain("(not used by Working Together 2010)");
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

  it("406 when neither JSON nor any format of the minutes is acceptable", async () => {
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

const TYPICAL = {
  answers: { childDied: "yes", abuseOrNeglect: "yes" },
  dates: { becameAware: "2024-03-25", referral: "2024-03-27" },
};
const NOT_MET = {
  answers: {
    childDied: "no",
    childSeriouslyHarmed: "yes",
    abuseOrNeglect: "yes",
    concernsAboutWorkingTogether: "no",
  },
};
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Question ids are the API's words, not the minutes': none may appear in them. */
async function questionIds(): Promise<string[]> {
  return (await service()).library.questions.map((q) => q.id);
}

describe("POST /v1/assessments: minutes a chair can file", () => {
  it("fit one page for a typical determined case: the decision sought, the advice, the deciding criterion quoted and cited, duties and deadlines, alternatives and the chair's lines; question wording, never ids", async () => {
    const res = await request(app).post("/v1/assessments").set("Accept", "text/markdown").send(TYPICAL);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/markdown/);
    // About 500 words: a death under WT2015 now carries the 48-hour report to the chair, securing
    // records at once and the other-children check (issue 15), each one line with its date.
    expect(wordCount(res.text)).toBeLessThanOrEqual(550);
    const headings = [...res.text.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      "Decision sought",
      "Advice",
      "The criteria that decide it",
      "Open questions that could change it",
      "Duties and deadlines",
      "Where the guidance pulls apart",
      "Alternatives considered",
      "The chair's decision",
    ]);
    expect(res.text).toContain("**Initiate a Serious Case Review.**");
    expect(res.text).toContain("> Abuse or Neglect of a child is known or suspected AND the child has died");
    expect(res.text).toContain("City & Hackney Notification Process (2015/2017), §4.4 (i)");
    expect(res.text).toContain("Has the child died (including suspected suicide)? yes");
    expect(res.text).toContain("**By 2024-04-03:**");
    expect(res.text).toContain("Reasons: ____");
    for (const id of await questionIds()) expect(res.text, id).not.toMatch(new RegExp(`\\b${id}\\b`));
    expect(res.text).not.toContain("needs yes");
  });

  it("a decision not to hold a review records the alternatives in full and stays near one page", async () => {
    const ruleset = await request(app).get("/v1/rulesets/wt2015");
    const answers = Object.fromEntries(
      ruleset.body.questions.map((q: { id: string; kind: string }) => [q.id, q.kind === "age" ? 10 : "no"]),
    );
    const res = await request(app)
      .post("/v1/assessments")
      .set("Accept", "text/markdown")
      .send({ answers: { ...answers, ...NOT_MET.answers } });
    expect(res.text).toContain("**The criteria for a Serious Case Review are not met.**");
    expect(res.text).toContain("**No further action:**");
    expect(wordCount(res.text)).toBeLessThanOrEqual(620);
  });

  it("carries every criterion, quoted and cited, in the annex on request", async () => {
    const res = await request(app)
      .post("/v1/assessments?annex=criteria")
      .set("Accept", "text/markdown")
      .send(TYPICAL);
    const full = await post(TYPICAL);
    expect(res.text).toContain("## Annex: every criterion");
    for (const c of full.body.criteria as Array<{ title: string; citation: { section: string } }>) {
      expect(res.text).toContain(c.title);
      expect(res.text).toContain(c.citation.section);
    }
    expect(res.text).toContain("Have clear written records to support any submission to the National Panel");
  });

  it("come as HTML that pastes into Word with its headings and lists, and as plain text", async () => {
    const html = await request(app).post("/v1/assessments").set("Accept", "text/html").send(TYPICAL);
    expect(html.status).toBe(200);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    expect(html.text).toContain("<h1>Serious Case Review decision: advice for the minutes</h1>");
    expect(html.text).toContain("<h2>Advice</h2>");
    expect(html.text).toMatch(/<ul><li><strong>/);
    expect(html.text).toContain("<blockquote>");
    const text = await request(app).post("/v1/assessments").set("Accept", "text/plain").send(TYPICAL);
    expect(text.headers["content-type"]).toMatch(/^text\/plain/);
    expect(text.text).toMatch(/^SERIOUS CASE REVIEW DECISION: ADVICE FOR THE MINUTES\n=+/);
    expect(text.text).not.toContain("**");
  });

  it("come as a .docx that Word opens: read back, it has the headings, the lists and the advice", async () => {
    const res = await request(app)
      .post("/v1/assessments")
      .set("Accept", DOCX)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      })
      .send(TYPICAL);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(DOCX);
    expect(res.headers["content-disposition"]).toMatch(
      /attachment; filename="?scr-minutes-[0-9a-f]{8}\.docx"?$/,
    );
    const body = res.body as Buffer;
    expect(body.subarray(0, 2).toString()).toBe("PK"); // a zip, as every .docx is
    const { value: html } = await mammoth.convertToHtml({ buffer: body });
    expect(html).toContain("<h1>Serious Case Review decision: advice for the minutes</h1>");
    expect(html).toMatch(/<h2>The chair(&#39;|')s decision<\/h2>/);
    expect(html).toMatch(/<ul><li><strong>Child death review: ?<\/strong>/);
    const { value: text } = await mammoth.extractRawText({ buffer: body });
    expect(text).toContain("Initiate a Serious Case Review.");
    expect(text).toContain("Abuse or Neglect of a child is known or suspected AND the child has died");
  });
});

describe("POST /v1/assessments?view=summary (or Prefer: return=minimal): the advice for integrators", () => {
  it("gives the outcome, the floor, the assumptions, the decisive questions, triggers and actions, without minutes or criteria text, in a few kB", async () => {
    const body = {
      edition: "wt2015",
      answers: { childDied: "no", childSeriouslyHarmed: "yes", abuseOrNeglect: "yes" },
    };
    const full = await post(body);
    for (const req of [
      request(app).post("/v1/assessments?view=summary").send(body),
      request(app).post("/v1/assessments").set("Prefer", "return=minimal").send(body),
    ]) {
      const res = await req;
      expect(res.status).toBe(200);
      expect(contractErrors("AssessmentSummary", res.body)).toEqual([]);
      expect(res.body.view).toBe("summary");
      for (const key of [
        "outcome",
        "atLeast",
        "determined",
        "possibleOutcomes",
        "assumptions",
        "decisiveQuestions",
      ])
        expect(res.body[key], key).toEqual(full.body[key]);
      expect(res.body).not.toHaveProperty("minutes");
      expect(res.body).not.toHaveProperty("criteria");
      expect(res.text).not.toContain(full.body.criteria[0].quote);
      expect(res.text.length).toBeLessThan(full.text.length / 4);
    }
    const minimal = await request(app).post("/v1/assessments").set("Prefer", "return=minimal").send(body);
    expect(minimal.headers["preference-applied"]).toBe("return=minimal");
    expect(minimal.headers.vary).toMatch(/Prefer/);
  });
});

describe("POST /v1/assessments?view=lean: the advice for applications", () => {
  it("gives the outcome and what it rests on as the full answer does, every rule and question by id, and no words of the guidance", async () => {
    const body = {
      edition: "wt2015",
      answers: { childDied: "no", childSeriouslyHarmed: "yes", abuseOrNeglect: "yes" },
    };
    const full = await post(body);
    const res = await request(app).post("/v1/assessments?view=lean").send(body);
    expect(res.status).toBe(200);
    expect(contractErrors("AssessmentLean", res.body)).toEqual([]);
    for (const key of ["outcome", "atLeast", "determined", "possibleOutcomes", "openQuestions", "ruleset"])
      expect(res.body[key], key).toEqual(full.body[key]);
    // The advice rests on the unanswered concerns question, read as WT2015 (ii) directs: said by id.
    expect(res.body.assumptions).toEqual(
      full.body.assumptions.map(
        (a: { question: string; rule: string; because: string; ifAnswered: unknown }) => ({
          question: a.question,
          rule: a.rule,
          because: a.because,
          ifAnswered: a.ifAnswered,
        }),
      ),
    );
    expect(res.body.assumptions.map((a: { question: string }) => a.question)).toContain(
      "concernsAboutWorkingTogether",
    );
    expect(res.body.decisiveQuestions.map((d: { id: string }) => d.id)).toEqual(
      full.body.decisiveQuestions.map((d: { id: string }) => d.id),
    );
    expect(res.body.criteria).toEqual(
      full.body.criteria.map((c: { id: string; status: string }) => ({ id: c.id, status: c.status })),
    );
    expect(res.body).not.toHaveProperty("minutes");
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(full.body.criteria[0].quote);
    expect(text).not.toContain(full.body.decisiveQuestions[0].wording);
    expect(text.length).toBeLessThan(JSON.stringify(full.body).length / 5);
  });

  it("names the answers the edition does not read, which have no effect", async () => {
    // WT2010 has no criterion about a deprivation of liberty order; WT2015 (iii) has.
    const body = {
      edition: "wt2010",
      answers: { childDied: "yes", abuseOrNeglect: "yes", deprivationOfLibertyOrder: "no" },
    };
    const res = await request(app).post("/v1/assessments?view=lean").send(body);
    expect(res.status).toBe(200);
    const full = await post(body);
    const unused = full.body.answers.filter((a: { usedByEdition: boolean }) => !a.usedByEdition);
    expect(res.body.ignoredAnswers).toEqual(["deprivationOfLibertyOrder"]);
    expect(unused.map((a: { id: string }) => a.id)).toEqual(res.body.ignoredAnswers);
  });

  it("refuses a view it does not have, naming the parameter", async () => {
    const res = await request(app).post("/v1/assessments?view=tiny").send({ answers: {} });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: "view", detail: 'must be "full", "summary" or "lean"' }]);
  });
});
