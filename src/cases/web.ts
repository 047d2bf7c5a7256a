/**
 * The case pages: a case's history (a page of 50 records at a time, so a long case stays a small
 * page), the chair's decision recorded with the GOV.UK patterns, the minutes as a download, and
 * the case's access log for a chair. They record through the same service operations as the API
 * (recordDecision), so the two cannot differ. Saving advice to a case starts on the result page
 * (assessments/web.ts). Free text reaches the page only through the templates, which escape it.
 *
 * Who is asking: `res.locals.actor` when sign-in has set it, otherwise anyone (loopback), with
 * the client's address for the case's access log.
 */
import express, { type Request, type Response } from "express";
import { Conflict, InvalidInput, NotFound } from "../errors.js";
import { ladderFor } from "../assessments/minutes.js";
import type { Outcome } from "../rulesets/types.js";
import type { Service } from "../service.js";
import { actorOf } from "../middleware/actor.js";
import { formErrors, type FormError } from "../web/errors.js";
import { readDateParts, text, type FormBody } from "../web/form.js";
import type { PageForms } from "../web/pages.js";
import { createViews, defaultFooter } from "../web/views.js";
import { madeByWords } from "./minutes.js";
import type { StoredRecord } from "./store.js";
import { caseFileRecordWords } from "./views.js";
import type { Stage } from "./case-state.js";

const OPERATION_WORDS: Record<string, string> = {
  "open-case": "Opened the case",
  "record-advice": "Recorded advice",
  "record-decision": "Recorded a decision",
  "read-case": "Read the case page",
  "read-records": "Read the records (API)",
  "read-minutes": "Read or downloaded the minutes",
  export: "Exported the records",
  verify: "Verified the chain",
  anchor: "Took an anchor",
  "read-access-log": "Read this access log",
  "read-timeline": "Read the timeline",
  "read-calendar": "Read the calendar feed",
  "record-dates": "Recorded the case's dates",
  "mark-done": "Marked a milestone done",
  "close-case": "Closed the case",
};

const caseUrl = (reference: string) => `/cases/${encodeURIComponent(reference)}`;
const when = (iso: string) => iso.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");

/** An outcome in its edition's words; a record of an edition no longer loaded keeps its id. */
function outcomeWords(editionId: string, outcome: string): string {
  // Advice since issue 13 says "undetermined" rather than keeping the floor in `outcome`.
  if (outcome === "undetermined") return "Not yet determined";
  try {
    return ladderFor(editionId).words[outcome] ?? outcome;
  } catch {
    return outcome;
  }
}

