/**
 * Where a source's own paragraphs pull apart (rules/tensions/), the answer says so with both quotes
 * rather than silently picking one: 004 §2.4 against §2.2 for a death in custody, for example. A
 * tension arises when every rule status its `when` names holds (always, when it names none); the
 * rule statuses are the assessment's own, so a tension never looks more certain than they are.
 */
import type { Citation, Tension } from "../rulesets/types.js";
import type { Status } from "./three-valued.js";

export interface TensionReport {
  id: string;
  title: string;
  summary: string;
  /** The rule statuses it arises from, as this assessment found them. */
  because: Array<{ rule: string; status: Status }>;
  /** Each reading, with the condition under which it applies and its quote. */
  sides: Array<{ appliesWhen: string; citation: Citation; quote: string }>;
  /** What the service does about it. */
  reading: string;
}

export function tensionsFor(
  tensions: readonly Tension[],
  statusOf: (ruleId: string) => Status,
): TensionReport[] {
  const out: TensionReport[] = [];
  for (const t of tensions) {
    const because = t.when.map((w) => ({ rule: w.rule, status: statusOf(w.rule) }));
    if (!because.every((b, i) => t.when[i]!.status.includes(b.status))) continue;
    out.push({ id: t.id, title: t.title, summary: t.summary, because, sides: t.sides, reading: t.reading });
  }
  return out;
}
