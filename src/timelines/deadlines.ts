/**
 * The deadlines that follow from the dates a board has: one per timescale file of the edition.
 * One implementation for both the assessment's `actions` and the timeline (POST /v1/timelines).
 */
import { InvalidInput } from "../errors.js";
import {
  FROM_DATE_NAMES,
  type FromDateName,
  type Timescale,
  type TimescaleNature,
} from "../rulesets/types.js";
import type { Status } from "../assessments/three-valued.js";
import { DateOutOfRangeError, describeOffset, formatIsoDate, type WorkingDayCalendar } from "./calendar.js";

export type Applies = "required" | "if-review-held" | "may-be-required" | "not-required";
export type Progress = "done" | "overdue" | "due-soon" | "upcoming" | "no-date";
export type Counting = "working-days" | "calendar";

export interface Deadline {
  timescale: Timescale;
  applies: Applies;
  /** Plain words for when the action applies. */
  appliesWhen: string;
  /** "5 working days after the date the local authority became aware of the incident". */
  rule: string;
  counting: Counting;
  fromDate: string | null;
  due: string | null;
  /** True when an agreed extension date replaced the computed one. */
  extended: boolean;
  /** Only when an as-of date is given. */
  progress?: Progress;
}

export const DATE_LABELS: Record<FromDateName, string> = {
  incident: "the date of the incident",
  becameAware: "the date the local authority became aware of the incident",
  referral: "the date of the referral",
  decision: "the date of the chair's decision",
  publication: "the date of publication",
};

export const NATURE_WORDS: Record<TimescaleNature, string> = {
  requirement: "requirement",
  advice: "advice to chairs",
  example: "example timeline",
  scope: "scope of the review",
};

/** Working days' notice that counts as "due soon". */
const DUE_SOON_WORKING_DAYS = 5;

/** The rule's words where the guidance sets a duty but no time for it. */
export const NO_TIME_SET = "no time is set by the guidance";

function approximateDays(t: Timescale): number {
  const a = t.add;
  // A duty without a time sorts after the dated ones counted from the same date.
  if (a === undefined) return Number.MAX_SAFE_INTEGER;
  return a.workingDays !== undefined
    ? a.workingDays * 1.4
    : (a.days ?? 0) + (a.weeks ?? 0) * 7 + (a.months ?? 0) * 30.4;
}

/** Timescales in the order a case meets them: by the date they count from, then by distance. */
function orderTimescales(timescales: readonly Timescale[]): Timescale[] {
  return [...timescales].sort(
    (a, b) =>
      FROM_DATE_NAMES.indexOf(a.from) - FROM_DATE_NAMES.indexOf(b.from) ||
      approximateDays(a) - approximateDays(b) ||
      a.id.localeCompare(b.id),
  );
}

export interface DeadlineOptions {
  /** How the triggers stand; without answers (a timeline), every trigger is undetermined. */
  triggerStatus?: (id: string) => Status;
  asOf?: Date;
  agreedExtension?: Date;
  done?: ReadonlySet<string>;
  /** When a review-only duty applies, in words: the edition's decider and review. */
  ifReview?: string;
}

function outOfRange(field: string, what: string, e: DateOutOfRangeError): InvalidInput {
  return new InvalidInput([{ pointer: `/${field}`, detail: `${what}: ${e.message}` }], "date-out-of-range");
}

export function computeDeadlines(
  timescales: readonly Timescale[],
  dates: Partial<Record<FromDateName, Date>>,
  calendar: WorkingDayCalendar,
  options: DeadlineOptions = {},
): Deadline[] {
  const { asOf, agreedExtension, done } = options;
  let soon: string | undefined;
  if (asOf) {
    try {
      soon = formatIsoDate(calendar.addWorkingDays(asOf, DUE_SOON_WORKING_DAYS));
    } catch (e) {
      if (e instanceof DateOutOfRangeError) throw outOfRange("asOf", "counting the days due soon", e);
      throw e;
    }
  }
  const today = asOf ? formatIsoDate(asOf) : undefined;

  return orderTimescales(timescales).map((t) => {
    let applies: Applies;
    let appliesWhen: string;
    if (t.appliesWhen === "always") {
      applies = "required";
      appliesWhen = "in every case";
    } else if (t.appliesWhen === "review") {
      applies = "if-review-held";
      appliesWhen = options.ifReview ?? "if the chair decides to hold a Serious Case Review";
    } else {
      const status = options.triggerStatus?.(t.appliesWhen.trigger) ?? "undetermined";
      applies =
        status === "met" ? "required" : status === "undetermined" ? "may-be-required" : "not-required";
      appliesWhen = `when the trigger ${t.appliesWhen.trigger} is met`;
    }
    const from = dates[t.from];
    const add = t.add;
    let due: string | null = null;
    if (from !== undefined && add !== undefined) {
      try {
        due = formatIsoDate(calendar.add(from, add));
      } catch (e) {
        if (e instanceof DateOutOfRangeError) {
          throw outOfRange(
            t.from === "incident" ? "incidentDate" : `dates/${t.from}`,
            `the deadline ${t.id} (${describeOffset(add)} this date)`,
            e,
          );
        }
        throw e;
      }
    }
    const extended = t.extension !== undefined && agreedExtension !== undefined;
    if (extended) due = formatIsoDate(agreedExtension!);
    const deadline: Deadline = {
      timescale: t,
      applies,
      appliesWhen,
      rule: extended
        ? "the agreed extension date"
        : add === undefined
          ? `${NO_TIME_SET}: after ${DATE_LABELS[t.from]}`
          : `${describeOffset(add)} ${DATE_LABELS[t.from]}`,
      counting: add?.workingDays !== undefined && !extended ? "working-days" : "calendar",
      fromDate: from ? formatIsoDate(from) : null,
      due,
      extended,
    };
    // A scope date bounds what a review looks at: it is never due, done or overdue.
    if (today !== undefined && t.nature !== "scope") {
      deadline.progress = done?.has(t.id)
        ? "done"
        : due === null
          ? "no-date"
          : due < today
            ? "overdue"
            : due <= soon!
              ? "due-soon"
              : "upcoming";
    }
    return deadline;
  });
}
