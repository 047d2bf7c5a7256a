/**
 * Reassessing a case as facts arrive (issue 14): a new assessment starts from the answers and dates
 * the case's last advice was given on, and, before it is saved, the board sees side by side what
 * changed: in the answers and dates, and in the advice (the outcome, its floor, what is still
 * possible, each criterion's status, and which questions could still change it).
 *
 * Both sides are read as they were recorded: the earlier advice is never re-evaluated, so a change
 * of rules between the two shows as a change of rule set, not as a silent rewrite of the past.
 */
import type { Outcome } from "../rulesets/types.js";
import { DATE_NAMES, type DateName } from "../rulesets/types.js";
import { STATUS_WORDS, answerWords } from "../assessments/words.js";
import { adviceInWords, outcomeInWords } from "./views.js";

/** What an advice record keeps of the request it answered (src/cases/service.ts appendAdvice). */
export interface RecordedRequest {
  edition: string;
  answers: Record<string, string | number>;
  /** ISO dates (YYYY-MM-DD). */
  dates: Partial<Record<DateName, string>>;
}

/** The parts of a recorded (or new) advice a comparison reads; older records may lack some. */
export interface AdviceSide {
  adviceId?: string;
  edition: { id: string; title: string };
  ruleset?: { version: string };
  outcome: Outcome | "undetermined";
  atLeast?: Outcome;
  determined: boolean;
  possibleOutcomes: Outcome[];
  criteria?: Array<{ id: string; title: string; status: keyof typeof STATUS_WORDS }>;
  decisiveQuestions?: Array<{ id: string; wording: string }>;
}

export interface Change {
  /** What changed, in words (a question's wording, a date's label, "Outcome"). */
  what: string;
  before: string;
  now: string;
}

export interface AdviceChanges {
  /** Answers and dates, each as the board reads them; only those that differ. */
  answers: Change[];
  /** Outcome, floor, what is still possible, rule set: each row, marked when it differs. */
  advice: Array<Change & { changed: boolean }>;
  /** Criteria whose status differs (a criterion one side does not have shows "not assessed"). */
  criteria: Change[];
  /** Questions that could still change the advice: newly so, and no longer so. */
  decisive: { added: string[]; removed: string[]; still: string[] };
  /** True when nothing in the advice differs (the answers may still differ). */
  sameAdvice: boolean;
}

const NOT_ANSWERED = "not answered";
const NOT_GIVEN = "not given";

/** The form's values for a recorded request: the questionnaire pre-filled with the case's last answers. */
export function formValuesOf(request: RecordedRequest, reference: string): Record<string, string> {
  const values: Record<string, string> = { reference, edition: request.edition };
  for (const [id, answer] of Object.entries(request.answers)) values[id] = String(answer);
  for (const d of DATE_NAMES) {
    const iso = request.dates[d];
    if (!iso) continue;
    const [year, month, day] = iso.split("-");
    values[`${d}-day`] = String(Number(day));
    values[`${d}-month`] = String(Number(month));
    values[`${d}-year`] = year!;
  }
  return values;
}

export function compareAdvice(
  before: { request: RecordedRequest; advice: AdviceSide },
  now: { request: RecordedRequest; advice: AdviceSide },
  wordings: ReadonlyMap<string, string>,
  dateLabels: Readonly<Record<DateName, string>>,
): AdviceChanges {
  const answers: Change[] = [];
  if (before.request.edition !== now.request.edition)
    answers.push({
      what: "Edition of the guidance",
      before: before.advice.edition.title,
      now: now.advice.edition.title,
    });
  // In the questionnaire's order (the wordings map keeps it), then anything else either side has.
  const ids = [
    ...new Set([
      ...[...wordings.keys()],
      ...Object.keys(before.request.answers),
      ...Object.keys(now.request.answers),
    ]),
  ];
  for (const id of ids) {
    const b = before.request.answers[id];
    const n = now.request.answers[id];
    if (b === n) continue;
    answers.push({
      what: wordings.get(id) ?? id,
      before: b === undefined ? NOT_ANSWERED : answerWords(b),
      now: n === undefined ? NOT_ANSWERED : answerWords(n),
    });
  }
  for (const d of DATE_NAMES) {
    const b = before.request.dates[d];
    const n = now.request.dates[d];
    if (b === n) continue;
    answers.push({ what: dateLabels[d], before: b ?? NOT_GIVEN, now: n ?? NOT_GIVEN });
  }

  const row = (what: string, b: string, n: string) => ({ what, before: b, now: n, changed: b !== n });
  // Each side in its own edition's words: a reassessment may change the edition.
  const floor = (a: AdviceSide) => (a.atLeast ? outcomeInWords(a.edition.id, a.atLeast) : "not recorded");
  const possible = (a: AdviceSide) =>
    a.possibleOutcomes.map((o) => outcomeInWords(a.edition.id, o, true)).join("; ");
  const advice = [
    row("Advice", adviceInWords(before.advice), adviceInWords(now.advice)),
    row("At least", floor(before.advice), floor(now.advice)),
    row("Still possible", possible(before.advice), possible(now.advice)),
    row(
      "Rule set",
      before.advice.ruleset?.version ?? "not recorded",
      now.advice.ruleset?.version ?? "not recorded",
    ),
  ];

  const criteria: Change[] = [];
  const beforeCriteria = new Map((before.advice.criteria ?? []).map((c) => [c.id, c]));
  const nowCriteria = new Map((now.advice.criteria ?? []).map((c) => [c.id, c]));
  for (const id of new Set([...nowCriteria.keys(), ...beforeCriteria.keys()])) {
    const b = beforeCriteria.get(id);
    const n = nowCriteria.get(id);
    if (b?.status === n?.status) continue;
    criteria.push({
      what: (n ?? b)!.title,
      before: b ? STATUS_WORDS[b.status] : "not assessed",
      now: n ? STATUS_WORDS[n.status] : "not assessed",
    });
  }

  const words = (a: AdviceSide) => new Map((a.decisiveQuestions ?? []).map((d) => [d.id, d.wording]));
  const b = words(before.advice);
  const n = words(now.advice);
  const decisive = {
    added: [...n].filter(([id]) => !b.has(id)).map(([, w]) => w),
    removed: [...b].filter(([id]) => !n.has(id)).map(([, w]) => w),
    still: [...n].filter(([id]) => b.has(id)).map(([, w]) => w),
  };
  return {
    answers,
    advice,
    criteria,
    decisive,
    sameAdvice:
      advice.every((r) => !r.changed) &&
      criteria.length === 0 &&
      decisive.added.length === 0 &&
      decisive.removed.length === 0,
  };
}
