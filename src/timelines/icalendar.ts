/**
 * A timeline as an iCalendar file (RFC 5545), generated with ical-generator: one all-day event per
 * milestone that has a date and may apply, its rule and citation in the description.
 *
 * UIDs are stable: they depend on the milestone and the case (the board's reference when given,
 * otherwise the edition and the first date the timeline counts from), never on the due date, so
 * importing a revised timeline updates the events instead of duplicating them. SEQUENCE grows with
 * the time of generation, so the later file wins.
 */
import { createHash } from "node:crypto";
import ical, { ICalCalendarMethod } from "ical-generator";
import type { Timeline } from "./timeline.js";
import { NATURE_WORDS } from "./deadlines.js";

/** All-day dates must not shift with the server's time zone: build them at UTC midnight. */
function utcDate(iso: string, addDays = 0): Date {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + addDays);
  return d;
}

function caseKey(t: Timeline): string {
  const anchor =
    t.reference ??
    `${t.edition.id}:${t.dates.referral ?? t.dates.becameAware ?? t.dates.decision ?? t.dates.publication ?? ""}`;
  return createHash("sha256").update(anchor).digest("hex").slice(0, 16);
}

export function renderICalendar(t: Timeline, now: Date = new Date()): string {
  const key = caseKey(t);
  const sources = new Map(t.sources.map((s) => [s.document, s]));
  const calendar = ical({
    name: `Serious Case Review timeline${t.reference ? ` ${t.reference}` : ""}`,
    prodId: { company: "threshold", product: "timelines", language: "EN" },
    method: ICalCalendarMethod.PUBLISH,
  });
  // Minutes since 2020: a later export always carries a higher sequence.
  const sequence = Math.max(0, Math.floor((now.getTime() - Date.UTC(2020, 0, 1)) / 60_000));
  for (const m of t.milestones) {
    if (m.due === null || m.applies === "not-required") continue;
    const source = sources.get(m.citation.document);
    const description = [
      m.text,
      `Due: ${m.rule}${m.fromDate ? ` (${m.fromDate})` : ""}.`,
      `Applies ${m.appliesWhen}. Nature: ${NATURE_WORDS[m.nature]}.`,
      `Source: ${source?.short ?? m.citation.document}, ${m.citation.section} (${m.citation.document}): ${
        // A source held in the project's words is never shown as a quote.
        source?.quoted === false ? `not quoted; in the project's words: ${m.quote}` : `"${m.quote}"`
      }`,
    ].join("\n");
    calendar.createEvent({
      id: `${m.id}.${key}@threshold`,
      start: utcDate(m.due),
      end: utcDate(m.due, 1),
      allDay: true,
      stamp: now,
      sequence,
      summary: `SCR: ${m.text}`,
      description,
    });
  }
  return calendar.toString();
}
