/**
 * The review timeline, as a chair meets it: the four dates of a case give the full plan, every
 * date counted over weekends and bank holidays, each citing its rule; and the same plan imports
 * into a calendar (checked with a real iCalendar parser, ical.js).
 */
import ICAL from "ical.js";
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

interface Milestone {
  id: string;
  due: string | null;
  progress?: string;
  counting: string;
  nature: string;
  extended: boolean;
  citation: { document: string; section: string };
  quote: string;
  rule: string;
}

async function timeline(
  body: object,
): Promise<{ status: number; body: { milestones: Milestone[] } & Record<string, unknown> }> {
  const res = await request(app).post("/v1/timelines").send(body);
  if (res.status === 200) expect(contractErrors("Timeline", res.body)).toEqual([]);
  else expect(contractErrors("Problem", res.body)).toEqual([]);
  return res;
}

const CASE = {
  reference: "CHSCB/2024-017",
  // The local authority became aware on the Friday before Christmas 2023; the referral came on
  // 31 January 2024; the chair decided on the Tuesday before Easter 2024; publication in January 2025.
  dates: {
    becameAware: "2023-12-22",
    referral: "2024-01-31",
    decision: "2024-03-26",
    publication: "2025-01-08",
  },
};

describe("POST /v1/timelines: the full plan of a case", () => {
  it("gives every milestone its date, counted as the guidance says", async () => {
    const res = await timeline(CASE);
    expect(res.status).toBe(200);
    const due = Object.fromEntries(res.body.milestones.map((m) => [m.id, m.due]));
    expect(due).toMatchObject({
      // over Christmas, Boxing Day and New Year's Day
      "notify-ofsted": "2024-01-03",
      "report-death-to-chair": "2023-12-24",
      "short-file-reviews": "2023-12-29",
      "subgroup-meeting": "2024-02-21",
      // 31 January plus one month, in a leap year
      "chair-decision": "2024-02-29",
      // over Good Friday and Easter Monday
      "notify-decision": "2024-04-04",
      // at once from the referral (004 §5.6, first bullet); §5.6's latest date beside it
      "secure-records": "2024-01-31",
      "secure-records-latest": "2024-04-04",
      "secure-files-on-notification": "2023-12-22",
      "scoping-meeting": "2024-04-04",
      "appoint-lead-reviewer": "2024-04-04",
      "imr-briefing": "2024-04-09",
      "imrs-complete": "2024-05-07",
      "early-learning-4-weeks": "2024-04-23",
      "early-learning-8-weeks": "2024-05-21",
      "early-learning-4-months": "2024-07-26",
      "complete-review": "2024-09-26",
      // seven working days back over New Year
      "send-report-before-publication": "2024-12-27",
      "brief-dfe-before-publication": "2025-01-01",
      "publication-plan": "2024-11-27",
      "keep-published-until": "2026-01-08",
      // 000 Appendix B, from the referral, month ends clamped
      "example-panel-considers": "2024-02-14",
      "example-first-draft-imrs": "2024-03-31",
      "example-final-imrs": "2024-04-30",
      "example-involve-family": "2024-05-31",
      "example-media-strategy": "2024-06-30",
      "example-sign-off": "2024-07-31",
    });
  });

  it("cites and quotes every milestone's rule, and says how it is counted and how binding it is", async () => {
    const res = await timeline(CASE);
    expect(res.body.milestones.length).toBeGreaterThan(0);
    for (const m of res.body.milestones) {
      expect(m.citation.document, m.id).toMatch(/^00[0-4]_[0-9a-f]{16}\.txt$/);
      expect(m.citation.section.length, m.id).toBeGreaterThan(0);
      expect(m.quote.length, m.id).toBeGreaterThan(10);
      expect(m.rule.length, m.id).toBeGreaterThan(5);
    }
    const byId = new Map(res.body.milestones.map((m) => [m.id, m]));
    expect(byId.get("notify-ofsted")).toMatchObject({
      counting: "working-days",
      nature: "requirement",
      citation: { section: "§2.3" },
    });
    expect(byId.get("complete-review")).toMatchObject({
      counting: "calendar",
      nature: "requirement",
      citation: { section: "§5.2" },
    });
    expect(byId.get("short-file-reviews")).toMatchObject({
      nature: "advice",
      citation: { section: "Stage 1" },
    });
    expect(byId.get("example-involve-family")).toMatchObject({
      nature: "example",
      citation: { section: "Appendix B" },
    });
  });

  it("uses the 2010 edition's citations under wt2010", async () => {
    const res = await timeline({ ...CASE, edition: "wt2010" });
    const complete = res.body.milestones.find((m) => m.id === "complete-review")!;
    expect(complete.citation).toEqual({ document: "000_e68e991094baaa7a.txt", section: "§6.7" });
    expect(complete.due).toBe("2024-09-26");
  });

  it("gives wt2010 its own duties, citing only 000 to 003: none of 004's", async () => {
    const res = await timeline({ ...CASE, edition: "wt2010" });
    for (const m of res.body.milestones) expect(m.citation.document, m.id).toMatch(/^00[0-3]_/);
    const ids = res.body.milestones.map((m) => m.id);
    for (const id of ["notify-ofsted", "subgroup-meeting", "imrs-complete", "keep-published-until"])
      expect(ids).not.toContain(id);
    const due = Object.fromEntries(res.body.milestones.map((m) => [m.id, m.due]));
    expect(due).toMatchObject({
      // 000 §4.2: records secured "as a matter of priority" once a review may be needed
      "secure-records": "2024-01-31",
      // 000 §4.3: the Director informed "immediately" of a decision to proceed
      "inform-dcs": "2024-03-26",
      // 000 §4.3 and Appendix I: Ofsted notified within a month of the case coming to attention
      "notify-decision": "2024-02-29",
      // 000 Appendix B
      "example-media-strategy": "2024-06-30",
    });
    const byId = new Map(res.body.milestones.map((m) => [m.id, m]));
    expect(byId.get("inform-dcs")!.citation.section).toBe("§4.3, Next steps");
    expect(byId.get("commission-imrs")).toMatchObject({ due: null, nature: "requirement" });
    expect(byId.get("commission-imrs")!.rule).toContain("no time is set by the guidance");
  });

  it("gives a duty the guidance sets no time for no date, and says so", async () => {
    const res = await timeline(CASE);
    const cqc = res.body.milestones.find((m) => m.id === "inform-cqc-and-hmic")!;
    expect(cqc).toMatchObject({ due: null, citation: { section: "§5.7" } });
    expect(cqc.rule).toBe("no time is set by the guidance: after the date of the chair's decision");
  });

  it("sets 001's duties beyond Stage 1 as advice: the report to the board within the six months", async () => {
    const res = await timeline(CASE);
    const byId = new Map(res.body.milestones.map((m) => [m.id, m]));
    expect(byId.get("present-to-board")).toMatchObject({
      due: "2024-09-26",
      nature: "advice",
      citation: { section: "Stage 6" },
    });
    expect(byId.get("plan-publication-approach")).toMatchObject({ due: "2024-09-26", nature: "advice" });
    expect(byId.get("report-death-to-chair")).toMatchObject({
      nature: "advice",
      citation: { section: "Stage 1" },
    });
  });

  it("counts over the state funeral of 2022 and from a Saturday over the coronation of 2023", async () => {
    const funeral = await timeline({ dates: { decision: "2022-09-13" } });
    expect(funeral.body.milestones.find((m) => m.id === "notify-decision")!.due).toBe("2022-09-21");
    const coronation = await timeline({ dates: { becameAware: "2023-05-06" } });
    expect(coronation.body.milestones.find((m) => m.id === "notify-ofsted")!.due).toBe("2023-05-15");
  });

  it("clamps 31 August plus six months to the end of February", async () => {
    const res = await timeline({ dates: { decision: "2023-08-31" } });
    expect(res.body.milestones.find((m) => m.id === "complete-review")!.due).toBe("2024-02-29");
  });

  it("replaces the six months with an agreed extension, and says so", async () => {
    const res = await timeline({ ...CASE, agreedExtension: "2024-12-20" });
    const complete = res.body.milestones.find((m) => m.id === "complete-review")!;
    expect(complete).toMatchObject({ due: "2024-12-20", extended: true, rule: "the agreed extension date" });
    expect(
      (complete as unknown as { extension: { citation: { section: string } } }).extension.citation.section,
    ).toBe("§6.7");
  });

  it("given an as-of date, says what is done, overdue, due within five working days, or upcoming", async () => {
    const res = await timeline({ ...CASE, asOf: "2024-04-02", done: ["notify-ofsted", "subgroup-meeting"] });
    const progress = Object.fromEntries(res.body.milestones.map((m) => [m.id, m.progress]));
    expect(progress["notify-ofsted"]).toBe("done");
    expect(progress["subgroup-meeting"]).toBe("done");
    expect(progress["chair-decision"]).toBe("overdue");
    // 2 April 2024 plus five working days is 9 April: the 4 April deadlines are due soon.
    expect(progress["notify-decision"]).toBe("due-soon");
    expect(progress["imr-briefing"]).toBe("due-soon");
    expect(progress["imrs-complete"]).toBe("upcoming");
  });

  it("leaves milestones without a date when their date is not given, and gives no progress without an as-of date", async () => {
    const res = await timeline({ dates: { referral: "2024-01-31" } });
    const complete = res.body.milestones.find((m) => m.id === "complete-review")!;
    expect(complete.due).toBeNull();
    expect(complete.progress).toBeUndefined();
  });
});

