/**
 * The case file over HTTP, on each database: the board's list of cases with their stage and next
 * deadline (filters, cursor), a case's timeline with its dates and "mark done" recorded, its
 * deadlines as an iCalendar feed whose UIDs stay put, and a chair closing a case without anything
 * being deleted. Today is fixed (Monday 3 June 2024) so that due, due soon and overdue are known.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { createApp } from "../app.js";
import { ConfigError, loadConfig } from "../config.js";
import type { Db } from "./db.js";
import { RecordStore } from "./store.js";
import { freshMemoryDb } from "../../test/support/app.js";
import { contractErrors } from "../../test/support/contract.js";
import { BACKENDS } from "../../test/support/databases.js";
import { formPass, postForm } from "../../test/support/forms.js";
import { service } from "../../test/support/service.js";

const TODAY = new Date(2024, 5, 3);
const enc = encodeURIComponent;

describe.each(BACKENDS)("the case file on $name", (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: Express;

  const open = async (reference: string) =>
    expect((await request(app).post("/v1/cases").send({ reference })).status).toBe(201);
  const advise = async (reference: string, referral: string) => {
    const res = await request(app)
      .post(`/v1/cases/${enc(reference)}/assessments`)
      .send({ answers: { childDied: "yes", abuseOrNeglect: "yes" }, dates: { referral } });
    expect(res.status).toBe(201);
    return res.body.assessment.adviceId as string;
  };
  const decide = async (reference: string, adviceId: string, decision: string, decidedOn: string) => {
    const res = await request(app)
      .post(`/v1/cases/${enc(reference)}/decisions`)
      .send({
        adviceId,
        decision,
        decidedOn,
        decidedBy: "Independent Chair",
        reasons: "The criteria are met.",
      });
    expect(res.status).toBe(201);
  };
  const list = async (query = "") => {
    const res = await request(app).get(`/v1/cases${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(contractErrors("CaseList", res.body)).toEqual([]);
    return res.body as {
      items: Array<{
        reference: string;
        stage: string;
        closed: boolean;
        deadline: string;
        nextDeadline: { milestone: string; due: string; state: string } | null;
      }>;
      next: string | null;
      cursor: string | null;
    };
  };
  const item = async (reference: string) =>
    (await list("?limit=100")).items.find((i) => i.reference === reference)!;
  const timelinePath = (reference: string) => `/cases/${enc(reference)}/timeline`;
  const timelinePage = async (reference: string) => {
    const res = await request(app).get(timelinePath(reference)).set("Accept", "text/html");
    expect(res.status).toBe(200);
    return res.text;
  };
  const post = async (reference: string, action: string, fields: Record<string, string>) =>
    postForm(app, `/cases/${enc(reference)}/${action}`, await formPass(app, "/"), fields);
  /** Posts dates as the page's day, month and year fields, e.g. { meeting: "2024-05-01" }. */
  const postDates = (reference: string, dates: Record<string, string>) =>
    post(
      reference,
      "dates",
      Object.fromEntries(
        Object.entries(dates).flatMap(([field, iso]) => {
          const [year, month, day] = iso.split("-");
          return [
            [`${field}-day`, String(Number(day))],
            [`${field}-month`, String(Number(month))],
            [`${field}-year`, String(Number(year))],
          ];
        }),
      ),
    );

  beforeAll(async () => {
    ({ db, cleanup } = await backend.open());
    app = createApp(await service(), {
      records: new RecordStore(db),
      caseFile: { dueSoonWorkingDays: 5, retentionYears: 15, now: () => TODAY },
    });
    // Opened in this order: the list shows the newest first.
    await open("R/1");
    await open("A/OVERDUE");
    await advise("A/OVERDUE", "2024-05-28");
    await open("A/SOON");
    await advise("A/SOON", "2024-06-05");
    await open("A/LATER");
    await advise("A/LATER", "2024-06-28");
    await open("D/REVIEW");
    await decide("D/REVIEW", await advise("D/REVIEW", "2024-05-20"), "serious-case-review", "2024-05-30");
    await open("D/NFA");
    await decide("D/NFA", await advise("D/NFA", "2024-05-20"), "no-further-action", "2024-05-30");
  }, 120_000);
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  it("derives each case's stage from its records: referred, assessed, decided, review under way", async () => {
    const { items } = await list();
    expect(items.map((i) => [i.reference, i.stage])).toEqual([
      ["D/NFA", "decided"],
      ["D/REVIEW", "review-under-way"],
      ["A/LATER", "assessed"],
      ["A/SOON", "assessed"],
      ["A/OVERDUE", "assessed"],
      ["R/1", "referred"],
    ]);
  });

  it("gives the next deadline and whether it is overdue, due soon (within 5 working days) or upcoming", async () => {
    const overdue = await item("A/OVERDUE");
    expect(overdue.nextDeadline).toMatchObject({
      milestone: "secure-records",
      due: "2024-05-28",
      state: "overdue",
    });
    expect(overdue.deadline).toBe("overdue");
    expect((await item("A/SOON")).nextDeadline).toMatchObject({ due: "2024-06-05", state: "due-soon" });
    expect((await item("A/LATER")).nextDeadline).toMatchObject({ due: "2024-06-28", state: "upcoming" });
    // A case with no dates has nothing to count from.
    expect((await item("R/1")).nextDeadline).toBeNull();
    expect((await item("R/1")).deadline).toBe("none");
  });

  it("counts due soon with the configured number of working days", async () => {
    const wider = createApp(await service(), {
      records: new RecordStore(db),
      caseFile: { dueSoonWorkingDays: 20, retentionYears: 15, now: () => TODAY },
    });
    const res = await request(wider).get("/v1/cases?stage=assessed");
    expect(res.body.dueSoonWorkingDays).toBe(20);
    const later = res.body.items.find((i: { reference: string }) => i.reference === "A/LATER");
    expect(later.nextDeadline).toMatchObject({ due: "2024-06-28", state: "due-soon" });
  });

  it("filters by stage and by deadline, and both at once", async () => {
    expect((await list("?stage=assessed")).items.map((i) => i.reference)).toEqual([
      "A/LATER",
      "A/SOON",
      "A/OVERDUE",
    ]);
    expect((await list("?deadline=due-soon")).items.map((i) => i.reference)).toEqual(["A/SOON"]);
    expect((await list("?stage=assessed&deadline=upcoming")).items.map((i) => i.reference)).toEqual([
      "A/LATER",
    ]);
    expect((await list("?stage=referred&deadline=overdue")).items).toEqual([]);
  });

  it("pages with a cursor: every case once, in order, the next link keeping the filters", async () => {
    const seen: string[] = [];
    let next: string | null = "/v1/cases?limit=2";
    let pages = 0;
    while (next) {
      const res = await request(app).get(next);
      expect(res.status).toBe(200);
      expect(contractErrors("CaseList", res.body)).toEqual([]);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { reference: string }) => i.reference));
      next = res.body.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual((await list()).items.map((i) => i.reference));
    const filtered = await list("?stage=assessed&limit=1");
    expect(filtered.next).toContain("stage=assessed");
    expect((await request(app).get(filtered.next!)).body.items[0].reference).toBe("A/SOON");
  });

  it("bounds the cases a filtered page looks at; a page may then be short, with a cursor to look further", async () => {
    const bounded = createApp(await service(), {
      records: new RecordStore(db),
      caseFile: { dueSoonWorkingDays: 5, retentionYears: 15, now: () => TODAY, listScanLimit: 2 },
    });
    // Only R/1, the oldest case, is referred: the first pages look at two cases each and find none.
    const found: string[] = [];
    let next: string | null = "/v1/cases?stage=referred";
    let pages = 0;
    while (next) {
      const res = await request(bounded).get(next);
      expect(contractErrors("CaseList", res.body)).toEqual([]);
      found.push(...res.body.items.map((i: { reference: string }) => i.reference));
      next = res.body.next;
      pages++;
    }
    expect(found).toEqual(["R/1"]);
    expect(pages).toBe(3);
  });

  it.each([
    ["an unknown stage", "?stage=closed", "stage"],
    ["an unknown deadline state", "?deadline=late", "deadline"],
    ["a cursor no page gave", "?cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["a page too large", "?limit=1000", "limit"],
    ["an unknown parameter", "?sort=due", "sort"],
  ])("refuses %s with a 400 naming the parameter", async (_what, query, pointer) => {
    const res = await request(app).get(`/v1/cases${query}`);
    expect(res.status).toBe(400);
    expect(contractErrors("Problem", res.body)).toEqual([]);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it("shows every milestone of the edition's timeline with the case's dates, done, due soon and overdue", async () => {
    const html = await timelinePage("A/OVERDUE");
    expect(html).toContain("2024-05-28 (from the advice&#39;s dates)");
    expect(html).toMatch(/data-milestone="secure-records" data-state="Overdue"/);
    // The example timeline is shown too, in its own table.
    expect(html).toContain("The guidance&#39;s example timeline and the review&#39;s scope");
    // The decision not to hold a review makes the review's duties not required; to hold one, required.
    expect(await timelinePage("D/NFA")).toMatch(/data-milestone="complete-review" data-state="Not required"/);
    expect(await timelinePage("D/REVIEW")).not.toMatch(
      /data-milestone="complete-review" data-state="Not required"/,
    );
  });

  it("records the case's dates as a record of the case, kept in its history", async () => {
    const res = await postDates("A/OVERDUE", { meeting: "2024-05-30", referral: "2024-05-28" });
    expect(res.status).toBe(303);
    expect(await timelinePage("A/OVERDUE")).toContain("2024-05-30 (recorded for the case)");
    const history = await request(app).get(`/v1/cases/${enc("A/OVERDUE")}`);
    expect(contractErrors("CaseHistory", history.body)).toEqual([]);
    const kept = history.body.records.filter((r: { kind: string }) => r.kind === "case-dates");
    // Only the date that changed is recorded: the referral was already known from the advice.
    expect(kept.map((r: { content: { dates: unknown } }) => r.content.dates)).toEqual([
      { meeting: "2024-05-30" },
    ]);
  });

  it("refuses a meeting before the referral, or a date after today, naming the field and keeping the answers", async () => {
    const before = await postDates("A/OVERDUE", { meeting: "2024-05-01" });
    expect(before.status).toBe(400);
    expect(before.text).toContain('href="#meeting-day"');
    expect(before.text).toContain("must not be before the referral date (2024-05-28)");
    expect(before.text).toMatch(/id="meeting-day" name="meeting-day" type="text" value="1"/);
    const future = await postDates("A/OVERDUE", { meeting: "2024-06-04" });
    expect(future.status).toBe(400);
    expect(future.text).toContain("must not be after today (2024-06-03)");
  });

  it("marks a milestone done, recording who and when; it is no longer the next deadline; twice is refused", async () => {
    const res = await post("A/OVERDUE", "milestones/done", { milestone: "secure-records" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cases/${enc("A/OVERDUE")}/timeline#milestone-secure-records`);
    const html = await timelinePage("A/OVERDUE");
    expect(html).toMatch(/data-milestone="secure-records" data-state="Done"/);
    expect(html).toContain("Marked done 2024-06-03 by someone on this computer (no sign-in)");
    expect((await item("A/OVERDUE")).nextDeadline?.milestone).not.toBe("secure-records");
    const history = await request(app).get(`/v1/cases/${enc("A/OVERDUE")}`);
    const done = history.body.records.find((r: { kind: string }) => r.kind === "milestone-done");
    expect(done.content).toEqual({ milestone: "secure-records", doneOn: "2024-06-03", due: "2024-05-28" });
    expect(done.madeBy).toEqual({ kind: "anyone" });
    // The case's minutes name it, and the dates recorded before it, in the history.
    const minutes = await request(app).get(`/v1/cases/${enc("A/OVERDUE")}/minutes`);
    expect(minutes.text).toMatch(/\d+\. Dates recorded, /);
    expect(minutes.text).toMatch(
      /\d+\. Milestone done, [\s\S]*?Milestone secure-records marked done on 2024-06-03/,
    );
    const again = await post("A/OVERDUE", "milestones/done", { milestone: "secure-records" });
    expect(again.status).toBe(409);
    expect(again.text).toContain("already marked done on 2024-06-03");
  });

  it("gives the deadlines in the case's minutes as the timeline does: marked done is done, due soon in working days", async () => {
    const minutesOf = async (target: Express, reference: string) => {
      const res = await request(target).get(`/v1/cases/${enc(reference)}/minutes`);
      expect(res.status).toBe(200);
      return res.text;
    };
    const SECURE = "Each organisation secures its records relating to the case";
    // Marked done on the timeline (the test above): done in the minutes too, whatever its date.
    const done = await minutesOf(app, "A/OVERDUE");
    expect(done).toMatch(
      new RegExp(`\\*\\*Done:\\*\\* ${SECURE}[^\\n]*\\(marked done on 3 June 2024, due 28 May 2024; 004 `),
    );
    expect(done).not.toMatch(new RegExp(`Overdue:\\*\\* ${SECURE}`));
    // Due on 28 June 2024, 19 working days after Monday 3 June: upcoming with 5 working days...
    const later = await minutesOf(app, "A/LATER");
    expect(later).toMatch(new RegExp(`\\*\\*Upcoming:\\*\\* ${SECURE}[^\\n]*by 28 June 2024`));
    expect(later).toContain("due soon means within 5 working days");
    // ...and due soon when the board counts 20 working days as soon, as the list says.
    const wider = createApp(await service(), {
      records: new RecordStore(db),
      caseFile: { dueSoonWorkingDays: 20, retentionYears: 15, now: () => TODAY },
    });
    const soon = await minutesOf(wider, "A/LATER");
    expect(soon).toMatch(new RegExp(`\\*\\*Due soon:\\*\\* ${SECURE}[^\\n]*by 28 June 2024`));
    expect(soon).toContain("due soon means within 20 working days");
    expect(soon).toContain("States as of 3 June 2024");
    // Every state the timeline page gives a tracked milestone, the minutes give it in the same words.
    const page = await timelinePage("A/OVERDUE");
    const states = [...page.matchAll(/data-milestone="([^"]+)" data-state="([^"]+)"/g)];
    expect(states.length).toBeGreaterThan(5);
    for (const [, id, word] of states) {
      if (word === "Not required" || word === "Scope") continue;
      const text = new RegExp(`data-milestone="${id}"[^>]*>\\s*<td class="govuk-table__cell">([^<]+)<`).exec(
        page,
      )![1]!;
      const plain = text.replace(/&#39;/g, "'").replace(/\.$/, "");
      if (done.includes(plain)) expect(done, id).toContain(`**${word}:** ${plain}`);
    }
  });

  it("a decision recorded from the pages moves the case to decided, then (corrected) to review under way, with the decision's deadlines next", async () => {
    const reference = "P/DECIDE";
    await open(reference);
    const adviceId = await advise(reference, "2024-05-28");
    // The records were secured on the day: the earlier duty is done.
    expect(
      (await post(reference, "milestones/done", { milestone: "secure-records", doneOn: "2024-05-28" }))
        .status,
    ).toBe(303);
    expect(await item(reference)).toMatchObject({ stage: "assessed" });
    const decideOnPage = async (decision: string, corrects?: string) => {
      const pagePath = `/cases/${enc(reference)}`;
      const res = await postForm(app, `${pagePath}/decisions`, await formPass(app, pagePath), {
        adviceId,
        decision,
        "decidedOn-day": "31",
        "decidedOn-month": "5",
        "decidedOn-year": "2024",
        reasons: "The criteria are considered.",
        idempotencyKey: crypto.randomUUID(),
        ...(corrects ? { corrects } : {}),
      });
      expect(res.status, res.text).toBe(303);
      const recordId = decodeURIComponent(res.headers.location!.split("/").at(-1)!);
      const history = await request(app).get(`/v1/cases/${enc(reference)}?limit=100`);
      const record = history.body.records.find((r: { recordId: string }) => r.recordId === recordId);
      return record as {
        recordId: string;
        content: { deadlines: Array<{ id: string; due: string | null }> };
      };
    };
    const nfa = await decideOnPage("no-further-action");
    const earliest = (r: typeof nfa) =>
      r.content.deadlines.filter((d) => d.due).sort((a, b) => a.due!.localeCompare(b.due!))[0]!;
    let listed = await item(reference);
    expect(listed.stage).toBe("decided");
    expect(listed.nextDeadline).toMatchObject({ milestone: earliest(nfa).id, due: earliest(nfa).due });
    expect(listed.nextDeadline!.milestone).toBe("notify-decision");
    // The chair's decision itself is done by the decision, on the timeline and in the minutes.
    expect(await timelinePage(reference)).toMatch(/data-milestone="chair-decision" data-state="Done"/);
    expect((await request(app).get(`/v1/cases/${enc(reference)}/minutes`)).text).toMatch(
      /\*\*Done:\*\* The chair of the board decides[^\n]*decided on 31 May 2024/,
    );
    // Corrected to hold a review: the review is under way, the correction's deadlines next.
    const review = await decideOnPage("serious-case-review", nfa.recordId);
    listed = await item(reference);
    expect(listed.stage).toBe("review-under-way");
    // Due the day the correction's first deadline is: notifying the decision, and (a requirement
    // the timeline counts from the decision when a review is held) appointing the lead reviewer,
    // both five working days after it; the earlier duties are done.
    expect(listed.nextDeadline!.due).toBe(earliest(review).due);
    expect(["notify-decision", "appoint-lead-reviewer"]).toContain(listed.nextDeadline!.milestone);
    expect((await list("?stage=review-under-way")).items.map((i) => i.reference)).toContain(reference);
  });

  it("refuses to mark done a milestone the timeline does not have", async () => {
    const res = await post("A/OVERDUE", "milestones/done", { milestone: "no-such-milestone" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("is not a milestone of the case");
  });

  it("counts a Welsh review's focus period from the incident's date, recorded for the case, as its scope", async () => {
    await open("W/1");
    const advised = await request(app)
      .post(`/v1/cases/${enc("W/1")}/assessments`)
      .send({ edition: "wales-cpr", answers: {}, dates: { referral: "2024-05-20" } });
    expect(advised.status).toBe(201);
    const res = await postDates("W/1", { incident: "2024-01-10" });
    expect(res.status).toBe(303);
    const html = await timelinePage("W/1");
    expect(html).toContain("2024-01-10 (recorded for the case)");
    expect(html).toMatch(/data-milestone="focus-period" data-state="Scope"[\s\S]*?2023-01-10/);
    const ics = await request(app).get(`/v1/cases/${enc("W/1")}/timeline.ics`);
    expect(ics.text).not.toContain("UID:focus-period.");
    // An incident after the referral cannot be.
    const late = await postDates("W/1", { incident: "2024-06-01" });
    expect(late.status).toBe(400);
    expect(late.text).toContain('href="#incident-day"');
  });

  it("records the review's completion, which completes the case", async () => {
    expect((await postDates("D/REVIEW", { completion: "2024-06-03" })).status).toBe(303);
    expect((await item("D/REVIEW")).stage).toBe("completed");
  });

  it("serves the deadlines as iCalendar whose UIDs stay the same when the dates change, a later version each time", async () => {
    const ics = async () => {
      const res = await request(app).get(`/v1/cases/${enc("A/LATER")}/timeline.ics`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/calendar/);
      return res.text.replace(/\r\n /g, "");
    };
    const event = (text: string, uidStart: string) => {
      const block = text.split("BEGIN:VEVENT").find((b) => b.includes(`UID:${uidStart}`));
      expect(block, uidStart).toBeDefined();
      return {
        start: /DTSTART;VALUE=DATE:(\d+)/.exec(block!)![1],
        sequence: Number(/SEQUENCE:(\d+)/.exec(block!)![1]),
        summary: /SUMMARY:(.*)/.exec(block!)![1],
      };
    };
    const first = await ics();
    const uids = [...first.matchAll(/UID:(.*)/g)].map((m) => m[1]);
    expect(uids.length).toBeGreaterThan(5);
    expect(new Set(uids).size).toBe(uids.length);
    expect(await ics()).toBe(first);
    expect(event(first, "secure-records.").start).toBe("20240628");

    // The referral turns out to have been earlier: the same events move.
    await postDates("A/LATER", { referral: "2024-05-31" });
    const moved = await ics();
    expect([...moved.matchAll(/UID:(.*)/g)].map((m) => m[1])).toEqual(uids);
    expect(event(moved, "secure-records.").start).toBe("20240531");
    expect(event(moved, "secure-records.").sequence).toBeGreaterThan(
      event(first, "secure-records.").sequence,
    );

    await post("A/LATER", "milestones/done", { milestone: "secure-records" });
    expect(event(await ics(), "secure-records.").summary).toMatch(/^Done: A\/LATER: /);
  });

  it("links the case page to its timeline and its calendar", async () => {
    const res = await request(app)
      .get(`/cases/${enc("A/LATER")}`)
      .set("Accept", "text/html");
    expect(res.text).toContain(`href="/cases/${enc("A/LATER")}/timeline"`);
    expect(res.text).toContain(`href="/v1/cases/${enc("A/LATER")}/timeline.ics"`);
  });

  it("closes a case: listed as completed and closed, no deadline, nothing deleted, still exported; its timeline frozen", async () => {
    const before = await request(app).get(`/v1/cases/${enc("A/SOON")}`);
    const res = await post("A/SOON", "close", { reason: "Single-agency learning completed." });
    expect(res.status).toBe(303);
    const closed = await item("A/SOON");
    expect(closed).toMatchObject({ stage: "completed", closed: true, deadline: "none", nextDeadline: null });
    expect((await list("?stage=completed")).items.map((i) => i.reference)).toContain("A/SOON");
    const exported = await request(app).get(`/v1/cases/${enc("A/SOON")}/export`);
    expect(exported.status).toBe(200);
    const lines = exported.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; content: Record<string, unknown> });
    // Every record made before closing is still there, then the closing record.
    expect(lines.length).toBe(before.body.records.length + 1);
    expect(lines.at(-1)).toMatchObject({
      kind: "case-closed",
      content: {
        closedOn: "2024-06-03",
        retentionYears: 15,
        retainUntil: "2039-06-03",
        reason: "Single-agency learning completed.",
      },
    });
    expect((await request(app).get(`/v1/cases/${enc("A/SOON")}/verify`)).body.valid).toBe(true);
    expect(await timelinePage("A/SOON")).toContain("Nothing is deleted by Threshold");
    const ics = await request(app).get(`/v1/cases/${enc("A/SOON")}/timeline.ics`);
    expect(ics.text).toContain("STATUS:CANCELLED");
    expect(ics.text).not.toContain("STATUS:CONFIRMED");
    const dates = await postDates("A/SOON", { meeting: "2024-06-03" });
    expect(dates.status).toBe(409);
    expect((await post("A/SOON", "close", {})).status).toBe(409);
  });

  it("lists cases and their pages on the /cases page, filtered, each linked to its case and timeline", async () => {
    const page = await request(app).get("/cases?stage=assessed&deadline=upcoming").set("Accept", "text/html");
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-case="A/LATER"');
    expect(page.text).not.toContain('data-case="R/1"');
    expect(page.text).toContain(`href="/cases/${enc("A/LATER")}/timeline"`);
    const all = await request(app).get("/cases").set("Accept", "text/html");
    // The six cases opened first, the Welsh one and the one decided from the pages.
    expect(all.text.match(/data-case="/g)?.length).toBe(8);
    const bad = await request(app).get("/cases?stage=nope").set("Accept", "text/html");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("govuk-error-summary");
  });

  it("the records table takes the case file's kinds beside every earlier kind (sealed too), and no other", async () => {
    const [row] = await db.query<{ def: string }>(
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'records_kind_check'",
    );
    const kinds = [...row!.def.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
    expect(kinds).toEqual(
      [
        "assessment",
        "case-closed",
        "case-dates",
        "case-opened",
        "decision",
        "milestone-done",
        "sealed",
      ].sort(),
    );
  });

  it("a case that does not exist has no timeline nor calendar (404)", async () => {
    expect((await request(app).get("/v1/cases/NO-SUCH/timeline.ics")).status).toBe(404);
    expect((await request(app).get("/cases/NO-SUCH/timeline").set("Accept", "text/html")).status).toBe(404);
  });

  it("an application records a case's dates, a milestone done and the case's closing over the API, as the contract says", async () => {
    const path = `/v1/cases/${enc("API/1")}`;
    await open("API/1");
    await advise("API/1", "2024-05-20");
    const dates = await request(app)
      .post(`${path}/dates`)
      .send({ dates: { incident: "2024-05-18" } });
    expect(dates.status, JSON.stringify(dates.body)).toBe(201);
    expect(contractErrors("RecordReceipt", dates.body)).toEqual([]);
    // A date that cannot be is refused, naming it; nothing is recorded.
    const impossible = await request(app)
      .post(`${path}/dates`)
      .send({ dates: { referral: "2024-02-30" } });
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/dates/referral"]);

    const done = await request(app).post(`${path}/milestones/done`).send({ milestone: "secure-records" });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body.seq).toBeGreaterThan(dates.body.seq);
    const twice = await request(app).post(`${path}/milestones/done`).send({ milestone: "secure-records" });
    expect(twice.status).toBe(409);
    expect(contractErrors("Problem", twice.body)).toEqual([]);

    // The reason is kept as the decision's reasons are: a tab a space, invisible characters gone.
    const closed = await request(app).post(`${path}/close`).send({ reason: "Review\tcomplete\u200b\u202e" });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    const records = await request(app).get(`${path}/records?limit=200`);
    const closing = (records.body.records as Array<{ kind: string; content: { reason?: string } }>).find(
      (r) => r.kind === "case-closed",
    );
    expect(closing?.content.reason).toBe("Review complete");
    expect(await item("API/1")).toMatchObject({ closed: true });
    // A closed case's timeline takes nothing more.
    const after = await request(app)
      .post(`${path}/dates`)
      .send({ dates: { decision: "2024-05-30" } });
    expect(after.status).toBe(409);
    expect(after.body.detail).toContain("was closed on");
  });
});

describe("the case file's configuration", () => {
  it("reads due soon and retention from the environment, with defaults, refusing what is not a number", () => {
    expect(loadConfig({}).caseFile).toEqual({ dueSoonWorkingDays: 5, retentionYears: 15 });
    expect(loadConfig({ CASE_DUE_SOON_WORKING_DAYS: "10", CASE_RETENTION_YEARS: "25" }).caseFile).toEqual({
      dueSoonWorkingDays: 10,
      retentionYears: 25,
    });
    expect(() => loadConfig({ CASE_RETENTION_YEARS: "forever" })).toThrow(ConfigError);
    expect(() => loadConfig({ CASE_DUE_SOON_WORKING_DAYS: "-1" })).toThrow(/CASE_DUE_SOON_WORKING_DAYS/);
  });
});

describe("the case file's today", () => {
  it("is England's date, even on a server that keeps UTC: at 00:30 on 1 July in summer time it is 1 July", async () => {
    const db = await freshMemoryDb();
    const zone = process.env.TZ;
    try {
      const app = createApp(await service(), {
        records: new RecordStore(db),
        // 23:30 UTC on 30 June is 00:30 British Summer Time on 1 July.
        caseFile: { dueSoonWorkingDays: 5, retentionYears: 15, now: () => new Date("2024-06-30T23:30:00Z") },
      });
      // Node reads TZ afresh when it is set: the server's clock as a UTC container's.
      process.env.TZ = "UTC";
      const res = await request(app).get("/v1/cases");
      expect(res.status).toBe(200);
      expect(res.body.asOf).toBe("2024-07-01");
    } finally {
      process.env.TZ = zone;
      await db.close();
    }
  });
});
