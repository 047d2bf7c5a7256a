/**
 * Which duties apply follows the triggers each edition has (issue 15): the 48-hour report of a
 * child's death to the chair (001 Stage 1) is for deaths that meet the criteria for notification,
 * not for every notifiable incident; the Ombudsman's and the Youth Justice Board's reviews follow
 * the custodial setting (000 §7.3).
 */
import { describe, expect, it } from "vitest";
import { assess, type AnswerValue } from "../assessments/assess.js";
import { service } from "../../test/support/service.js";
import { parseIsoDate } from "./calendar.js";
import { computeDeadlines } from "./deadlines.js";

async function deadlines(edition: string, answers: Record<string, AnswerValue>) {
  const s = await service();
  const compiled = s.editions.get(edition)!;
  const a = assess(s.library, compiled, s.calendar, { edition, answers, dates: {} });
  const status = new Map(a.triggers.map((t) => [t.id, t.status]));
  const all = computeDeadlines(
    compiled.edition.timescales,
    { becameAware: parseIsoDate("2023-12-22")! },
    s.calendar,
    {
      triggerStatus: (id) => status.get(id)!,
    },
  );
  return { a, byId: new Map(all.map((d) => [d.timescale.id, d])) };
}

describe("reporting a child's death to the chair within 48 hours (001 Stage 1)", () => {
  it("applies to a notifiable death", async () => {
    const { byId } = await deadlines("wt2015", { childDied: "yes", abuseOrNeglect: "yes" });
    expect(byId.get("report-death-to-chair")).toMatchObject({ applies: "required", due: "2023-12-24" });
  });

  it("does not apply where no child died, though the serious harm is notifiable", async () => {
    const { a, byId } = await deadlines("wt2015", {
      childDied: "no",
      childSeriouslyHarmed: "yes",
      abuseOrNeglect: "yes",
    });
    expect(a.triggers.find((t) => t.id === "notifiable-incident")!.status).toBe("met");
    expect(byId.get("report-death-to-chair")!.applies).toBe("not-required");
    expect(byId.get("notify-ofsted")!.applies).toBe("required");
  });

  it("under wt2010 follows any child death, the 2010 criteria for notification not being in the sources", async () => {
    const died = await deadlines("wt2010", { childDied: "yes", abuseOrNeglect: "no" });
    expect(died.byId.get("report-death-to-chair")!.applies).toBe("required");
    expect(died.byId.get("report-death-to-chair")!.timescale.text).toContain(
      "where the death meets the criteria",
    );
    const alive = await deadlines("wt2010", {
      childDied: "no",
      childSeriouslyHarmed: "yes",
      abuseOrNeglect: "yes",
    });
    expect(alive.byId.get("report-death-to-chair")!.applies).toBe("not-required");
  });
});

describe("custodial settings (000 §7.3)", () => {
  it("brings in the Ombudsman for a death in a Young Offender Institution, not in a secure children's home", async () => {
    const yoi = await deadlines("wt2015", {
      childDied: "yes",
      diedInCustody: "yes",
      diedInYoiOrSecureTrainingCentre: "yes",
    });
    const status = (r: typeof yoi, id: string) => r.a.triggers.find((t) => t.id === id)!.status;
    expect(status(yoi, "prisons-probation-ombudsman")).toBe("met");
    const sch = await deadlines("wt2015", {
      childDied: "yes",
      diedInCustody: "yes",
      diedInYoiOrSecureTrainingCentre: "no",
      incidentInSecureChildrensHome: "yes",
    });
    expect(status(sch, "prisons-probation-ombudsman")).toBe("not-met");
    expect(status(sch, "youth-justice-board-review")).toBe("met");
  });
});
