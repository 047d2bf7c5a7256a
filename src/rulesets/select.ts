/**
 * Which edition answers a request: the one it names, else the one in force at the incident's date
 * in its country (each edition's `periods` in edition.yaml), else the default. The choice says why,
 * and warns where it rests on something the board should confirm (Working Together 2013 judged by
 * the 2015 rules; the move from LSCBs to safeguarding partners). A date no edition answers for is
 * refused, naming /incidentDate: the service does not guess at guidance it does not hold.
 */
import { InvalidInput } from "../errors.js";
import type { Country, Edition, RuleLibrary } from "./types.js";

export interface EditionChoice {
  by: "request" | "date-and-place" | "default";
  incidentDate: string | null;
  country: Country | null;
  reason: string;
  warnings: string[];
}

export interface EditionAsked {
  edition?: string | undefined;
  incidentDate?: string | undefined;
  country?: Country | undefined;
}

const COUNTRY_WORDS: Record<Country, string> = { england: "England", wales: "Wales" };

function formatDay(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const month = new Date(Date.UTC(y, m - 1, d)).toLocaleString("en-GB", { month: "long", timeZone: "UTC" });
  return `${d} ${month} ${y}`;
}

/** The edition in force on a date in a country, with the period that holds the date. */
function inForce(library: RuleLibrary, date: string, country: Country) {
  for (const e of library.editions.values()) {
    if (e.country !== country) continue;
    const period = e.periods.find((p) => p.from <= date && (p.until === undefined || date <= p.until));
    if (period) return { edition: e, period };
  }
  return undefined;
}

function earliest(library: RuleLibrary, country: Country): { edition: Edition; from: string } | undefined {
  let first: { edition: Edition; from: string } | undefined;
  for (const e of library.editions.values())
    for (const p of e.periods)
      if (e.country === country && (!first || p.from < first.from)) first = { edition: e, from: p.from };
  return first;
}

/** The edition for these dates and this country, or the reason none can answer (InvalidInput). */
function byDateAndPlace(library: RuleLibrary, incidentDate: string, country: Country) {
  const found = inForce(library, incidentDate, country);
  if (found) return found;
  const first = earliest(library, country);
  const detail =
    first && incidentDate < first.from
      ? `no rule set here answers for an incident in ${COUNTRY_WORDS[country]} before ${formatDay(first.from)}, when ${first.edition.title} took effect (${first.edition.datesNote}); the guidance in force earlier is not among the rule sets`
      : `no rule set here answers for an incident in ${COUNTRY_WORDS[country]} on ${formatDay(incidentDate)}`;
  throw new InvalidInput([{ pointer: "/incidentDate", detail }]);
}

export function chooseEdition(
  library: RuleLibrary,
  asked: EditionAsked,
): { edition: string; choice: EditionChoice } {
  const { edition, incidentDate, country } = asked;
  if ((incidentDate === undefined) !== (country === undefined)) {
    const missing = incidentDate === undefined ? "incidentDate" : "country";
    const other = missing === "country" ? "incidentDate" : "country";
    throw new InvalidInput([
      { pointer: `/${missing}`, detail: `must be given with ${other}: the edition in force depends on both` },
    ]);
  }
  const base = { incidentDate: incidentDate ?? null, country: country ?? null };
  if (edition !== undefined) {
    const named = library.editions.get(edition)!;
    const warnings: string[] = [];
    if (incidentDate !== undefined && country !== undefined) {
      const found = inForce(library, incidentDate, country);
      if (!found)
        warnings.push(
          `No rule set here answers for an incident in ${COUNTRY_WORDS[country]} on ${formatDay(incidentDate)}; ${named.title} was used because the request named it.`,
        );
      else if (found.edition.id !== edition)
        warnings.push(
          `An incident in ${COUNTRY_WORDS[country]} on ${formatDay(incidentDate)} falls under ${found.edition.title} (${found.edition.id}); ${named.title} was used because the request named it.`,
        );
      else if (found.period.warning) warnings.push(found.period.warning);
    }
    return {
      edition,
      choice: {
        by: "request",
        ...base,
        reason: `The request named the edition: ${named.title} (${edition}).`,
        warnings,
      },
    };
  }
  if (incidentDate !== undefined && country !== undefined) {
    const { edition: chosen, period } = byDateAndPlace(library, incidentDate, country);
    const span =
      period.until === undefined
        ? `from ${formatDay(period.from)}`
        : `from ${formatDay(period.from)} to ${formatDay(period.until)}`;
    return {
      edition: chosen.id,
      choice: {
        by: "date-and-place",
        ...base,
        reason: `An incident in ${COUNTRY_WORDS[country]} on ${formatDay(incidentDate)} falls under ${chosen.title} (${chosen.id}), which answers for incidents there ${span}.`,
        warnings: period.warning ? [period.warning] : [],
      },
    };
  }
  const d = library.editions.get(library.defaultEdition)!;
  return {
    edition: d.id,
    choice: {
      by: "default",
      ...base,
      reason: `No edition, incident date or country was given: the default edition, ${d.title} (${d.id}).`,
      warnings: [],
    },
  };
}

/** The choice when the caller named the edition and gave no date or place (code, tests). */
export function namedChoice(edition: { id: string; title: string }): EditionChoice {
  return {
    by: "request",
    incidentDate: null,
    country: null,
    reason: `The request named the edition: ${edition.title} (${edition.id}).`,
    warnings: [],
  };
}

/**
 * The edition in force on a date in a country, or why none is, in the words a form shows beside
 * the date (GOV.UK style): the questionnaire asks it before it shows the edition's questions.
 */
export function editionInForce(
  library: RuleLibrary,
  date: string,
  country: Country,
): { edition: string } | { problem: string } {
  const found = inForce(library, date, country);
  if (found) return { edition: found.edition.id };
  const first = earliest(library, country);
  const where = COUNTRY_WORDS[country];
  return {
    problem:
      first && date < first.from
        ? `Date of the incident must be on or after ${formatDay(first.from)} for an incident in ${where}, when ${first.edition.title} took effect: the guidance in force before then is not among the rule sets`
        : `No rule set here answers for an incident in ${where} on ${formatDay(date)}: choose an edition instead`,
  };
}