/** The page number asked for (1 when absent or not a number). */
function pageNumber(req: Request): number {
  const n = Number(typeof req.query.page === "string" ? req.query.page : 1);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

/** Records per page of a case's history or access log. */
const PER_PAGE = 50;

export function casePages(service: Service, { form, guarded }: PageForms): express.Router {
  const env = createViews();
  const router = express.Router();
  /** A reference that cannot be one is a page not found, as a case that does not exist is. */
  const asNotFound = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof InvalidInput && e.errors.some((f) => f.pointer === "reference"))
        throw new NotFound("there is no such case");
      throw e;
    }
  };

  const describe = (r: StoredRecord): string => {
    if (r.kind === "case-opened") return "Case opened";
    const caseFile = caseFileRecordWords(r);
    if (caseFile) return caseFile.text;
    if (r.kind === "assessment") {
      const a = r.content.assessment as {
        outcome: Outcome;
        determined: boolean;
        edition: { id: string; title: string };
      };
      return `Advice (${a.edition.title}): ${outcomeWords(a.edition.id, a.outcome)}${a.determined || a.outcome === "undetermined" ? "" : " so far; not yet determined"}`;
    }
    if (r.kind === "sealed")
      return "Chain sealed with the records key (the records before it are unkeyed, legacy)";
    const d = r.content as {
      decisionText: string;
      decidedOn: string;
      decidedBy?: string;
      departsFromAdvice: boolean | null;
      corrects?: string;
    };
    const departs = d.departsFromAdvice === true ? "; departs from the advice" : "";
    const capacity = d.decidedBy ? ` as ${d.decidedBy}` : "";
    return `Decision: ${d.decisionText}, ${d.decidedOn}${capacity}, recorded by ${madeByWords(r.madeBy)}${departs}${d.corrects ? " (a correction)" : ""}`;
  };

  const page = async (
    req: Request,
    res: Response,
    reference: string,
    values: Record<string, string> = {},
    errors: FormError[] = [],
    status = 200,
  ) => {
    const n = pageNumber(req);
    const file = await asNotFound(() =>
      service.caseFile(actorOf(res), reference, { from: (n - 1) * PER_PAGE + 1, limit: PER_PAGE }),
    );
    const { records, verification, latestAdvice: advice } = file;
    const pages = Math.max(1, Math.ceil(file.page.total / PER_PAGE));
    const adviceOutcome = advice
      ? (advice.content.assessment as { outcome: Outcome; determined: boolean; edition: { id: string } })
      : undefined;
    const url = caseUrl(reference);
    res
      .status(status)
      .type("html")
      .send(
        env.render("case.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: defaultFooter(service.library),
          title: `Case ${reference}`,
          reference,
          verification,
          historyRows: records.map((r) => ({
            key: { text: `${r.seq}. ${when(r.recordedAt)}` },
            value: { text: describe(r) },
          })),
          history: {
            total: file.page.total,
            first: records[0]?.seq ?? 0,
            last: records.at(-1)?.seq ?? 0,
            pagination:
              pages > 1
                ? {
                    ...(n > 1 ? { previous: { href: `${url}?page=${n - 1}` } } : {}),
                    ...(n < pages ? { next: { href: `${url}?page=${n + 1}` } } : {}),
                    items: Array.from({ length: pages }, (_, i) => i + 1)
                      .filter((p) => p === 1 || p === pages || Math.abs(p - n) <= 2)
                      .flatMap((p, i, all) => [
                        ...(i > 0 && p - all[i - 1]! > 1 ? [{ ellipsis: true }] : []),
                        { number: p, href: `${url}?page=${p}`, current: p === n },
                      ]),
                  }
                : undefined,
          },
          latestAdvice: advice && {
            id: advice.recordId,
            when: when(advice.recordedAt),
            words: `${outcomeWords(adviceOutcome!.edition.id, adviceOutcome!.outcome)}${adviceOutcome!.determined || adviceOutcome!.outcome === "undetermined" ? "" : " so far (not yet determined)"}`,
          },
          decisionItems: service.decisionOptions.map((o) => ({
            value: o.id,
            text: o.text,
            checked: values.decision === o.id,
          })),
          values,
          errors: errors.map((e) => ({ text: e.text, href: e.href })),
          fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
          minutesUrl: `${url}/minutes.md`,
          accessLogUrl: `${url}/access-log`,
          filename: `case-${reference.replace(/\//g, "-")}-minutes.md`,
        }),
      );
  };

  router.get("/cases/:reference", async (req, res) => {
    await page(req, res, String(req.params.reference));
  });

  // The whole history as Markdown, as a download: never inside the case page, which stays small.
  router.get("/cases/:reference/minutes.md", async (req, res) => {
    const reference = String(req.params.reference);
    const minutes = await asNotFound(() => service.caseMinutes(actorOf(res), reference));
    res
      .type("text/markdown; charset=utf-8")
      .setHeader(
        "Content-Disposition",
        `attachment; filename="case-${reference.replace(/\//g, "-")}-minutes.md"`,
      )
      .send(minutes);
  });

  // Who read or wrote the case: a chair's page (anyone, on loopback without sign-in).
  router.get("/cases/:reference/access-log", async (req, res) => {
    const reference = String(req.params.reference);
    const n = pageNumber(req);
    const log = await asNotFound(() =>
      service.accessLog(actorOf(res), reference, { from: (n - 1) * PER_PAGE + 1, limit: PER_PAGE }),
    );
    const pages = Math.max(1, Math.ceil(log.page.total / PER_PAGE));
    const url = `${caseUrl(reference)}/access-log`;
    res.type("html").send(
      env.render("case-access-log.njk", {
        cspNonce: res.locals.cspNonce,
        ruleset: defaultFooter(service.library),
        title: `Access log of case ${reference}`,
        reference,
        caseUrl: caseUrl(reference),
        valid: log.valid,
        problems: log.problems,
        total: log.page.total,
        rows: log.entries.map((e) => [
          { text: String(e.seq) },
          { text: when(e.at) },
          { text: OPERATION_WORDS[e.operation] },
          { text: madeByWords(e.madeBy) },
          { text: e.address ?? "-" },
        ]),
        pagination:
          pages > 1
            ? {
                ...(n > 1 ? { previous: { href: `${url}?page=${n - 1}` } } : {}),
                ...(n < pages ? { next: { href: `${url}?page=${n + 1}` } } : {}),
              }
            : undefined,
      }),
    );
  });

  router.post("/cases/:reference/decisions", ...guarded, form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const values: Record<string, string> = {
      decision: text(body.decision),
      decidedBy: text(body.decidedBy),
      reasons: text(body.reasons),
    };
    const errors: FormError[] = [];
    const decidedOn = readDateParts(body, "decidedOn", "Date of the decision", values, errors);
    if (!decidedOn && !errors.some((e) => e.field === "decidedOn"))
      errors.push({ href: "#decidedOn-day", field: "decidedOn", text: "Enter the date of the decision" });
    if (!values.decision)
      errors.push({ href: "#decision", field: "decision", text: "Select what the chair decided" });
    if (!values.reasons)
      errors.push({ href: "#reasons", field: "reasons", text: "Enter the reasons for the decision" });
    if (errors.length) return page(req, res, reference, values, errors, 400);
    try {
      await service.recordDecision(actorOf(res), reference, {
        adviceId: text(body.adviceId),
        decision: values.decision,
        decidedOn,
        ...(values.decidedBy ? { decidedBy: values.decidedBy } : {}),
        reasons: values.reasons,
      });
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      const mapped = formErrors(e, (pointer) => {
        const field = pointer.replace(/^\//, "");
        return { field, href: `#${field === "decidedOn" ? "decidedOn-day" : field}`, label: `${field}:` };
      });
      return page(req, res, reference, values, mapped, 400);
    }
    res.redirect(303, caseUrl(reference));
  });

  return router;
}

