/**
 * The editions beyond Working Together 2010/2015 (issue 16), through the real service over HTTP:
 * the edition chosen by the incident's date and country, and saying why; dates no edition answers
 * for refused naming /incidentDate; a Welsh board's concise or extended child practice review; an
 * English partnership's notification, rapid review and local review criteria.
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

const assess = (body: object) =>
  request(app).post("/v1/assessments").set("Accept", "application/json").send(body);

describe("the edition chosen by the incident's date and country", () => {
  it.each([
    ["england", "2010-03-16", null],
    ["england", "2010-03-17", "wt2010"],
    ["england", "2013-04-14", "wt2010"],
    ["england", "2013-04-15", "wt2015"],
    ["england", "2015-03-25", "wt2015"],
    ["england", "2015-03-26", "wt2015"],
    ["england", "2018-06-28", "wt2015"],
    ["england", "2018-06-29", "cspr-2018"],
    ["england", "2026-03-02", "cspr-2018"],
    ["wales", "2012-12-31", null],
    ["wales", "2013-01-01", "wales-cpr"],
    ["wales", "2026-03-02", "wales-cpr"],
  ])("in %s on %s: %s", async (country, incidentDate, expected) => {
    const res = await assess({ incidentDate, country, answers: {} });
    if (expected === null) {
      expect(res.status).toBe(400);
      expect(res.type).toBe("application/problem+json");
      expect(res.body.errors[0].pointer).toBe("/incidentDate");
      expect(res.body.errors[0].detail).toMatch(/not among the rule sets/);
      return;
    }
    expect(res.status).toBe(200);
    expect(contractErrors("Assessment", res.body)).toEqual([]);
    expect(res.body.edition.id).toBe(expected);
    expect(res.body.editionChoice).toMatchObject({ by: "date-and-place", incidentDate, country });
    expect(res.body.editionChoice.reason).toContain(expected);
  });

  it("warns that Working Together 2013 is judged by the 2015 rules", async () => {
    const res = await assess({ incidentDate: "2014-06-01", country: "england", answers: {} });
    expect(res.body.edition.id).toBe("wt2015");
    expect(res.body.editionChoice.warnings.join(" ")).toMatch(/Working Together 2013/);
    expect(res.body.minutes).toMatch(/\*\*Confirm:\*\* .*Working Together 2013/);
  });

  it("flags the move from LSCBs to safeguarding partners for the board to confirm, and not after 2019", async () => {
    const during = await assess({ incidentDate: "2019-05-01", country: "england", answers: {} });
    expect(during.body.editionChoice.warnings.join(" ")).toMatch(/transition/);
    const after = await assess({ incidentDate: "2020-01-01", country: "england", answers: {} });
    expect(after.body.editionChoice.warnings).toEqual([]);
  });

  it("an explicit edition wins, and says which edition the date and country would have chosen", async () => {
    const res = await assess({
      edition: "wt2015",
      incidentDate: "2026-01-05",
      country: "england",
      answers: {},
    });
    expect(res.body.edition.id).toBe("wt2015");
    expect(res.body.editionChoice.by).toBe("request");
    expect(res.body.editionChoice.warnings.join(" ")).toContain("cspr-2018");
  });

  it("refuses a date without a country, naming /country", async () => {
    const res = await assess({ incidentDate: "2026-01-05", answers: {} });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe("/country");
  });

  it("without edition, date or country, the default edition, saying so", async () => {
    const res = await assess({ answers: {} });
    expect(res.body.edition.id).toBe("wt2015");
    expect(res.body.editionChoice.by).toBe("default");
  });
});

describe("a Welsh board: child practice reviews", () => {
  const GRAVE = { incidentInArea: "yes", abuseOrNeglect: "yes", childDied: "yes" };

  it("on the register or looked after in the 6 months before: an extended review, quoting 001 and citing the regulation", async () => {
    const res = await assess({
      incidentDate: "2024-05-10",
      country: "wales",
      answers: { ...GRAVE, childProtectionRegisterOrLookedAfterInSixMonths: "yes" },
    });
    expect(res.body.edition.id).toBe("wales-cpr");
    expect(res.body.outcome).toBe("extended-cpr");
    const met = res.body.criteria.find((c: { id: string }) => c.id === "wales-cpr-extended");
    expect(met.citation.document).toBe("001_afcf872d65612daa.txt");
    expect(met.law.citation.document).toBe("wsi-2012-1712");
    expect(res.body.minutes).toMatch(/^# Child practice review decision: advice for the minutes/);
    expect(res.body.minutes).toMatch(/\*\*Hold an extended child practice review\.\*\*/);
    // The one-page minutes (issue 13) quote the deciding criterion and state the law beside it;
    // the reviewers (one, two for an extended review) are in the review's milestones.
    expect(res.body.minutes).toMatch(/Child practice reviews are either 'concise' or 'extended'/);
    expect(res.body.minutes).toMatch(/Not quoted; in the project's words:\*\* A Board must hold an extended/);
    const appoint = res.body.actions.find((x: { id: string }) => x.id === "appoint-reviewers");
    expect(appoint?.text ?? "").toMatch(/two reviewers for an extended review/);
    expect(res.body.minutes).toMatch(/## The board's decision/);
    expect(res.body.minutes).not.toMatch(/Serious Case Review/);
  });

  it("undetermined between the two kinds: the headline, atLeast and the decisive question say so in Wales's words", async () => {
    const res = await assess({ incidentDate: "2024-05-10", country: "wales", answers: GRAVE });
    expect(res.status).toBe(200);
    expect(contractErrors("Assessment", res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      outcome: "undetermined",
      determined: false,
      // Either way a review is held: the floor is the concise one.
      atLeast: "concise-cpr",
      possibleOutcomes: ["extended-cpr", "concise-cpr"],
      assumptions: [],
    });
    expect(res.body.decisiveQuestions).toEqual([
      {
        id: "childProtectionRegisterOrLookedAfterInSixMonths",
        wording: expect.any(String),
        bearsOn: "extended-cpr",
        assumption: null,
        partOf: null,
        ifAnswered: [
          { answer: "yes", possibleOutcomes: ["extended-cpr"] },
          { answer: "no", possibleOutcomes: ["concise-cpr"] },
        ],
      },
    ]);
    expect(res.body.minutes).toContain(
      "**Not yet determined. Still possible: hold an extended child practice review; hold a concise child practice review.**",
    );
    expect(res.body.minutes).toMatch(
      /if yes: hold an extended child practice review; if no: hold a concise child practice review/,
    );
    expect(res.body.minutes).not.toMatch(/Serious Case Review/);
  });

  it("with nothing answered, the core questions lead, ranked by the strongest rung they bear on, and nothing but a review's criteria is named", async () => {
    const res = await assess({ edition: "wales-cpr", answers: {} });
    expect(res.body.outcome).toBe("undetermined");
    expect(res.body.atLeast).toBe("criteria-not-met");
    expect(res.body.possibleOutcomes).toEqual(["extended-cpr", "concise-cpr", "criteria-not-met"]);
    const ids = res.body.decisiveQuestions.map((d: { id: string }) => d.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "incidentInArea",
        "abuseOrNeglect",
        "childDied",
        "lifeThreateningInjuryOrPermanentImpairment",
        "childProtectionRegisterOrLookedAfterInSixMonths",
      ]),
    );
    for (const d of res.body.decisiveQuestions) expect(d.bearsOn, d.id).toBe("extended-cpr");
  });

  it("neither: a concise review; unanswered: a review of one kind or the other, undetermined", async () => {
    const concise = await assess({
      edition: "wales-cpr",
      answers: { ...GRAVE, childProtectionRegisterOrLookedAfterInSixMonths: "no" },
    });
    expect(concise.body.outcome).toBe("concise-cpr");
    const open = await assess({ edition: "wales-cpr", answers: GRAVE });
    expect(open.body.determined).toBe(false);
    expect(open.body.possibleOutcomes).toEqual(["extended-cpr", "concise-cpr"]);
  });

  it("the timeline: completion 6 months from the board's decision, and the 12-month focus period from the incident", async () => {
    const res = await request(app)
      .post("/v1/timelines")
      .send({ incidentDate: "2024-05-10", country: "wales", dates: { decision: "2024-06-03" } });
    expect(res.status).toBe(200);
    expect(contractErrors("Timeline", res.body)).toEqual([]);
    const m = Object.fromEntries(res.body.milestones.map((x: { id: string }) => [x.id, x]));
    expect(m["complete-review"].due).toBe("2024-12-03");
    expect(m["focus-period"]).toMatchObject({ due: "2023-05-10", nature: "scope", from: "incident" });
    expect(m["appoint-reviewers"].due).toBeNull();
  });

  it("the iCalendar link chooses the edition by date and country too", async () => {
    const res = await request(app).get(
      "/v1/timelines.ics?incidentDate=2024-05-10&country=wales&decision=2024-06-03",
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain("child practice review is completed");
    expect(res.text).toContain("DTSTART;VALUE=DATE:20241203");
  });
});

