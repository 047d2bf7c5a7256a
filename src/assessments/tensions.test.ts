/**
 * Where the guidance's own paragraphs pull apart (rules/tensions/), the answer says so with both
 * quotes instead of silently picking one; and each edition has its own duties (issue 15).
 */
import { describe, expect, it } from "vitest";
import { parseIsoDate } from "../timelines/calendar.js";
import { service } from "../../test/support/service.js";
import { assess, type AnswerValue } from "./assess.js";
import { assessmentJson } from "./json.js";
import { renderMinutes } from "./minutes.js";

async function advise(
  edition: string,
  answers: Record<string, AnswerValue>,
  dates: Record<string, string> = {},
) {
  const s = await service();
  const parsed = Object.fromEntries(Object.entries(dates).map(([k, v]) => [k, parseIsoDate(v)!]));
  const a = assess(s.library, s.editions.get(edition)!, s.calendar, { edition, answers, dates: parsed });
  const wordings = new Map(s.library.questions.map((q) => [q.id, q.wording]));
  // The annex holds each tension's quotes and every deadline; the one page names them.
  return { a, minutes: renderMinutes(a, wordings, { annex: true }), wordings };
}

// A death in a Young Offender Institution: no abuse suspected, not looked after, not a regulated setting.
const CUSTODY_DEATH = {
  childDied: "yes",
  diedInCustody: "yes",
  abuseOrNeglect: "no",
  lookedAfterChild: "no",
  regulatedSettingOrService: "no",
} as const;

describe("004 §2.4 against §2.2: a death in custody", () => {
  it("meets WT2015 (iii) but not §2.2's notifiable criteria, and the answer says so with both quotes", async () => {
    const { a, minutes } = await advise("wt2015", CUSTODY_DEATH);
    expect(a.outcome).toBe("initiate-scr");
    expect(a.triggers.find((t) => t.id === "notifiable-incident")!.status).toBe("not-met");
    const t = a.tensions.find((x) => x.id === "custody-death-notifiable");
    expect(t).toBeDefined();
    expect(t!.because).toEqual([
      { rule: "wt2015-iii-custody", status: "met" },
      { rule: "notifiable-incident", status: "not-met" },
    ]);
    expect(t!.sides.map((side) => side.citation.section)).toEqual(["§2.4", "§2.2"]);
    expect(minutes).toContain("## Where the guidance pulls apart");
    expect(minutes).toContain("if an incident meets the criteria for a Serious Case Review then it");
    expect(minutes).toContain("A notifiable incident is an incident involving the care of a child");
  });

  it("does not arise where the death is also notifiable (a secure children's home is a regulated setting)", async () => {
    const { a, minutes } = await advise("wt2015", { ...CUSTODY_DEATH, regulatedSettingOrService: "yes" });
    expect(a.triggers.find((t) => t.id === "notifiable-incident")!.status).toBe("met");
    expect(a.tensions.map((x) => x.id)).not.toContain("custody-death-notifiable");
    expect(minutes).not.toContain("meets a review criterion, but not the criteria for a notifiable incident");
  });

  it("does not arise under wt2010, which has no 2015 notifiable incident", async () => {
    const { a } = await advise("wt2010", CUSTODY_DEATH);
    expect(a.outcome).toBe("initiate-scr");
    expect(a.tensions.map((x) => x.id)).not.toContain("custody-death-notifiable");
    expect(a.triggers.map((t) => t.id)).not.toContain("notifiable-incident");
  });

  it("is in the JSON answer exactly as in the assessment", async () => {
    const { a, wordings } = await advise("wt2015", CUSTODY_DEATH);
    const body = JSON.parse(assessmentJson(a, renderMinutes(a, wordings)).toString("utf8"));
    expect(body.tensions).toEqual(JSON.parse(JSON.stringify(a.tensions)));
  });
});

