/**
 * The lean answer (POST /v1/assessments?view=lean), for applications that act on the advice
 * rather than file it: the outcome and what it rests on, then every rule, question and action by
 * id. Where the advice rests on reading an unanswered question as the guidance directs, the reading
 * is given in words (`because`): an application must be able to say why. The rules' quotes and
 * citations and the questions' wordings are in GET /v1/rulesets/{edition}, under the same rule-set
 * hash this answer names; the actions' words are in the full answer and POST /v1/timelines.
 *
 * It is computed from the same evaluation as the full assessment (assess.ts `evaluate`,
 * `decisive`, `requirementsFor`) but builds no explanations it would not send: no basis for each
 * rule, no tensions, alternatives or minutes. A property test holds it to the full assessment on
 * random answers and dates in every edition (lean.test.ts).
 */
import { randomUUID } from "node:crypto";
import type { RuleLibrary } from "../rulesets/types.js";
import { namedChoice } from "../rulesets/select.js";
import type { WorkingDayCalendar } from "../timelines/calendar.js";
import {
  decisive,
  evaluate,
  outcomeOf,
  requirementsFor,
  type ActionReport,
  type Assessment,
  type AssessmentInput,
  type DecisiveQuestion,
} from "./assess.js";
import type { CompiledEdition } from "./compile.js";
import { statusOf, type Status } from "./three-valued.js";

export interface LeanAdvice extends Pick<
  Assessment,
  | "adviceId"
  | "edition"
  | "editionChoice"
  | "ruleset"
  | "outcome"
  | "atLeast"
  | "determined"
  | "possibleOutcomes"
  | "openQuestions"
> {
  view: "lean";
  /** The unanswered questions the advice rests on, with the rule that reads each and why. */
  assumptions: Array<{
    question: string;
    rule: string;
    because: string;
    ifAnswered: DecisiveQuestion["ifAnswered"];
  }>;
  decisiveQuestions: Array<{
    id: string;
    bearsOn: DecisiveQuestion["bearsOn"];
    /** The rule that reads the unanswered question as the guidance directs, if the advice rests on it. */
    assumption: string | null;
    /** For the eleven questions, the criterion they belong to. */
    partOf: string | null;
    ifAnswered: DecisiveQuestion["ifAnswered"];
  }>;
  /** Questions answered that this edition's rules do not read: kept, with no effect. */
  ignoredAnswers: string[];
  criteria: Array<{ id: string; status: Status }>;
  triggers: Array<{ id: string; status: Status }>;
  actions: Array<Pick<ActionReport, "id" | "applies" | "due">>;
}

export function assessLean(
  library: RuleLibrary,
  compiled: CompiledEdition,
  calendar: WorkingDayCalendar,
  input: AssessmentInput,
): LeanAdvice {
  const { edition } = compiled;
  const ev = evaluate(compiled, input.answers);
  const status = (c: CompiledEdition["criteria"][number]) => ({
    id: c.rule.id,
    status: statusOf(ev.down[c.diagram]!),
  });
  const triggers = compiled.triggers.map(status);
  const triggerStatus = new Map(triggers.map((t) => [t.id, t.status]));
  const { decisiveQuestions, assumptions } = decisive(library, compiled, ev);
  return {
    adviceId: randomUUID(),
    view: "lean",
    edition: { id: edition.id, title: edition.title },
    editionChoice: input.choice ?? namedChoice(edition),
    ruleset: { version: library.version, hash: edition.hash },
    ...outcomeOf(ev),
    assumptions: assumptions.map((a) => ({
      question: a.question,
      rule: a.rule,
      because: a.because,
      ifAnswered: a.ifAnswered,
    })),
    decisiveQuestions: decisiveQuestions.map((d) => ({
      id: d.id,
      bearsOn: d.bearsOn,
      assumption: d.assumption?.rule ?? null,
      partOf: d.partOf?.criterion ?? null,
      ifAnswered: d.ifAnswered,
    })),
    openQuestions: compiled.usedQuestionIds.filter(ev.isOpen),
    ignoredAnswers: Object.keys(input.answers).filter((id) => !edition.questionsUsed.has(id)),
    criteria: compiled.criteria.map(status),
    triggers,
    // The loader refuses a timescale that names a trigger the rules do not have.
    actions: requirementsFor(compiled, calendar, input.dates, (id) => triggerStatus.get(id)!).map((d) => ({
      id: d.timescale.id,
      applies: d.applies,
      due: d.due,
    })),
  };
}
