/**
 * The copied GOV.UK table, checked year by year against the rules that set the bank holidays of
 * England and Wales (Banking and Financial Dealings Act 1971 and royal proclamations), with each
 * one-off or moved day listed by name. A missing, extra or shifted date in any year fails.
 */
import { addDays, format, getDay, lastDayOfMonth } from "date-fns";
import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "./calendar.js";

const calendar = WorkingDayCalendar.load();
const iso = (d: Date) => format(d, "yyyy-MM-dd");

/** Easter Sunday (anonymous Gregorian algorithm). */
function easter(y: number): Date {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(y, month - 1, day);
}

function firstMonday(y: number, month: number): Date {
  let d = new Date(y, month, 1);
  while (getDay(d) !== 1) d = addDays(d, 1);
  return d;
}

function lastMonday(y: number, month: number): Date {
  let d = lastDayOfMonth(new Date(y, month, 1));
  while (getDay(d) !== 1) d = addDays(d, -1);
  return d;
}

/** The next weekday on or after d that is not already taken. */
function substitute(d: Date, taken: Set<string>): Date {
  let s = d;
  while (getDay(s) === 0 || getDay(s) === 6 || taken.has(iso(s))) s = addDays(s, 1);
  return s;
}

const MOVED: Record<string, { from: string; to: string }> = {
  "2012 spring": { from: "2012-05-28", to: "2012-06-04" },
  "2020 early May": { from: "2020-05-04", to: "2020-05-08" },
  "2022 spring": { from: "2022-05-30", to: "2022-06-02" },
};
const ONE_OFF = [
  "2011-04-29", // wedding of Prince William and Catherine Middleton
  "2012-06-05", // Diamond Jubilee
  "2022-06-03", // Platinum Jubilee
  "2022-09-19", // state funeral of Queen Elizabeth II
  "2023-05-08", // coronation of King Charles III
];

function expectedHolidays(y: number): string[] {
  const days = new Set<string>();
  days.add(iso(substitute(new Date(y, 0, 1), days)));
  const e = easter(y);
  days.add(iso(addDays(e, -2)));
  days.add(iso(addDays(e, 1)));
  days.add(iso(firstMonday(y, 4)));
  days.add(iso(lastMonday(y, 4)));
  days.add(iso(lastMonday(y, 7)));
  const christmas = substitute(new Date(y, 11, 25), days);
  days.add(iso(christmas));
  days.add(iso(substitute(new Date(y, 11, 26), days)));
  for (const m of Object.values(MOVED)) {
    if (m.from.startsWith(String(y))) {
      days.delete(m.from);
      days.add(m.to);
    }
  }
  for (const d of ONE_OFF) if (d.startsWith(String(y))) days.add(d);
  return [...days].sort();
}

describe("the bank holiday table, year by year", () => {
  const years = Array.from({ length: 2028 - 2010 + 1 }, (_, i) => 2010 + i);
  it.each(years)("%i holds exactly the published bank holidays", (y) => {
    const table = calendar.table.events.map((e) => e.date).filter((d) => d.startsWith(String(y)));
    expect(table).toEqual(expectedHolidays(y));
  });

  it("treats every listed day as a day off and the day before a bank holiday weekend as a working day", () => {
    for (const e of calendar.table.events)
      expect(calendar.isWorkingDay(new Date(`${e.date}T12:00:00`)), e.date).toBe(false);
    expect(calendar.isWorkingDay(new Date("2024-03-28T12:00:00"))).toBe(true); // Maundy Thursday
  });
});