describe("POST /v1/timelines: clear errors naming the field", () => {
  const cases: Array<[string, object, string]> = [
    [
      "a decision before the referral",
      { dates: { referral: "2024-02-10", decision: "2024-02-01" } },
      "/dates/decision",
    ],
    [
      "publication before the decision",
      { dates: { decision: "2024-02-10", publication: "2024-02-01" } },
      "/dates/publication",
    ],
    ["an impossible date", { dates: { referral: "2023-02-29" } }, "/dates/referral"],
    ["a working-day count past the calendar's end", { dates: { decision: "2028-12-28" } }, "/dates/decision"],
    ["a count before the calendar's start", { dates: { publication: "2010-01-05" } }, "/dates/publication"],
    ["an as-of date at the calendar's end", { dates: {}, asOf: "2028-12-29" }, "/asOf"],
    [
      "an extension before the decision",
      { dates: { decision: "2024-03-01" }, agreedExtension: "2024-02-01" },
      "/agreedExtension",
    ],
    ["an unknown milestone marked done", { dates: {}, done: ["notify-the-press"] }, "/done/0"],
    ["a case reference that looks like a name", { dates: {}, reference: "Baby P Smith" }, "/reference"],
    ["no dates object", { asOf: "2024-01-01" }, "/dates"],
  ];
  it.each(cases)("400 for %s", async (_what, body, pointer) => {
    const res = await timeline(body);
    expect(res.status).toBe(400);
    expect(
      (res.body as unknown as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer),
    ).toContain(pointer);
  });
});

