/**
 * The deadlines that follow from the dates a board has: one per timescale file of the edition.
 * Used by assessments (their `actions`); a timeline endpoint can share it.
 */
import { ProblemError } from "../errors.js";
import { DATE_NAMES, type DateName, type Timescale } from "../rules/types.js";
import type { Status } from "../evaluation/three-valued.js";
import { DateOutOfRangeError, describeOffset, formatIsoDate, type WorkingDayCalendar } from "./calendar.js";

export type Applies = "required" | "if-review-held" | "may-be-required" | "not-required";

export interface Deadline {
  timescale: Timescale;
  applies: Applies;
  /** Plain words for when the action applies. */
  appliesWhen: string;
  /** "5 working days after the date of becoming aware". */
  rule: string;
  fromDate: string | null;
  due: string | null;
}

export const DATE_LABELS: Record<DateName, string> = {
  becameAware: "the date the local authority became aware of the incident",
  referral: "the date of the referral",
  decision: "the date of the chair's decision",
  publication: "the date of publication",
};

function offsetDays(t: Timescale): number {
  const a = t.add;
  return a.workingDays !== undefined
    ? a.workingDays * 1.4
    : (a.days ?? (a.weeks ?? 0) * 7 + (a.months ?? 0) * 30.4);
}

/** Timescales in the order a case meets them: by the date they count from, then by distance. */
export function orderTimescales(timescales: readonly Timescale[]): Timescale[] {
  return [...timescales].sort(
    (a, b) =>
      DATE_NAMES.indexOf(a.from) - DATE_NAMES.indexOf(b.from) ||
      offsetDays(a) - offsetDays(b) ||
      a.id.localeCompare(b.id),
  );
}

export function computeDeadlines(
  timescales: readonly Timescale[],
  dates: Partial<Record<DateName, Date>>,
  triggerStatus: (id: string) => Status,
  calendar: WorkingDayCalendar,
): Deadline[] {
  return orderTimescales(timescales).map((t) => {
    let applies: Applies;
    let appliesWhen: string;
    if (t.appliesWhen === "always") {
      applies = "required";
      appliesWhen = "in every case";
    } else if (t.appliesWhen === "review") {
      applies = "if-review-held";
      appliesWhen = "if the chair decides to hold a Serious Case Review";
    } else {
      const status = triggerStatus(t.appliesWhen.trigger);
      applies =
        status === "met" ? "required" : status === "undetermined" ? "may-be-required" : "not-required";
      appliesWhen = `when the trigger ${t.appliesWhen.trigger} is met`;
    }
    const from = dates[t.from];
    let due: string | null = null;
    if (from !== undefined) {
      try {
        due = formatIsoDate(calendar.add(from, t.add));
      } catch (e) {
        if (e instanceof DateOutOfRangeError) {
          const detail = `the deadline ${t.id} (${describeOffset(t.add)} this date): ${e.message}`;
          throw new ProblemError(400, "date-out-of-range", `/dates/${t.from}: ${detail}`, [
            { pointer: `/dates/${t.from}`, detail },
          ]);
        }
        throw e;
      }
    }
    return {
      timescale: t,
      applies,
      appliesWhen,
      rule: `${describeOffset(t.add)} ${DATE_LABELS[t.from]}`,
      fromDate: from ? formatIsoDate(from) : null,
      due,
    };
  });
}