const TAGS: Record<string, { text: string; classes: string }> = {
  overdue: { text: "Overdue", classes: "govuk-tag--red" },
  "due-soon": { text: "Due soon", classes: "govuk-tag--yellow" },
  upcoming: { text: "Upcoming", classes: "govuk-tag--blue" },
  none: { text: "No deadline", classes: "govuk-tag--grey" },
  done: { text: "Done", classes: "govuk-tag--green" },
  "no-date": { text: "No date yet", classes: "govuk-tag--grey" },
  "not-required": { text: "Not required", classes: "govuk-tag--grey" },
  scope: { text: "Scope", classes: "govuk-tag--grey" },
};
const STAGE_WORDS: Record<Stage, string> = {
  referred: "Referred: awaits the sub-group",
  assessed: "Assessed: awaits the chair's decision",
  decided: "Decided",
  "review-under-way": "Review under way",
  completed: "Completed",
};
const SOURCE_WORDS: Record<string, string> = {
  recorded: "recorded for the case",
  advice: "from the advice's dates",
  decision: "from the chair's decision",
};
const DEADLINE_WORDS: Record<string, string> = {
  overdue: "Overdue",
  "due-soon": "Due soon",
  upcoming: "Upcoming",
  none: "No deadline",
};

/** Who made a record, as a page says it. */
const byWhom = (m: { kind: string; name?: string } | null): string =>
  m?.name ? m.name : m?.kind === "anyone" ? "someone on this computer (no sign-in)" : "unknown";