function parseCalendar(text: string) {
  const vcalendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return vcalendar.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      start: e.startDate.toString(),
      end: e.endDate.toString(),
      isDate: e.startDate.isDate,
      summary: e.summary,
      description: e.description,
    };
  });
}

describe("the timeline in people's calendars", () => {
  it("is an RFC 5545 file with one all-day event per dated milestone, citing its rule", async () => {
    const res = await request(app).post("/v1/timelines").set("Accept", "text/calendar").send(CASE);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/calendar/);
    const events = parseCalendar(res.text);
    const json = await timeline(CASE);
    const dated = json.body.milestones.filter((m) => m.due !== null);
    expect(events).toHaveLength(dated.length);
    const notify = events.find((e) => e.uid.startsWith("notify-ofsted."))!;
    expect(notify).toMatchObject({ start: "2024-01-03", end: "2024-01-04", isDate: true });
    expect(notify.description).toContain("§2.3 (004_dcf93c0f41036063.txt)");
    expect(notify.description).toContain("within five working days of becoming aware");
    expect(events.find((e) => e.uid.startsWith("chair-decision."))!.start).toBe("2024-02-29");
    // A summer date: British Summer Time must not move an all-day event to the day before.
    expect(new Date(2024, 5, 30).getTimezoneOffset()).toBe(-60);
    expect(events.find((e) => e.uid.startsWith("example-media-strategy."))!.start).toBe("2024-06-30");
  });

  it("never shows a source held in the project's words as a quote (the 2018 English regulations)", async () => {
    const { library } = await service();
    const stated = new Set(
      [...library.sources.values()].filter((x) => x.quoted === false).map((x) => x.document),
    );
    const res = await request(app)
      .post("/v1/timelines.ics")
      .send({ edition: "cspr-2018", dates: { becameAware: "2024-01-08", referral: "2024-01-10" } });
    expect(res.status).toBe(200);
    const events = parseCalendar(res.text);
    const ofStated = events.filter((e) => [...stated].some((d) => e.description.includes(`(${d}):`)));
    expect(ofStated.length).toBeGreaterThan(0);
    for (const e of ofStated)
      expect(e.description).toMatch(/\(.+\): not quoted; in the project's words: [^"]/);
  });

  it("keeps each milestone's UID when the dates change, so a re-import updates instead of duplicating", async () => {
    const first = parseCalendar((await request(app).post("/v1/timelines.ics").send(CASE)).text);
    const revised = parseCalendar(
      (
        await request(app)
          .post("/v1/timelines.ics")
          .send({ ...CASE, dates: { ...CASE.dates, decision: "2024-04-02" } })
      ).text,
    );
    const uid = (events: typeof first, id: string) => events.find((e) => e.uid.startsWith(`${id}.`))!;
    expect(uid(revised, "complete-review").uid).toBe(uid(first, "complete-review").uid);
    expect(uid(revised, "complete-review").start).toBe("2024-10-02");
    expect(new Set(first.map((e) => e.uid)).size).toBe(first.length);
    // Another case gets other UIDs.
    const other = parseCalendar(
      (
        await request(app)
          .post("/v1/timelines.ics")
          .send({ ...CASE, reference: "CHSCB/2024-018" })
      ).text,
    );
    expect(uid(other, "complete-review").uid).not.toBe(uid(first, "complete-review").uid);
  });

  it("can be fetched from a link with the dates as query parameters", async () => {
    const res = await request(app)
      .get("/v1/timelines.ics")
      .query({ referral: "2024-01-31", decision: "2024-03-26", reference: "CHSCB/2024-017" });
    expect(res.status).toBe(200);
    expect(res.headers["content-disposition"]).toContain('filename="scr-timeline-CHSCB-2024-017.ics"');
    const events = parseCalendar(res.text);
    expect(events.find((e) => e.uid.startsWith("notify-decision."))!.start).toBe("2024-04-04");
    const bad = await request(app).get("/v1/timelines.ics").query({ referral: "2024-02-30" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe("/dates/referral");
  });
});
