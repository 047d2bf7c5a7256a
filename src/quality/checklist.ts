/**
 * Running a finished review through the quality-assurance checklist (000 Appendix I): items judged
 * by people come from the answers; the three timeliness items follow from dates, and say so, with
 * the dates and the rule used. A computed item with a date missing is unknown, naming the date.
 */
import { addMonths } from "date-fns";
import type { Citation } from "../rulesets/types.js";
import { formatIsoDate } from "../timelines/calendar.js";
import type { ChecklistItem, QaDateName, QualityLibrary } from "./library.js";

export type ItemStatus = "achieved" | "not-achieved" | "not-applicable" | "unknown";
export const ITEM_STATUSES: readonly ItemStatus[] = ["achieved", "not-achieved", "not-applicable", "unknown"];

export interface QaInput {
  answers: Record<string, ItemStatus>;
  dates: Partial<Record<QaDateName, Date>>;
}

export interface Computation {
  rule: string;
  dates: Partial<Record<QaDateName, string>>;
  deadline: string | null;
  missing: QaDateName[];
  basis: { text: string; citation: Citation; quote: string };
}

export interface ItemReport {
  id: string;
  section: string;
  text: string;
  status: ItemStatus;
  source: "answer" | "computed";
  citation: Citation;
  computation?: Computation;
}

export interface QaReport {
  checklist: { hash: string };
  items: ItemReport[];
  sections: Array<
    { id: string; title: string; total: number } & Record<
      "achieved" | "notAchieved" | "notApplicable" | "unknown",
      number
    >
  >;
  gaps: ItemReport[];
  features: Array<{
    id: string;
    text: string;
    items: Array<{ id: string; status: ItemStatus }>;
    gaps: string[];
  }>;
}

const DATE_WORDS: Record<QaDateName, string> = {
  becameAware: "the date the incident came to attention",
  referral: "the date of the referral",
  decision: "the date of the decision",
  ofstedNotified: "the date Ofsted was notified",
  completed: "the date the review was completed",
  agreedExtension: "the agreed extension date",
};

function compute(
  item: ChecklistItem,
  dates: QaInput["dates"],
): { status: ItemStatus; computation: Computation } {
  const c = item.computed!;
  const months = c.add.months;
  const rule = `${DATE_WORDS[c.date]} is on or before ${DATE_WORDS[c.from]} plus ${months} month${months === 1 ? "" : "s"}${
    c.extendedBy ? `, or on or before ${DATE_WORDS[c.extendedBy]} where one was agreed` : ""
  }`;
  const used: QaDateName[] = [c.date, c.from, ...(c.extendedBy ? [c.extendedBy] : [])];
  const shown: Partial<Record<QaDateName, string>> = {};
  for (const d of used) if (dates[d]) shown[d] = formatIsoDate(dates[d]!);
  const missing = [c.date, c.from].filter((d) => !dates[d]);
  if (missing.length) {
    return {
      status: "unknown",
      computation: { rule, dates: shown, deadline: null, missing, basis: c.basis },
    };
  }
  const deadline = formatIsoDate(addMonths(dates[c.from]!, months));
  const actual = shown[c.date]!;
  const extension = c.extendedBy ? shown[c.extendedBy] : undefined;
  const met = actual <= deadline || (extension !== undefined && actual <= extension);
  return {
    status: met ? "achieved" : "not-achieved",
    computation: {
      rule,
      dates: shown,
      deadline: extension && extension > deadline ? extension : deadline,
      missing: [],
      basis: c.basis,
    },
  };
}

export function runChecklist(q: QualityLibrary, input: QaInput): QaReport {
  const sectionById = new Map(q.sections.map((s) => [s.section, s]));
  const items: ItemReport[] = q.items.map((item) => {
    const citation = sectionById.get(item.section)!.citation;
    if (item.computed) {
      const { status, computation } = compute(item, input.dates);
      return {
        id: item.id,
        section: item.section,
        text: item.text,
        status,
        source: "computed",
        citation,
        computation,
      };
    }
    return {
      id: item.id,
      section: item.section,
      text: item.text,
      status: input.answers[item.id] ?? "unknown",
      source: "answer",
      citation,
    };
  });
  const byId = new Map(items.map((i) => [i.id, i]));
  const count = (list: ItemReport[], s: ItemStatus) => list.filter((i) => i.status === s).length;
  return {
    checklist: { hash: q.hash },
    items,
    sections: q.sections.map((s) => {
      const list = items.filter((i) => i.section === s.section);
      return {
        id: s.section,
        title: s.title,
        total: list.length,
        achieved: count(list, "achieved"),
        notAchieved: count(list, "not-achieved"),
        notApplicable: count(list, "not-applicable"),
        unknown: count(list, "unknown"),
      };
    }),
    gaps: [
      ...items.filter((i) => i.status === "not-achieved"),
      ...items.filter((i) => i.status === "unknown"),
    ],
    features: q.features.features.map((f) => {
      const related = f.items.map((id) => ({ id, status: byId.get(id)!.status }));
      return {
        id: f.id,
        text: f.text,
        items: related,
        gaps: related.filter((r) => r.status === "not-achieved" || r.status === "unknown").map((r) => r.id),
      };
    }),
  };
}
