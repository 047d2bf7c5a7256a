/**
 * A review's timeline from the dates a board has, as data or as an iCalendar file. The API (JSON,
 * iCalendar, a link a calendar can follow) and any page build it here.
 */
import type { Core } from "../core.js";
import { buildTimelineSchema, parseTimelineRequest } from "../contract/validation.js";
import { formatIsoDate } from "./calendar.js";
import { renderICalendar } from "./icalendar.js";
import { buildTimeline, type Timeline } from "./timeline.js";

export function timelineOperations(core: Core) {
  const { library, editions, calendar } = core;
  const schema = buildTimelineSchema(library);

  const timeline = (body: unknown): Timeline => {
    const input = parseTimelineRequest(schema, body, library);
    return buildTimeline(library, editions.get(input.edition)!, calendar, input, formatIsoDate);
  };

  /** The timeline as an iCalendar file, with the file name a download should carry. */
  const timelineCalendar = (body: unknown): { filename: string; text: string } => {
    const t = timeline(body);
    const name = t.reference ? `scr-timeline-${t.reference.replace(/\//g, "-")}` : "scr-timeline";
    return { filename: `${name}.ics`, text: renderICalendar(t) };
  };

  return { timeline, timelineCalendar };
}
