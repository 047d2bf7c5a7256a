/**
 * The whole review timeline from the dates a board has: every timescale of the edition
 * (requirements, advice to chairs, the example timeline), each with its rule and citation, and,
 * given an as-of date, whether it is done, overdue, due soon or upcoming.
 */
import type { CompiledEdition } from "../assessments/compile.js";
import type { EditionChoice } from "../rulesets/select.js";
import type {
  Citation,
  DateName,
  FromDateName,
  RuleLibrary,
  Source,
  TimescaleNature,
} from "../rulesets/types.js";
import type { WorkingDayCalendar } from "./calendar.js";
import { computeDeadlines, type Applies, type Counting, type Progress } from "./deadlines.js";

export interface Milestone {
  id: string;
  text: string;
  nature: TimescaleNature;
  applies: Applies;
  appliesWhen: string;
  from: FromDateName;
  fromDate: string | null;
  rule: string;
  counting: Counting;
  due: string | null;
  extended: boolean;
  progress?: Progress;
  citation: Citation;
  quote: string;
  extension?: { text: string; citation: Citation; quote: string };
}

export interface Timeline {
  edition: { id: string; title: string };
  editionChoice: EditionChoice;
  ruleset: { version: string; hash: string };
  reference: string | null;
  dates: Partial<Record<DateName, string>>;
  asOf: string | null;
  agreedExtension: string | null;
  milestones: Milestone[];
  sources: Source[];
}

export interface TimelineInput {
  /** The board's dates, and the incident's when the request gave it. */
  dates: Partial<Record<FromDateName, Date>>;
  choice: EditionChoice;
  asOf?: Date;
  agreedExtension?: Date;
  done: ReadonlySet<string>;
  reference?: string;
}

export function buildTimeline(
  library: RuleLibrary,
  compiled: CompiledEdition,
  calendar: WorkingDayCalendar,
  input: TimelineInput,
  format: (d: Date) => string,
): Timeline {
  const { edition } = compiled;
  const deadlines = computeDeadlines(edition.timescales, input.dates, calendar, {
    ...(input.asOf ? { asOf: input.asOf } : {}),
    ...(input.agreedExtension ? { agreedExtension: input.agreedExtension } : {}),
    done: input.done,
    ifReview: `if ${edition.decider} decide${edition.decider.endsWith("s") ? "" : "s"} to hold ${edition.reviewName}`,
  });
  const dates: Partial<Record<DateName, string>> = {};
  // The incident's date is echoed in editionChoice; `dates` echoes the board's.
  for (const [k, v] of Object.entries(input.dates)) if (k !== "incident") dates[k as DateName] = format(v);
  return {
    edition: { id: edition.id, title: edition.title },
    editionChoice: input.choice,
    ruleset: { version: library.version, hash: edition.hash },
    reference: input.reference ?? null,
    dates,
    asOf: input.asOf ? format(input.asOf) : null,
    agreedExtension: input.agreedExtension ? format(input.agreedExtension) : null,
    milestones: deadlines.map((d) => ({
      id: d.timescale.id,
      text: d.timescale.text,
      nature: d.timescale.nature,
      applies: d.applies,
      appliesWhen: d.appliesWhen,
      from: d.timescale.from,
      fromDate: d.fromDate,
      rule: d.rule,
      counting: d.counting,
      due: d.due,
      extended: d.extended,
      ...(d.progress ? { progress: d.progress } : {}),
      citation: d.timescale.citation,
      quote: d.timescale.quote,
      ...(d.timescale.extension ? { extension: d.timescale.extension } : {}),
    })),
    sources: compiled.sources,
  };
}
