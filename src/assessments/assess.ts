/**
 * One assessment, synchronous and without the engine: the answers pick the edges of the edition's
 * decision diagrams (compile.ts, proved against json-rules-engine at start-up), one pass over the
 * diagrams settles every rule and the possible outcomes, one more finds the decisive questions, and
 * the leaves' truth tables explain each rule.
 */
import { randomUUID } from "node:crypto";
import type {
  Alternative,
  Answer,
  Citation,
  CriterionLevel,
  DocumentId,
  FromDateName,
  Outcome,
  QuotedPassage,
  Requirement,
  RuleLibrary,
  Source,
} from "../rulesets/types.js";
import { namedChoice, type EditionChoice } from "../rulesets/select.js";
import type { WorkingDayCalendar } from "../timelines/calendar.js";
import { computeDeadlines, type Applies } from "../timelines/deadlines.js";
import type { CompiledEdition, CompiledRule } from "./compile.js";
import { tensionsFor, type TensionReport } from "./tensions.js";
import {
  OPEN,
  outcomesIfAnswered,
  outcomesOf,
  reachableTerminals,
  statusOf,
  type Status,
} from "./three-valued.js";

export type AnswerValue = Answer | number;

export interface AssessmentInput {
  edition: string;
  /** How the edition was chosen (src/rulesets/select.ts); named by the caller when left out. */
  choice?: EditionChoice;
  /** Only the questions the caller sent; anything omitted is unknown. */
  answers: Record<string, AnswerValue>;
  dates: Partial<Record<FromDateName, Date>>;
}

export interface Basis {
  question: string;
  answer: AnswerValue;
  condition: string;
  holds: boolean | null;
}

export interface RuleReport {
  id: string;
  title: string;
  status: Status;
  summary: string;
  citation: Citation;
  quote: string;
  basis: Basis[];
  assumptions: Array<{ question: string; answer: AnswerValue; because: string }>;
}

export interface CriterionReport extends RuleReport {
  level: CriterionLevel;
  outcome: Outcome;
  /** The law behind the rule, in the project's words, where the quote restates it. */
  law?: QuotedPassage;
}

export interface TriggerReport extends RuleReport {
  requires: Requirement;
}

export interface DecisiveQuestion {
  id: string;
  wording: string;
  ifAnswered: Array<{ answer: string; possibleOutcomes: Outcome[] }>;
}

export interface ActionReport {
  id: string;
  text: string;
  applies: Applies;
  appliesWhen: string;
  rule: string;
  from: FromDateName;
  fromDate: string | null;
  due: string | null;
  citation: Citation;
  quote: string;
}

export interface Assessment {
  /** Identifies this piece of advice, so minutes and later records can refer to it. */
  adviceId: string;
  edition: { id: string; title: string };
  editionChoice: EditionChoice;
  ruleset: { version: string; hash: string };
  outcome: Outcome;
  determined: boolean;
  possibleOutcomes: Outcome[];
  decisiveQuestions: DecisiveQuestion[];
  answers: Array<{ id: string; answer: AnswerValue; usedByEdition: boolean }>;
  openQuestions: string[];
  criteria: CriterionReport[];
  triggers: TriggerReport[];
  actions: ActionReport[];
  /** Where the guidance pulls apart on these answers, with both quotes (rules/tensions/). */
  tensions: TensionReport[];
  alternatives: Alternative[];
  recordKeeping: QuotedPassage[];
  /** The documents the citations name, with their titles. */
  sources: Source[];
}

/** Every document cited anywhere in the library, in the order of sources.yaml. */
export function citedSources(library: RuleLibrary): Source[] {
  const cited = new Set<DocumentId>();
  const add = (c: Citation) => cited.add(c.document);
  for (const e of library.editions.values()) {
    add(e.source);
    for (const r of [...e.criteria, ...e.triggers]) {
      add(r.citation);
      if (r.requires) add(r.requires.citation);
      if (r.law) add(r.law.citation);
    }
    for (const t of e.timescales) add(t.citation);
    for (const t of e.tensions) t.sides.forEach((side) => add(side.citation));
  }
  library.alternatives.forEach((a) => add(a.citation));
  library.recordKeeping.forEach((p) => add(p.citation));
  return [...library.sources.values()].filter((s) => cited.has(s.document));
}