describe("004 §12.6: a domestic homicide of a young person of 16 or 17", () => {
  it("flags §12.6 against §4.4 (i) when abuse or neglect is answered no", async () => {
    const answers = {
      childDied: "yes",
      killedByFamilyOrHouseholdMember: "yes",
      ageYears: 16,
      abuseOrNeglect: "no",
    } as const;
    const { a } = await advise("wt2015", answers);
    expect(a.triggers.find((t) => t.id === "dhr-young-person")!.status).toBe("met");
    expect(a.tensions.map((x) => x.id)).toContain("dhr-young-person-review");
  });

  it("does not flag it when §4.4 (i) is met", async () => {
    const answers = {
      childDied: "yes",
      killedByFamilyOrHouseholdMember: "yes",
      ageYears: 17,
      abuseOrNeglect: "yes",
    } as const;
    const { a } = await advise("wt2015", answers);
    expect(a.tensions.map((x) => x.id)).not.toContain("dhr-young-person-review");
  });
});

describe("each edition's own duties in the assessment", () => {
  it("secures records from the referral, at once, in every considered case, with §5.6's latest date beside it", async () => {
    const { a } = await advise(
      "wt2015",
      { childDied: "no", childSeriouslyHarmed: "no" },
      {
        referral: "2024-01-31",
        decision: "2024-03-26",
      },
    );
    // Nothing mandatory can be met; the eleven questions are still open, so the floor is "not met".
    expect(a.atLeast).toBe("criteria-not-met");
    expect(a.possibleOutcomes).not.toContain("initiate-scr");
    const secure = a.actions.find((x) => x.id === "secure-records")!;
    expect(secure).toMatchObject({ applies: "required", due: "2024-01-31", from: "referral" });
    expect(secure.rule).toBe("at once, counted from the date of the referral");
    expect(a.actions.find((x) => x.id === "secure-records-latest")).toMatchObject({
      applies: "if-review-held",
      due: "2024-04-04",
    });
    expect(a.tensions.map((x) => x.id)).toContain("secure-records-timing");
  });

  it("under wt2010, lists 000's duties only, citing 000 to 003", async () => {
    const { a, minutes } = await advise(
      "wt2010",
      { childDied: "yes", abuseOrNeglect: "yes" },
      { decision: "2024-03-26" },
    );
    for (const x of a.actions) expect(x.citation.document, x.id).toMatch(/^00[0-3]_/);
    expect(a.actions.map((x) => x.id)).toEqual(
      expect.arrayContaining(["inform-dcs", "inform-board", "inform-sha"]),
    );
    expect(a.actions.find((x) => x.id === "inform-board")).toMatchObject({
      due: null,
      applies: "if-review-held",
    });
    // A duty without a time reads as such in the minutes, not as a missing date.
    expect(minutes).toContain("no time is set by the guidance: after the date of the chair's decision");
  });
});

describe("WT2010 8.11: every situation needs serious harm", () => {
  it("a parent murdered with concerns, the child not seriously harmed: 8.11 (situation 3) is not met", async () => {
    const answers = {
      parentMurderedWithHomicideReview: "yes",
      concernsAboutWorkingTogether: "yes",
      childSeriouslyHarmed: "no",
    } as const;
    const { a } = await advise("wt2010", answers);
    expect(a.criteria.find((c) => c.id === "wt2010-8.11-3-parent-murdered")!.status).toBe("not-met");
    // WT2015 (vi) asks no serious harm.
    const wt2015 = await advise("wt2015", answers);
    expect(wt2015.a.criteria.find((c) => c.id === "wt2015-vi-parent-murdered")!.status).toBe("met");
  });

  it("answering not seriously harmed closes every consider criterion that needs it, in both editions", async () => {
    const answers = {
      childSeriouslyHarmed: "no",
      lifeThreateningInjuryOrPermanentImpairment: "unknown",
      seriouslyHarmedBySexualAbuse: "unknown",
      seriouslyHarmedByViolentAssault: "unknown",
      concernsAboutWorkingTogether: "yes",
    } as const;
    for (const [edition, ids] of [
      [
        "wt2015",
        ["wt2015-iv-life-threatening-injury", "wt2015-v-sexual-abuse", "wt2015-viii-violent-assault"],
      ],
      [
        "wt2010",
        [
          "wt2010-8.11-1-life-threatening-injury",
          "wt2010-8.11-2-sexual-abuse",
          "wt2010-8.11-4-violent-assault",
        ],
      ],
    ] as const) {
      const { a } = await advise(edition, answers);
      for (const id of ids) expect(a.criteria.find((c) => c.id === id)!.status, id).toBe("not-met");
      expect(a.decisiveQuestions.map((d) => d.id)).not.toContain("seriouslyHarmedBySexualAbuse");
    }
  });
});
