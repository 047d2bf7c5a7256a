/**
 * A case's timeline: its dates kept as records, every milestone of its edition's timeline (the one
 * POST /v1/timelines computes, through the timelines feature's operation) with whether it is done,
 * due soon or overdue, "mark done" recorded, the deadlines as an iCalendar feed whose events keep
 * their UIDs, and a chair closing the case for retention. Append-only like every case record: a
 * date corrected, or a case closed, is a new record; nothing is changed or deleted.
 */
import { createHash } from "node:crypto";
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from "ical-generator";
import { z } from "zod";
import type { Core } from "../core.js";
import { fieldErrors, isoDate, named, type ContractRegistry } from "../contract/validation.js";
import { Conflict, InvalidInput } from "../errors.js";
import { madeBy, type Actor, type MadeBy } from "../service.js";
import { DateOutOfRangeError, formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import { NATURE_WORDS } from "../timelines/deadlines.js";
import type { Milestone, Timeline } from "../timelines/timeline.js";
import {
  CASE_DATE_LABELS,
  CASE_DATE_NAMES,
  caseState,
  readCaseState,
  type CaseRecord,
  type CaseDateName,
  type CaseState,
  type DateSource,
  type Stage,
} from "./case-state.js";
import { todayInEngland } from "./decision-flow.js";
import { normaliseFreeText } from "./free-text.js";
import { caseGuards } from "./guards.js";
import type { AccessOperation, RecordKind, RecordStore, StoredRecord } from "./store.js";

/** How the case file counts: configured in src/config.ts. */
export interface CaseFileOptions {
  /** A deadline within this many working days (England and Wales) of today is due soon. */
  dueSoonWorkingDays: number;
  /** How many years a closed case's records are kept after it was closed, before the board reviews them. */
  retentionYears: number;
  /** Today, for the deadlines (tests set it). */
  now?: () => Date;
  /** At most this many cases are looked at for one page of a filtered list (default 500). */
  listScanLimit?: number;
}

export const DEFAULT_CASE_FILE_OPTIONS: CaseFileOptions = { dueSoonWorkingDays: 5, retentionYears: 15 };

/**
 * Where a milestone stands for this case: the timelines' progress, and `not-required` when what the
 * case knows (its advice's triggers, its decision) says the milestone does not apply.
 */
export type MilestoneState =
  | "done"
  | "overdue"
  | "due-soon"
  | "upcoming"
  | "no-date"
  | "not-required"
  // The review's scope (its focus period's first day), a date but not a deadline.
  | "scope";
export type DeadlineState = "overdue" | "due-soon" | "upcoming" | "none";

export interface CaseMilestone extends Milestone {
  state: MilestoneState;
  /**
   * Counts for the case's next deadline: a requirement or advice to chairs that applies or may (not
   * the guidance's example timeline, nor the scope of a review, such as its focus period).
   */
  tracked: boolean;
  /** `byDecision`: done because a decision stands (DECISION_MILESTONE), not marked done. */
  done: { on: string; recordedAt: string; madeBy: MadeBy | null; byDecision?: true } | null;
}

export interface NextDeadline {
  milestone: string;
  text: string;
  due: string;
  state: Exclude<DeadlineState, "none">;
}

export interface CaseTimeline {
  reference: string;
  stage: Stage;
  edition: { id: string; title: string };
  ruleset: { version: string; hash: string };
  asOf: string;
  dueSoonWorkingDays: number;
  dates: Array<{ name: CaseDateName; label: string; date: string | null; source: DateSource | null }>;
  milestones: CaseMilestone[];
  nextDeadline: NextDeadline | null;
  /** Why no deadlines could be counted, when the dates do not allow it. */
  problem: string | null;
  closed: CaseState["closed"];
  latestDecision: CaseState["latestDecision"];
  lastSeq: number;
}

/**
 * The milestone a recorded decision fulfils: the decision itself, the edition's `decisionTimescale`
 * (edition.yaml): the chair's under Working Together (rules/timescales chair-decision.*, "the
 * Chair ... decides within one month of this referral", 004 §3.8; 000 §6.7), the partners' local
 * review decision since 2018, a Welsh board's. DECISION_MILESTONE is Working Together's.
 * Once a decision stands it is done, on the decision's date, by whoever recorded it, without anyone
 * marking it so; otherwise the list would go on showing the decision as the case's next deadline.
 */
const DECISION_MILESTONE = "chair-decision";

/** The timelines' dates: the case dates its timescales count from. */
const TIMELINE_DATES = ["becameAware", "referral", "decision", "publication"] as const;

/** Dates of what has happened may not be after today; publication may be planned. */
const PAST_ONLY: readonly CaseDateName[] = CASE_DATE_NAMES.filter((name) => name !== "publication");

/**
 * The case file's requests, one definition for the API, the pages and the OpenAPI document
 * (scripts/openapi.ts names them in it).
 */
export function buildCaseFileSchemas(registry?: ContractRegistry) {
  const caseDates = named(
    registry,
    "CaseDatesRequest",
    z
      .strictObject(
        {
          dates: z.strictObject(
            Object.fromEntries(CASE_DATE_NAMES.map((n) => [n, isoDate.nullable().optional()])) as Record<
              CaseDateName,
              z.ZodOptional<z.ZodNullable<typeof isoDate>>
            >,
            { error: `must be an object of dates (${CASE_DATE_NAMES.join(", ")}); null clears one` },
          ),
        },
        { error: "the request body must be a JSON object with dates" },
      )
      .refine((b) => Object.values(b.dates).some((v) => v !== undefined), {
        path: ["dates"],
        error: "must give at least one date",
      }),
  );
  const markDone = named(
    registry,
    "MilestoneDoneRequest",
    z.strictObject(
      {
        milestone: z.string({ error: "must be the id of a milestone of the case's timeline" }),
        doneOn: isoDate.optional(),
      },
      { error: "the request body must be a JSON object with the milestone's id" },
    ),
  );
  const close = named(
    registry,
    "CloseCaseRequest",
    z.strictObject(
      {
        reason: z
          .string({ error: "must be text" })
          .max(2000, { error: "must be at most 2000 characters" })
          .optional(),
      },
      { error: "the request body must be a JSON object" },
    ),
  );
  return { caseDates, markDone, close };
}

const { caseDates: caseDatesSchema, markDone: markDoneSchema, close: closeSchema } = buildCaseFileSchemas();

/** UIDs that depend only on the case and the milestone, as the timelines' own feed makes them. */
function milestoneUid(reference: string, milestone: string): string {
  return `${milestone}.${createHash("sha256").update(reference).digest("hex").slice(0, 16)}@threshold`;
}

export function caseTimelineOperations(
  core: Core,
  store: RecordStore | undefined,
  timeline: (body: unknown) => Timeline,
  options: CaseFileOptions,
) {
  const { library, calendar } = core;
  const now = options.now ?? (() => new Date());
  const { openStore, notFound, checkReference, logged } = caseGuards(store);
  const stateOf = async (reference: string): Promise<CaseState> => {
    const state = await readCaseState(openStore().db, reference, core.decisions.options);
    if (!state) throw notFound(reference);
    return state;
  };

  /**
   * Appends one of this module's records, kept with who made it, and logs the write in the case's
   * access log (issue 12) once it has succeeded.
   */
  const append = async (
    reference: string,
    kind: RecordKind,
    content: Record<string, unknown>,
    actor: Actor,
    operation: AccessOperation,
  ): Promise<StoredRecord> => {
    const record = await openStore().append(reference, kind, content, madeBy(actor));
    return logged(actor, reference, operation, record);
  };

  // Today where the board works, whatever the server's time zone (a container often runs in UTC,
  // an hour behind England's date from midnight to one in summer).
  const today = () => todayInEngland(now());

  /** The last day counted as due soon: today plus the configured working days. */
  const soonUntil = (todayDate: Date): string => {
    try {
      return formatIsoDate(calendar.addWorkingDays(todayDate, options.dueSoonWorkingDays));
    } catch (e) {
      // Beyond the bank-holiday table, count calendar days: a week for five working days.
      if (!(e instanceof DateOutOfRangeError)) throw e;
      const d = new Date(todayDate);
      d.setDate(d.getDate() + Math.ceil((options.dueSoonWorkingDays * 7) / 5));
      return formatIsoDate(d);
    }
  };

  /**
   * Applies a milestone for this case: a review's duties once the decision is known, a trigger's by
   * the latest advice's finding on it; otherwise as the timeline says (it knows no answers).
   */
  const appliesFor = (m: Milestone, state: CaseState): Milestone["applies"] => {
    if (m.applies === "if-review-held" && state.latestDecision)
      return state.latestDecision.review ? "required" : "not-required";
    const trigger = /^when the trigger (\S+) is met$/.exec(m.appliesWhen)?.[1];
    const status = trigger ? state.latestAdvice?.triggers.get(trigger) : undefined;
    if (status === "met") return "required";
    if (status === "not-met") return "not-required";
    return m.applies;
  };

  /** The case's edition: its latest advice's, or the default one before any advice. */
  const editionOf = (state: CaseState): string =>
    state.latestAdvice && library.editions.has(state.latestAdvice.edition)
      ? state.latestAdvice.edition
      : library.defaultEdition;

  /**
   * The incident's date for the timeline (a deadline may count from it), with the country of the
   * case's edition, which the timeline asks for with it; the edition stays the case's.
   */
  const incidentOf = (edition: string, date: string | undefined) =>
    date ? { incidentDate: date, country: library.editions.get(edition)!.country } : {};

  /** The case's timeline as of today, from its state. */
  const build = (state: CaseState): CaseTimeline => {
    const edition = editionOf(state);
    const dates: Record<string, string> = {};
    for (const name of TIMELINE_DATES) if (state.dates[name]) dates[name] = state.dates[name].date;
    const incident = incidentOf(edition, state.dates.incident?.date);
    let t: Timeline;
    let problem: string | null = null;
    try {
      t = timeline({ edition, dates, ...incident, reference: state.reference });
    } catch (e) {
      // Dates the calendar cannot count from, or in an order the guidance does not allow: the
      // milestones are shown without dates and the problem is named, rather than a broken list.
      if (!(e instanceof InvalidInput)) throw e;
      problem = e.errors.map((f) => `${f.pointer}: ${f.detail}`).join("; ");
      t = timeline({ edition, dates: {}, reference: state.reference });
    }
    const asOf = today();
    const soon = soonUntil(parseIsoDate(asOf)!);
    const milestones: CaseMilestone[] = t.milestones.map((m) => {
      const applies = appliesFor(m, state);
      const decided =
        m.id === (library.editions.get(edition)?.decisionTimescale ?? DECISION_MILESTONE)
          ? state.latestDecision
          : null;
      const done =
        state.done.get(m.id) ??
        (decided
          ? {
              on: decided.decidedOn,
              recordedAt: decided.recordedAt,
              madeBy: decided.madeBy,
              byDecision: true as const,
            }
          : null);
      const stateWord: MilestoneState = done
        ? "done"
        : m.nature === "scope"
          ? "scope"
          : applies === "not-required"
            ? "not-required"
            : m.due === null
              ? "no-date"
              : m.due < asOf
                ? "overdue"
                : m.due <= soon
                  ? "due-soon"
                  : "upcoming";
      return {
        ...m,
        applies,
        state: stateWord,
        tracked:
          (m.nature === "requirement" || m.nature === "advice") &&
          (applies === "required" || applies === "may-be-required"),
        done,
      };
    });
    // The next deadline: the earliest due date of a tracked milestone not done. A closed case has none.
    const next = state.closed
      ? undefined
      : milestones
          .filter((m) => m.tracked && !m.done && m.due !== null)
          .sort((a, b) => a.due!.localeCompare(b.due!) || a.id.localeCompare(b.id))[0];
    return {
      reference: state.reference,
      stage: state.stage,
      edition: t.edition,
      ruleset: t.ruleset,
      asOf,
      dueSoonWorkingDays: options.dueSoonWorkingDays,
      dates: CASE_DATE_NAMES.map((name) => ({
        name,
        label: CASE_DATE_LABELS[name],
        date: state.dates[name]?.date ?? null,
        source: state.dates[name]?.source ?? null,
      })),
      milestones,
      nextDeadline: next
        ? {
            milestone: next.id,
            text: next.text,
            due: next.due!,
            state: next.state as NextDeadline["state"],
          }
        : null,
      problem,
      closed: state.closed,
      latestDecision: state.latestDecision,
      lastSeq: state.lastSeq,
    };
  };

  /**
   * The case's timeline from its records as already read (the case's minutes read them all): the
   * same state and the same calculation as the list and the timeline page, so all agree.
   */
  const timelineOf = (reference: string, records: readonly CaseRecord[]): CaseTimeline =>
    build(caseState(reference, records[0]?.recordedAt ?? "", records, core.decisions.options));

  const refuseClosed = (state: CaseState) => {
    if (state.closed)
      throw new Conflict(
        `the case "${state.reference}" was closed on ${state.closed.closedOn}: its records are kept and can be read and exported, but nothing more is added to its timeline`,
      );
  };

  /** The case's timeline, as a read of the case (logged). */
  /** The timeline as one read of the case, logged as the read it is (never the caller's choice). */
  const timelineRead = async (
    actor: Actor,
    referenceIn: string,
    operation: "read-timeline" | "read-calendar",
  ): Promise<CaseTimeline> => {
    const reference = checkReference(referenceIn);
    return logged(actor, reference, operation, build(await stateOf(reference)));
  };
  const caseTimeline = (actor: Actor, referenceIn: string) =>
    timelineRead(actor, referenceIn, "read-timeline");

  /** Records the case's dates: those given replace the ones before; null clears one. */
  const recordCaseDates = async (actor: Actor, referenceIn: string, body: unknown): Promise<StoredRecord> => {
    const reference = checkReference(referenceIn);
    const parsed = caseDatesSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const given = parsed.data.dates;
    const state = await stateOf(reference);
    refuseClosed(state);
    const asOf = today();
    const errors: Array<{ pointer: string; detail: string }> = [];
    for (const name of PAST_ONLY) {
      const d = given[name];
      if (d && d > asOf)
        errors.push({ pointer: `/dates/${name}`, detail: `must not be after today (${asOf})` });
    }
    // The dates as they will stand, in the order a case meets them.
    const merged: Partial<Record<CaseDateName, string>> = {};
    for (const name of CASE_DATE_NAMES) {
      const value = given[name] === undefined ? state.dates[name]?.date : given[name];
      if (value) merged[name] = value;
    }
    const order: Array<[CaseDateName, CaseDateName]> = [
      ["incident", "becameAware"],
      ["incident", "referral"],
      ["becameAware", "referral"],
      ["referral", "meeting"],
      ["referral", "decision"],
      ["decision", "completion"],
      ["decision", "publication"],
    ];
    for (const [a, b] of order) {
      if (merged[a] && merged[b] && merged[b] < merged[a] && given[b] !== undefined)
        errors.push({
          pointer: `/dates/${b}`,
          detail: `must not be before the ${CASE_DATE_LABELS[a].toLowerCase()} date (${merged[a]})`,
        });
      else if (merged[a] && merged[b] && merged[b] < merged[a] && given[a] !== undefined)
        errors.push({
          pointer: `/dates/${a}`,
          detail: `must not be after the ${CASE_DATE_LABELS[b].toLowerCase()} date (${merged[b]})`,
        });
    }
    if (errors.length) throw new InvalidInput(errors);
    // The timeline must be countable from these dates (the bank-holiday table's range).
    const counted: Record<string, string> = {};
    for (const name of TIMELINE_DATES) if (merged[name]) counted[name] = merged[name];
    timeline({
      edition: editionOf(state),
      dates: counted,
      ...incidentOf(editionOf(state), merged.incident),
      reference,
    });
    const dates = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    return append(reference, "case-dates", { dates }, actor, "record-dates");
  };

  /** Marks a milestone of the case's timeline done: who and when the record keeps. */
  const markMilestoneDone = async (
    actor: Actor,
    referenceIn: string,
    body: unknown,
  ): Promise<StoredRecord> => {
    const reference = checkReference(referenceIn);
    const parsed = markDoneSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const state = await stateOf(reference);
    refuseClosed(state);
    const t = build(state);
    const milestone = t.milestones.find((m) => m.id === parsed.data.milestone);
    if (!milestone)
      throw new InvalidInput([
        { pointer: "/milestone", detail: "is not a milestone of the case's timeline" },
      ]);
    if (milestone.done)
      throw new Conflict(
        milestone.done.byDecision
          ? `"${milestone.text}" is done: the decision recorded was made on ${milestone.done.on}`
          : `"${milestone.text}" was already marked done on ${milestone.done.on}`,
        [{ pointer: "/milestone", detail: "is already done" }],
      );
    const doneOn = parsed.data.doneOn ?? today();
    if (doneOn > today())
      throw new InvalidInput([{ pointer: "/doneOn", detail: `must not be after today (${today()})` }]);
    return append(
      reference,
      "milestone-done",
      { milestone: milestone.id, doneOn, due: milestone.due },
      actor,
      "mark-done",
    );
  };

  /**
   * A chair closes the case. Nothing is deleted: the records stay, readable and exportable, and the
   * closing record says until when they are to be kept (closing date plus the retention period);
   * after that the board decides, under its own records policy, what to do with them.
   */
  const closeCase = async (actor: Actor, referenceIn: string, body: unknown): Promise<StoredRecord> => {
    const reference = checkReference(referenceIn);
    const parsed = closeSchema.safeParse(body ?? {});
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const state = await stateOf(reference);
    refuseClosed(state);
    const closedOn = today();
    const until = parseIsoDate(closedOn)!;
    until.setFullYear(until.getFullYear() + options.retentionYears);
    const reason = parsed.data.reason ? normaliseFreeText(parsed.data.reason) : "";
    return append(
      reference,
      "case-closed",
      {
        closedOn,
        retentionYears: options.retentionYears,
        retainUntil: formatIsoDate(until),
        ...(reason ? { reason } : {}),
      },
      actor,
      "close-case",
    );
  };

  /**
   * The case's deadlines as iCalendar: one all-day event per milestone with a date that applies or
   * may. The UID depends only on the reference and the milestone (the same as the timelines' own
   * feed for that reference), so a calendar following the feed updates an event when a date moves;
   * SEQUENCE is the case's latest record number, which grows only when the case changes. A milestone
   * marked done stays, marked done and free; a closed case's events are cancelled.
   */
  const caseTimelineCalendar = async (
    actor: Actor,
    referenceIn: string,
  ): Promise<{ filename: string; text: string }> => {
    const t = await timelineRead(actor, referenceIn, "read-calendar");
    const sources = new Map([...library.sources.values()].map((s) => [s.document, s]));
    const calendarFile = ical({
      name: `Case ${t.reference}: deadlines`,
      prodId: { company: "threshold", product: "case-timeline", language: "EN" },
      method: ICalCalendarMethod.PUBLISH,
    });
    const stamp = now();
    const utc = (iso: string, add = 0) => {
      const d = new Date(`${iso}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + add);
      return d;
    };
    for (const m of t.milestones) {
      // A scope is no deadline: a calendar holds what is to be done by a date.
      if (m.due === null || m.applies === "not-required" || m.nature === "scope") continue;
      const source = sources.get(m.citation.document);
      calendarFile.createEvent({
        id: milestoneUid(t.reference, m.id),
        start: utc(m.due),
        end: utc(m.due, 1),
        allDay: true,
        stamp,
        sequence: t.lastSeq,
        summary: `${m.done ? "Done: " : ""}${t.reference}: ${m.text}`,
        description: [
          m.text,
          `Due: ${m.rule}${m.fromDate ? ` (${m.fromDate})` : ""}.`,
          `Applies ${m.appliesWhen}. Nature: ${NATURE_WORDS[m.nature]}.`,
          m.done ? `${m.done.byDecision ? "Decided" : "Marked done"} on ${m.done.on}.` : "",
          `Source: ${source?.short ?? m.citation.document}, ${m.citation.section} (${m.citation.document}): "${m.quote}"`,
        ]
          .filter(Boolean)
          .join("\n"),
        status: t.closed ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        ...(m.done ? { transparency: ICalEventTransparency.TRANSPARENT } : {}),
      });
    }
    return {
      filename: `case-${t.reference.replace(/\//g, "-")}-timeline.ics`,
      text: calendarFile.toString(),
    };
  };

  return {
    caseTimeline,
    caseTimelineCalendar,
    recordCaseDates,
    markMilestoneDone,
    closeCase,
    build,
    timelineOf,
    today,
    dueSoonWorkingDays: options.dueSoonWorkingDays,
  };
}