export function assess(
  library: RuleLibrary,
  compiled: CompiledEdition,
  calendar: WorkingDayCalendar,
  input: AssessmentInput,
): Assessment {
  const { edition, slots, leaves, diagram } = compiled;

  // Anything omitted is unknown.
  const answerTo = (id: string): AnswerValue => input.answers[id] ?? "unknown";

  // Per slot: its answer, where that sits in the slot's domain (OPEN when unknown and not read
  // literally), and the answer classes the slot may still take.
  const given: AnswerValue[] = new Array(slots.length);
  const position = new Int32Array(slots.length);
  const allowed = new Int32Array(slots.length);
  for (const slot of slots) {
    const value = answerTo(slot.question);
    given[slot.index] = value;
    if (value === "unknown" && !slot.literal) {
      position[slot.index] = OPEN;
      allowed[slot.index] = (1 << slot.classes.length) - 1;
      continue;
    }
    const p = slot.position.get(value);
    // The request schema admits only these values; anything else would be judged by no table.
    if (p === undefined)
      throw new RangeError(`${JSON.stringify(value)} is not an answer to ${slot.question}`);
    position[slot.index] = p;
    allowed[slot.index] = 1 << slot.classOf[p]!;
  }
  const down = reachableTerminals(diagram, allowed);

  const report = (c: CompiledRule): RuleReport => {
    const basis: Basis[] = new Array(c.leaves.length);
    for (let k = 0; k < c.leaves.length; k++) {
      const leaf = leaves[c.leaves[k]!]!;
      const p = position[leaf.slot]!;
      basis[k] = {
        question: leaf.condition.fact,
        answer: given[leaf.slot]!,
        condition: leaf.text,
        holds: p === OPEN ? null : ((leaf.trueMask >> p) & 1) === 1,
      };
    }
    const assumptions = [];
    for (const r of c.rule.readsUnknownAsAnswer) {
      if (answerTo(r.question) === "unknown")
        assumptions.push({ question: r.question, answer: "unknown" as const, because: r.because });
    }
    return {
      id: c.rule.id,
      title: c.rule.title,
      status: statusOf(down[c.diagram]!),
      summary: c.rule.summary,
      citation: c.rule.citation,
      quote: c.rule.quote,
      basis,
      assumptions,
    };
  };

  const criteria: CriterionReport[] = compiled.criteria.map((c) => {
    const r = report(c) as CriterionReport;
    r.level = c.rule.level!;
    r.outcome = c.outcome!;
    if (c.rule.law) r.law = c.rule.law;
    return r;
  });
  const triggers: TriggerReport[] = compiled.triggers.map((c) => {
    const r = report(c) as TriggerReport;
    r.requires = c.rule.requires!;
    return r;
  });

  const reachable = down[compiled.outcomeRoot]!;
  const possible = outcomesOf(compiled.ladder, reachable);
  const determined = possible.length === 1;

  // A question is decisive when some answer to it would narrow the outcomes still possible.
  const decisiveQuestions: DecisiveQuestion[] = [];
  if (!determined) {
    const ifAnswered = outcomesIfAnswered(diagram, compiled.outcomeRoot, allowed, down);
    for (const slot of slots) {
      if (position[slot.index] !== OPEN) continue;
      const narrows = slot.classes.some((_, k) => ifAnswered(slot.index, k) !== reachable);
      if (!narrows) continue;
      decisiveQuestions.push({
        id: slot.question,
        wording: library.questionById.get(slot.question)!.wording,
        ifAnswered: slot.classes.map((cls, k) => ({
          answer: cls.label,
          possibleOutcomes: outcomesOf(compiled.ladder, ifAnswered(slot.index, k)),
        })),
      });
    }
    // Questions whose answer could settle the outcome outright come first.
    const settles = (d: DecisiveQuestion): number =>
      d.ifAnswered.some((a) => a.possibleOutcomes.length === 1) ? 0 : 1;
    decisiveQuestions.sort((a, b) => settles(a) - settles(b));
  }

  // The assessment's actions are the requirements; advice and the example timeline belong to the
  // fuller timeline (POST /v1/timelines), computed by the same function.
  const triggerStatus = new Map(triggers.map((t) => [t.id, t.status]));
  const ruleStatus = new Map([...criteria, ...triggers].map((r) => [r.id, r.status]));
  const deadlines = computeDeadlines(compiled.requirementTimescales, input.dates, calendar, {
    // The loader refuses a timescale that names a trigger the rules do not have.
    triggerStatus: (id) => triggerStatus.get(id)!,
    ifReview: `if ${edition.decider} decide${edition.decider.endsWith("s") ? "" : "s"} to hold ${edition.reviewName}`,
  });

  return {
    adviceId: randomUUID(),
    edition: { id: edition.id, title: edition.title },
    editionChoice: input.choice ?? namedChoice(edition),
    ruleset: { version: library.version, hash: edition.hash },
    // What every way of answering the open questions gives at least: the established outcome.
    outcome: possible[possible.length - 1]!,
    determined,
    possibleOutcomes: possible,
    decisiveQuestions,
    answers: Object.keys(input.answers).map((id) => ({
      id,
      answer: input.answers[id]!,
      usedByEdition: edition.questionsUsed.has(id),
    })),
    openQuestions: compiled.usedQuestionIds.filter((id) => answerTo(id) === "unknown"),
    criteria,
    triggers,
    actions: deadlines.map((d) => ({
      id: d.timescale.id,
      text: d.timescale.text,
      applies: d.applies,
      appliesWhen: d.appliesWhen,
      rule: d.rule,
      from: d.timescale.from,
      fromDate: d.fromDate,
      due: d.due,
      citation: d.timescale.citation,
      quote: d.timescale.quote,
    })),
    // The loader refuses a tension naming a rule the edition does not have.
    tensions: tensionsFor(edition.tensions, (id) => ruleStatus.get(id)!),
    alternatives: library.alternatives,
    recordKeeping: library.recordKeeping,
    sources: compiled.sources,
  };
}
