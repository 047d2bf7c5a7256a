/**
 * One assessment: one engine run, then three-valued logic over its leaf results, then the
 * explanation. Never one engine run per combination of open answers: the engine's leaf results
 * settle every answered question, and the compiled terms (compile.ts) settle the open ones.
 */
import { randomUUID } from "node:crypto";
import type {
  Alternative,
  Answer,
  Citation,
  CriterionLevel,
  DateName,
  DocumentId,
  Outcome,
  QuotedPassage,
  Requirement,
  RuleLibrary,
  Source,
} from "../rulesets/types.js";
import { OUTCOMES } from "../rulesets/types.js";
import type { WorkingDayCalendar } from "../timelines/calendar.js";
import { computeDeadlines, type Applies } from "../timelines/deadlines.js";
import { engineLeafResults, type CompiledEdition, type CompiledRule } from "./compile.js";
import {
  liveOpenSlots,
  OPEN,
  possibleOutcomes,
  possibleOutcomesWithWitnesses,
  ruleStatus,
  type Status,
} from "./three-valued.js";

export type AnswerValue = Answer | number;

export interface AssessmentInput {
  edition: string;
  /** Only the questions the caller sent; anything omitted is unknown. */
  answers: Record<string, AnswerValue>;
  dates: Partial<Record<DateName, Date>>;
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
  from: DateName;
  fromDate: string | null;
  due: string | null;
  citation: Citation;
  quote: string;
}

export interface Assessment {
  /** Identifies this piece of advice, so minutes and later records can refer to it. */
  decisionId: string;
  edition: { id: string; title: string };
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
  alternatives: Alternative[];
  recordKeeping: QuotedPassage[];
  /** The documents the citations name, with their titles. */
  sources: Source[];
}

function ranked(outcomes: Iterable<Outcome>): Outcome[] {
  const set = new Set(outcomes);
  return OUTCOMES.filter((o) => set.has(o));
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
    }
    for (const t of e.timescales) add(t.citation);
  }
  library.alternatives.forEach((a) => add(a.citation));
  library.recordKeeping.forEach((p) => add(p.citation));
  return [...library.sources.values()].filter((s) => cited.has(s.document));
}