/**
 * The case file's pages (issue 14): the board's list of cases, a case's timeline with its dates,
 * "mark done", its calendar, and a chair closing the case. They record through the same service
 * operations as the API.
 */
export function caseFilePages(service: Service, { form, guarded }: PageForms): express.Router {
  const env = createViews();
  const router = express.Router();
  const timelineUrl = (reference: string) => `${caseUrl(reference)}/timeline`;

  router.get("/cases", async (req, res) => {
    const query: Record<string, string> = {};
    for (const k of ["stage", "deadline", "cursor"] as const) {
      const v = req.query[k];
      if (typeof v === "string" && v !== "") query[k] = v;
    }
    let list;
    let errors: FormError[] = [];
    try {
      list = await service.listCases(actorOf(res), query);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      errors = formErrors(e, (pointer) => ({ field: pointer, href: `#${pointer}`, label: `${pointer}:` }));
      list = await service.listCases(actorOf(res), {});
    }
    const nextQuery = new URLSearchParams({
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.deadline ? { deadline: query.deadline } : {}),
      ...(list.next ? { cursor: list.next } : {}),
    });
    const option = (value: string, text: string, selected?: string) => ({
      value,
      text,
      selected: value === (selected ?? ""),
    });
    res
      .status(errors.length ? 400 : 200)
      .type("html")
      .send(
        env.render("case-list.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: defaultFooter(service.library),
          title: "Cases",
          nav: "cases",
          errors,
          asOf: list.asOf,
          dueSoonWorkingDays: list.dueSoonWorkingDays,
          filtered: !!(query.stage || query.deadline),
          firstPage: !query.cursor,
          stageItems: [
            option("", "Any stage", query.stage),
            ...["referred", "assessed", "decided", "review-under-way", "completed"].map((s) =>
              option(s, STAGE_WORDS[s as Stage], query.stage),
            ),
          ],
          deadlineItems: [
            option("", "Any", query.deadline),
            ...Object.entries(DEADLINE_WORDS).map(([v, t]) => option(v, t, query.deadline)),
          ],
          items: list.items.map((i) => ({
            reference: i.reference,
            href: caseUrl(i.reference),
            timelineHref: timelineUrl(i.reference),
            edition: i.edition.title,
            stage: STAGE_WORDS[i.stage],
            closed: i.closed,
            next: i.nextDeadline,
            tag: TAGS[i.deadline]!,
          })),
          nextHref: list.next ? `/cases?${nextQuery.toString()}` : null,
        }),
      );
  });

  const timelinePage = async (
    res: Response,
    reference: string,
    values: Record<string, string> = {},
    errors: FormError[] = [],
    status = 200,
  ) => {
    let t;
    try {
      t = await service.caseTimeline(actorOf(res), reference);
    } catch (e) {
      if (e instanceof InvalidInput) throw new NotFound("there is no such case");
      throw e;
    }
    const dateValues = Object.fromEntries(
      t.dates.flatMap((dt) => {
        const [year, month, day] = dt.date ? dt.date.split("-") : ["", "", ""];
        return [
          [`${dt.name}-day`, values[`${dt.name}-day`] ?? (day ? String(Number(day)) : "")],
          [`${dt.name}-month`, values[`${dt.name}-month`] ?? (month ? String(Number(month)) : "")],
          [`${dt.name}-year`, values[`${dt.name}-year`] ?? year ?? ""],
        ];
      }),
    );
    const row = (ms: (typeof t.milestones)[number]) => ({
      id: ms.id,
      text: ms.text,
      rule: ms.rule,
      due: ms.due,
      nature: ms.nature,
      appliesWhen: ms.appliesWhen,
      tag: TAGS[ms.state]!,
      done: ms.done ? { on: ms.done.on, by: byWhom(ms.done.madeBy) } : null,
      canMarkDone: !ms.done && !t.closed && ms.state !== "not-required" && ms.state !== "scope",
    });
    res
      .status(status)
      .type("html")
      .send(
        env.render("case-timeline.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: t.ruleset,
          title: `Timeline of case ${reference}`,
          nav: "cases",
          reference,
          t,
          stageWords: STAGE_WORDS[t.stage],
          next: t.nextDeadline && { ...t.nextDeadline, tag: TAGS[t.nextDeadline.state]! },
          dateRows: t.dates.map((dt) => ({
            key: { text: dt.label },
            value: { text: dt.date ? `${dt.date} (${SOURCE_WORDS[dt.source!]})` : "Not recorded" },
          })),
          dateValues,
          deadlines: t.milestones
            .filter((ms) => ms.nature === "requirement" || ms.nature === "advice")
            .map(row),
          examples: t.milestones
            .filter((ms) => ms.nature !== "requirement" && ms.nature !== "advice")
            .map(row),
          closed: t.closed && { ...t.closed, by: byWhom(t.closed.madeBy) },
          calendarHref: `/v1/cases/${encodeURIComponent(reference)}/timeline.ics`,
          caseHref: caseUrl(reference),
          values,
          errors: errors.map((e) => ({ text: e.text, href: e.href })),
          fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
        }),
      );
  };

  /** A form's refusal shown on the timeline page: the fields named, a conflict said plainly. */
  const refused = (e: unknown, reference: string, res: Response, values: Record<string, string>) => {
    if (e instanceof InvalidInput) {
      const mapped = formErrors(e, (pointer) => {
        const field = pointer.replace(/^\/(dates\/)?/, "");
        return { field, href: `#${field}${/^(dates\/)/.test(pointer.slice(1)) ? "-day" : ""}`, label: "" };
      });
      return timelinePage(
        res,
        reference,
        values,
        mapped.map((m) => ({ ...m, text: m.text.trim() })),
        400,
      );
    }
    if (e instanceof Conflict)
      return timelinePage(
        res,
        reference,
        values,
        [{ field: "", href: "#main-content", text: e.message }],
        409,
      );
    throw e;
  };

  router.get("/cases/:reference/timeline", async (req, res) => {
    await timelinePage(res, String(req.params.reference));
  });

  router.post("/cases/:reference/dates", ...guarded, form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const values: Record<string, string> = {};
    const errors: FormError[] = [];
    const current = await service.caseTimeline(actorOf(res), reference);
    const dates: Record<string, string | null> = {};
    for (const dt of current.dates) {
      const iso = readDateParts(body, dt.name, dt.label, values, errors);
      const blank = !values[`${dt.name}-day`] && !values[`${dt.name}-month`] && !values[`${dt.name}-year`];
      if (iso && iso !== dt.date) dates[dt.name] = iso;
      // Emptying a date the board recorded clears it (a new record says so); one read from the
      // advice or the decision cannot be cleared here.
      else if (blank && dt.date && dt.source === "recorded") dates[dt.name] = null;
    }
    for (const e of errors) e.href = `#${e.field}-day`;
    if (errors.length) return timelinePage(res, reference, values, errors, 400);
    if (Object.keys(dates).length === 0)
      return timelinePage(
        res,
        reference,
        values,
        [{ field: "becameAware", href: "#becameAware-day", text: "Change at least one date, or go back" }],
        400,
      );
    try {
      await service.recordCaseDates(actorOf(res), reference, { dates });
    } catch (e) {
      return refused(e, reference, res, values);
    }
    res.redirect(303, `${timelineUrl(reference)}#dates-heading`);
  });

  router.post("/cases/:reference/milestones/done", ...guarded, form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const milestone = text(body.milestone);
    try {
      await service.markMilestoneDone(actorOf(res), reference, { milestone });
    } catch (e) {
      return refused(e, reference, res, {});
    }
    res.redirect(303, `${timelineUrl(reference)}#milestone-${encodeURIComponent(milestone)}`);
  });

  router.post("/cases/:reference/close", ...guarded, form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const values = { reason: text(body.reason) };
    try {
      await service.closeCase(actorOf(res), reference, values.reason ? { reason: values.reason } : {});
    } catch (e) {
      return refused(e, reference, res, values);
    }
    res.redirect(303, `${timelineUrl(reference)}#closed-heading`);
  });

  return router;
}
