/**
 * Working days and calendar arithmetic for the timescales of the guidance.
 *
 * Working days exclude Saturdays, Sundays and the bank holidays of England and Wales (data/, from
 * GOV.UK). "Within N working days of X" means on or before X plus N working days: counting starts
 * on the day after X, and only working days count. Months clamp to the month's last day (date-fns
 * addMonths: 31 January plus one month is 28 or 29 February).
 *
 * The holiday table covers a fixed span (2010-2028). A working-day count that would step outside it
 * is refused (DateOutOfRangeError), rather than guessed: a wrong statutory deadline is worse than
 * none, and the refusal names the field and the table's edge. Calendar-day, week and month
 * arithmetic needs no table and works for any date.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { addDays, addMonths, addWeeks, isWeekend } from "date-fns";
import { projectRoot } from "../config.js";
import type { Offset } from "../rulesets/types.js";

export interface BankHolidayTable {
  division: string;
  source: string;
  covers: { from: string; to: string };
  events: Array<{ date: string; title: string }>;
}

export class DateOutOfRangeError extends Error {
  constructor(
    readonly date: string,
    readonly covers: { from: string; to: string },
  ) {
    super(
      `counting working days reaches ${date}, outside the bank holiday table (${covers.from} to ${covers.to}); the deadline cannot be computed safely`,
    );
    this.name = "DateOutOfRangeError";
  }
}

// Dates are local midnights (the suite and the boards run in Europe/London). Reading and writing
// YYYY-MM-DD is on every answer's path, several times per deadline, so it is done directly rather
// than through date-fns' general pattern parser; the arithmetic stays with date-fns.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD strictly: 2024-02-30 and 2023-02-29 are not dates. */
export function parseIsoDate(value: string): Date | null {
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const d = new Date(2000, 0, 1);
  d.setFullYear(year, month, day);
  return d.getFullYear() === year && d.getMonth() === month && d.getDate() === day ? d : null;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

export function formatIsoDate(d: Date): string {
  return `${String(d.getFullYear()).padStart(4, "0")}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

export class WorkingDayCalendar {
  private readonly holidays: Set<string>;

  constructor(readonly table: BankHolidayTable) {
    this.holidays = new Set(table.events.map((e) => e.date));
  }

  static load(
    file = path.join(projectRoot(), "data", "bank-holidays-england-and-wales.json"),
  ): WorkingDayCalendar {
    return new WorkingDayCalendar(JSON.parse(readFileSync(file, "utf8")) as BankHolidayTable);
  }

  get covers(): { from: string; to: string } {
    return this.table.covers;
  }

  private inRange(iso: string): boolean {
    return iso >= this.table.covers.from && iso <= this.table.covers.to;
  }

  isWorkingDay(d: Date): boolean {
    const iso = formatIsoDate(d);
    if (!this.inRange(iso)) throw new DateOutOfRangeError(iso, this.table.covers);
    return !isWeekend(d) && !this.holidays.has(iso);
  }

  /** n working days after d (or before, for negative n). */
  addWorkingDays(d: Date, n: number): Date {
    const step = n >= 0 ? 1 : -1;
    let left = Math.abs(n);
    let day = d;
    while (left > 0) {
      day = addDays(day, step);
      if (this.isWorkingDay(day)) left--;
    }
    return day;
  }

  add(d: Date, offset: Offset): Date {
    if (offset.workingDays !== undefined) return this.addWorkingDays(d, offset.workingDays);
    if (offset.days !== undefined) return addDays(d, offset.days);
    if (offset.weeks !== undefined) return addWeeks(d, offset.weeks);
    if (offset.months !== undefined) return addMonths(d, offset.months);
    return d;
  }
}

function plural(n: number, unit: string): string {
  const a = Math.abs(n);
  return `${a} ${unit}${a === 1 ? "" : "s"}`;
}

/** "5 working days after", "7 working days before", "1 month after"; "at once, counted from" for 0. */
export function describeOffset(offset: Offset): string {
  const [unit, n] =
    offset.workingDays !== undefined
      ? ["working day", offset.workingDays]
      : offset.days !== undefined
        ? ["day", offset.days]
        : offset.weeks !== undefined
          ? ["week", offset.weeks]
          : ["month", offset.months ?? 0];
  if (n === 0) return "at once, counted from";
  return `${plural(n, unit)} ${n < 0 ? "before" : "after"}`;
}
