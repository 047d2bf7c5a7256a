import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays, format, isValid, parse } from "date-fns";
import {
  DateOutOfRangeError,
  WorkingDayCalendar,
  describeOffset,
  formatIsoDate,
  parseIsoDate,
} from "./calendar.js";

const calendar = WorkingDayCalendar.load();
const d = (s: string) => parseIsoDate(s)!;
const addWd = (s: string, n: number) => formatIsoDate(calendar.addWorkingDays(d(s), n));

describe("parseIsoDate", () => {
  it("accepts real dates and refuses impossible or differently written ones", () => {
    expect(formatIsoDate(d("2024-02-29"))).toBe("2024-02-29");
    for (const bad of [
      "2024-02-30",
      "2023-02-29",
      "2024-13-01",
      "2024-1-01",
      "01/02/2024",
      "2024-02-29T00:00",
      "",
    ]) {
      expect(parseIsoDate(bad), bad).toBeNull();
    }
  });
});

describe("the bank holiday table copied from GOV.UK", () => {
  it("covers 2010 to 2028 and names its source", () => {
    expect(calendar.covers).toEqual({ from: "2010-01-01", to: "2028-12-31" });
    expect(calendar.table.source).toMatch(/GOV\.UK/);
  });

  it.each([
    ["2011-04-29", "royal wedding"],
    ["2012-06-05", "Diamond Jubilee"],
    ["2020-05-08", "VE day (early May bank holiday moved)"],
    ["2022-06-03", "Platinum Jubilee"],
    ["2022-09-19", "state funeral"],
    ["2023-05-08", "coronation"],
    ["2022-12-27", "Christmas substitute day"],
  ])("holds the one-off or substitute day %s (%s)", (date) => {
    expect(calendar.isWorkingDay(d(date))).toBe(false);
  });

  it("does not treat the moved 2020 early May Monday (4 May) as a holiday", () => {
    expect(calendar.isWorkingDay(d("2020-05-04"))).toBe(true);
  });
});

describe("addWorkingDays", () => {
  it("skips weekends", () => {
    expect(addWd("2024-06-07", 1)).toBe("2024-06-10"); // Friday + 1
    expect(addWd("2024-06-08", 1)).toBe("2024-06-10"); // Saturday + 1
  });
  it("skips Christmas, Boxing Day and New Year", () => {
    expect(addWd("2024-12-24", 2)).toBe("2024-12-30");
    expect(addWd("2024-12-31", 1)).toBe("2025-01-02");
  });
  it("counts backwards for a negative number", () => {
    expect(addWd("2024-01-02", -1)).toBe("2023-12-29");
  });
  it("is the identity for zero", () => {
    expect(addWd("2024-06-08", 0)).toBe("2024-06-08");
  });
  it("refuses to count outside the table rather than guess", () => {
    expect(() => calendar.addWorkingDays(d("2028-12-29"), 2)).toThrow(DateOutOfRangeError);
    expect(() => calendar.addWorkingDays(d("2010-01-04"), -2)).toThrow(DateOutOfRangeError);
  });
});

describe("calendar arithmetic", () => {
  it("clamps months to the end of the month", () => {
    expect(formatIsoDate(calendar.add(d("2024-01-31"), { months: 1 }))).toBe("2024-02-29");
    expect(formatIsoDate(calendar.add(d("2023-08-31"), { months: 6 }))).toBe("2024-02-29");
    expect(formatIsoDate(calendar.add(d("2022-08-31"), { months: 6 }))).toBe("2023-02-28");
  });
  it("needs no table for weeks and months", () => {
    expect(formatIsoDate(calendar.add(d("2030-03-01"), { weeks: 3 }))).toBe("2030-03-22");
  });
  it("describes offsets in words", () => {
    expect(describeOffset({ workingDays: 5 })).toBe("5 working days after");
    expect(describeOffset({ workingDays: -7 })).toBe("7 working days before");
    expect(describeOffset({ months: 1 })).toBe("1 month after");
  });
});

describe("reading and writing YYYY-MM-DD", () => {
  it("agrees with date-fns' own parser and formatter on every day from 1900 to 2100 and on near-dates", () => {
    const ISO = "yyyy-MM-dd";
    const byDateFns = (s: string) => {
      const d = parse(s, ISO, new Date(2000, 0, 1));
      return isValid(d) && format(d, ISO) === s ? format(d, ISO) : null;
    };
    for (let d = new Date(1900, 0, 1); d.getFullYear() < 2101; d = addDays(d, 1)) {
      const s = format(d, ISO);
      expect(formatIsoDate(d)).toBe(s);
      expect(formatIsoDate(parseIsoDate(s)!)).toBe(s);
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 2999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, day) => {
          const s = `${y}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const mine = parseIsoDate(s);
          expect(mine ? formatIsoDate(mine) : null).toBe(byDateFns(s));
        },
      ),
      { numRuns: 5000 },
    );
    for (const s of ["2024-2-01", "24-02-01", "2024-02-01T00:00", " 2024-02-01", "2024-02-30", "2023-02-29"])
      expect(parseIsoDate(s)).toBeNull();
  });
});