export async function assess(
  library: RuleLibrary,
  compiled: CompiledEdition,
  calendar: WorkingDayCalendar,
  input: AssessmentInput,
): Promise<Assessment> {
  const { edition, slots, leaves } = compiled;

  // Every question of the vocabulary is a fact; an omitted one is "unknown".
  const facts: Record<string, AnswerValue> = {};
  for (const id of compiled.questionIds) facts[id] = input.answers[id] ?? "unknown";

  const { results, failureResults } = await compiled.engine.run(facts);

  // Which leaves the engine settled, and what it found. A leaf whose question is open (and not read
  // literally by its rule) stays OPEN; the terms decide what it could still be.
  const known = new Int8Array(leaves.length).fill(OPEN);
  const full = compiled.fullMasks;
  const masks = full.slice();
  const seen: boolean[] = [];
  const settle = (r: { name: unknown; conditions: unknown }): void => {
    const rule = compiled.ruleByName.get(r.name as string);
    if (!rule) return;
    seen.length = 0;
    engineLeafResults(r.conditions, seen);
    for (let k = 0; k < rule.leaves.length; k++) {
      const leaf = leaves[rule.leaves[k]!]!;
      const slot = slots[leaf.slot]!;
      if (slot.literal || facts[slot.question] !== "unknown") known[leaf.index] = seen[k] ? 1 : 0;
    }
  };
  results.forEach(settle);
  failureResults.forEach(settle);

  const report = (c: CompiledRule): RuleReport => {
    const basis: Basis[] = new Array(c.leaves.length);
    for (let k = 0; k < c.leaves.length; k++) {
      const leaf = leaves[c.leaves[k]!]!;
      const state = known[leaf.index];
      basis[k] = {
        question: leaf.condition.fact,
        answer: facts[leaf.condition.fact]!,
        condition: leaf.text,
        holds: state === OPEN ? null : state === 1,
      };
    }
    const assumptions = [];
    for (const r of c.rule.readsUnknownAsAnswer) {
      if (facts[r.question] === "unknown")
        assumptions.push({ question: r.question, answer: "unknown" as const, because: r.because });
    }
    return {
      id: c.rule.id,
      title: c.rule.title,
      status: ruleStatus(c.terms, known, masks, full),
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
    return r;
  });
  const triggers: TriggerReport[] = compiled.triggers.map((c) => {
    const r = report(c) as TriggerReport;
    r.requires = c.rule.requires!;
    return r;
  });

  const { initiateTerms, considerTerms, criteriaTerms } = compiled;
  const found = possibleOutcomesWithWitnesses(
    initiateTerms,
    considerTerms,
    criteriaTerms,
    known,
    masks,
    full,
  );
  const possible = found.map((p) => p.outcome);
  const determined = possible.length === 1;

  // A question is decisive when some answer to it would narrow the outcomes still possible. Only
  // questions with an open leaf in a term that can still hold can do that. Each possible outcome
  // comes with a witness (answers under which it is certain); an answer compatible with every
  // witness leaves every outcome possible, so only the other answers need a search.
  const decisiveQuestions: DecisiveQuestion[] = [];
  if (!determined) {
    for (const s of [...liveOpenSlots(criteriaTerms, known, masks)].sort((a, b) => a - b)) {
      const slot = slots[s]!;
      if (slot.classes.every((cls) => found.every((p) => (p.witness[s]! & cls.mask) !== 0))) continue;
      const ifAnswered = slot.classes.map((cls) => {
        if (found.every((p) => (p.witness[s]! & cls.mask) !== 0))
          return { answer: cls.label, possibleOutcomes: possible };
        const narrowed = masks.slice();
        narrowed[s] = cls.mask;
        const outcomes = possibleOutcomes(
          initiateTerms,
          considerTerms,
          known,
          narrowed,
          full,
          criteriaTerms,
          possible,
        );
        return { answer: cls.label, possibleOutcomes: outcomes };
      });
      if (ifAnswered.some((a) => a.possibleOutcomes.length < possible.length)) {
        decisiveQuestions.push({
          id: slot.question,
          wording: library.questionById.get(slot.question)!.wording,
          ifAnswered,
        });
      }
    }
    // Questions whose answer could settle the outcome outright come first.
    const settles = (d: DecisiveQuestion): number =>
      d.ifAnswered.some((a) => a.possibleOutcomes.length === 1) ? 0 : 1;
    decisiveQuestions.sort((a, b) => settles(a) - settles(b));
  }

  // The assessment's actions are the requirements; advice and the example timeline belong to the
  // fuller timeline (POST /v1/timelines), computed by the same function.
  const triggerStatus = new Map(triggers.map((t) => [t.id, t.status]));
  const deadlines = computeDeadlines(compiled.requirementTimescales, input.dates, calendar, {
    // The loader refuses a timescale that names a trigger the rules do not have.
    triggerStatus: (id) => triggerStatus.get(id)!,
  });

  return {
    decisionId: randomUUID(),
    edition: { id: edition.id, title: edition.title },
    ruleset: { version: library.version, hash: edition.hash },
    // What every way of answering the open questions gives at least: the established outcome.
    outcome: possible[possible.length - 1]!,
    determined,
    possibleOutcomes: ranked(possible),
    decisiveQuestions,
    answers: Object.keys(input.answers).map((id) => ({
      id,
      answer: input.answers[id]!,
      usedByEdition: edition.questionsUsed.has(id),
    })),
    openQuestions: compiled.usedQuestionIds.filter((id) => facts[id] === "unknown"),
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
    alternatives: library.alternatives,
    recordKeeping: library.recordKeeping,
    sources: compiled.sources,
  };
}