describe("an English partnership in 2026: notification, rapid review, local review criteria", () => {
  const SERIOUS = {
    abuseOrNeglect: "yes",
    childSeriouslyHarmed: "yes",
    childDied: "no",
    incidentInArea: "yes",
  };

  it("notifies the Panel within 5 working days and completes the rapid review within 15, from becoming aware", async () => {
    const res = await assess({
      incidentDate: "2026-03-02",
      country: "england",
      answers: { ...SERIOUS, recurrentThemes: "yes" },
      dates: { becameAware: "2026-03-02" },
    });
    expect(res.body.edition.id).toBe("cspr-2018");
    const t = Object.fromEntries(
      res.body.triggers.map((x: { id: string; status: string }) => [x.id, x.status]),
    );
    expect(t["notify-panel"]).toBe("met");
    expect(t["rapid-review"]).toBe("met");
    const a = Object.fromEntries(res.body.actions.map((x: { id: string }) => [x.id, x]));
    expect(a["notify-panel"]).toMatchObject({ applies: "required", due: "2026-03-09" });
    expect(a["rapid-review"]).toMatchObject({ applies: "required", due: "2026-03-23" });
    expect(res.body.tensions.map((x: { id: string }) => x.id)).toContain("rapid-review-counted-from");
    expect(res.body.outcome).toBe("recommend-local-review");
    expect(res.body.minutes).toMatch(/the decision is the safeguarding partners' alone/);
    expect(res.body.minutes).toMatch(/the safeguarding partners decide/);
  });

  it("the headline says a criterion is met and that the partners decide; the minutes speak of the partners' decision", async () => {
    const res = await assess({
      incidentDate: "2026-03-02",
      country: "england",
      answers: { ...SERIOUS, recurrentThemes: "yes" },
    });
    expect(res.body).toMatchObject({
      outcome: "recommend-local-review",
      determined: true,
      decisiveQuestions: [],
    });
    const m = res.body.minutes as string;
    expect(m).toMatch(/^# Local child safeguarding practice review decision: advice for the minutes/);
    expect(m).toContain(
      "**A local review criterion is met - the safeguarding partners decide whether to hold a local child safeguarding practice review.**",
    );
    expect(m).toMatch(
      /The criteria are to be weighed: whatever they give, the safeguarding partners decide\./,
    );
    expect(m).toMatch(/## The safeguarding partners' decision/);
    // The regulations are stated, not quoted, and the minutes say so.
    expect(m).toMatch(
      /\*\*Not quoted; in the project's words:\*\* In deciding whether a local child safeguarding practice review/,
    );
    // The English SCR guidance's alternatives are not borrowed.
    expect(m).not.toMatch(/Serious Case Review/);
    expect(res.body.alternatives).toEqual([]);

    const none = await assess({
      edition: "cspr-2018",
      answers: {
        ...SERIOUS,
        improvementsNeeded: "no",
        recurrentThemes: "no",
        twoOrMoreAgenciesWorkingTogether: "no",
        panelConcludedLocalReviewMoreAppropriate: "no",
      },
    });
    expect(none.body.minutes).toContain(
      "**No local review criterion is met - the safeguarding partners decide whether a local review is still appropriate.**",
    );
  });

  it("no local review criterion met: local-review-not-indicated; one unanswered: undetermined", async () => {
    const none = {
      improvementsNeeded: "no",
      recurrentThemes: "no",
      twoOrMoreAgenciesWorkingTogether: "no",
      panelConcludedLocalReviewMoreAppropriate: "no",
    };
    const res = await assess({ edition: "cspr-2018", answers: { ...SERIOUS, ...none } });
    expect(res.body.outcome).toBe("local-review-not-indicated");
    const open = await assess({
      edition: "cspr-2018",
      answers: { ...SERIOUS, ...none, recurrentThemes: "unknown" },
    });
    expect(open.body.determined).toBe(false);
    expect(open.body.decisiveQuestions.map((d: { id: string }) => d.id)).toEqual(["recurrentThemes"]);
  });

  it("a looked-after child's death is notified to DfE and Ofsted whatever the cause; the Panel only with abuse or neglect", async () => {
    const res = await assess({
      edition: "cspr-2018",
      answers: { childDied: "yes", lookedAfterChild: "yes", abuseOrNeglect: "no" },
    });
    const t = Object.fromEntries(
      res.body.triggers.map((x: { id: string; status: string }) => [x.id, x.status]),
    );
    expect(t["notify-looked-after-death"]).toBe("met");
    expect(t["notify-panel"]).toBe("not-met");
  });

  it("the questionnaire asks the chosen edition's questions only", async () => {
    const res = await request(app).get("/?edition=cspr-2018");
    expect(res.text).toContain('name="recurrentThemes"');
    expect(res.text).not.toContain('name="childProtectionRegisterOrLookedAfterInSixMonths"');
    expect(res.text).not.toContain('name="harmNotRecognised"');
  });
});
