/**
 * One assessment: one engine run, then three-valued logic over its leaf results, then the
 * explanation. Never one engine run per combination of open answers: the engine's leaf results
 * settle every answered question, and the compiled terms (compile.ts) settle the open ones.
 */
import { ProblemError } from "../errors.js";
import type {
  Alternative,
  Answer,
  CriterionLevel,
  DateName,
  Outcome,
  QuotedPassage,
  ResolvedCitation,
  RuleLibrary,
} from "../rules/types.js";
import { OUTCOMES } from "../rules/types.js";
import type { WorkingDayCalendar } from "../timescales/calendar.js";
import { computeDeadlines, type Applies } from "../timescales/deadlines.js";
import { engineLeafResults, type CompiledEdition, type CompiledRule } from "./compile.js";
import { describeCondition } from "./describe.js";
import { liveOpenSlots, OPEN, possibleOutcomes, ruleStatus, type Status } from "./three-valued.js";
import { resolveCitation } from "./cite.js";

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
  citation: ResolvedCitation;
  quote: string;
  basis: Basis[];
  assumptions: Array<{ question: string; answer: AnswerValue; because: string }>;
}

export interface CriterionReport extends RuleReport {
  level: CriterionLevel;
  outcome: Outcome;
}

export interface TriggerReport extends RuleReport {
  requires: { text: string; citation: ResolvedCitation; quote: string };
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
  citation: ResolvedCitation;
  quote: string;
}

export interface Assessment {
  edition: { id: string; title: string };
  ruleset: { version: string; hash: string };
  outcome: Outcome;
  determined: boolean;
  possibleOutcomes: Outcome[];
  decisiveQuestions: DecisiveQuestion[];
  answers: Array<{ id: string; wording: string; answer: AnswerValue; usedByEdition: boolean }>;
  openQuestions: string[];
  criteria: CriterionReport[];
  triggers: TriggerReport[];
  actions: ActionReport[];
  alternatives: Array<Omit<Alternative, "citation"> & { citation: ResolvedCitation }>;
  recordKeeping: Array<Omit<QuotedPassage, "citation"> & { citation: ResolvedCitation }>;
}

function ranked(outcomes: Iterable<Outcome>): Outcome[] {
  const set = new Set(outcomes);
  return OUTCOMES.filter((o) => set.has(o));
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

  // Which leaves the engine settled, and what it found.
  const known = new Int8Array(leaves.length).fill(OPEN);
  const masks = slots.map((s) => s.full);
  const full = slots.map((s) => s.full);
  const openSlot = slots.map((s) => !s.literal && facts[s.question] === "unknown");
  const seen: boolean[] = [];
  for (const r of results.concat(failureResults)) {
    const rule = compiled.ruleByName.get(r.name as string);
    if (!rule) continue;
    seen.length = 0;
    engineLeafResults(r.conditions, seen);
    for (let k = 0; k < rule.leaves.length; k++) {
      const leaf = leaves[rule.leaves[k]!]!;
      if (!openSlot[leaf.slot]) known[leaf.index] = seen[k] ? 1 : 0;
    }
  }

  const statusOf = (c: CompiledRule): Status => ruleStatus(c.terms, known, masks, full);

  const report = (c: CompiledRule): RuleReport => {
    const basis: Basis[] = c.leaves.map((i) => {
      const leaf = leaves[i]!;
      const k = known[i]!;
      return {
        question: leaf.condition.fact,
        answer: facts[leaf.condition.fact]!,
        condition: describeCondition(leaf.condition),
        holds: k === OPEN ? null : k === 1,
      };
    });
    const assumptions = c.rule.readsUnknownAsAnswer
      .filter((r) => facts[r.question] === "unknown")
      .map((r) => ({ question: r.question, answer: facts[r.question]!, because: r.because }));
    return {
      id: c.rule.id,
      title: c.rule.title,
      status: statusOf(c),
      summary: c.rule.summary,
      citation: resolveCitation(library, c.rule.citation),
      quote: c.rule.quote,
      basis,
      assumptions,
    };
  };

  const criteria: CriterionReport[] = compiled.criteria.map((c) => ({
    ...report(c),
    level: c.rule.level!,
    outcome: c.outcome!,
  }));
  const triggers: TriggerReport[] = compiled.triggers.map((c) => ({
    ...report(c),
    requires: {
      text: c.rule.requires!.text,
      citation: resolveCitation(library, c.rule.requires!.citation),
      quote: c.rule.requires!.quote,
    },
  }));

  const { initiateTerms, considerTerms } = compiled;
  const possible = possibleOutcomes(initiateTerms, considerTerms, known, masks, full);
  const determined = possible.length === 1;

  // A question is decisive when some answer to it would narrow the outcomes still possible.
  const decisiveQuestions: DecisiveQuestion[] = [];
  if (!determined) {
    const candidates = liveOpenSlots([...initiateTerms, ...considerTerms], known, masks);
    for (const s of [...candidates].sort((a, b) => a - b)) {
      const slot = slots[s]!;
      const ifAnswered = slot.classes.map((cls) => {
        const narrowed = masks.slice();
        narrowed[s] = cls.mask;
        return {
          answer: cls.label,
          possibleOutcomes: possibleOutcomes(initiateTerms, considerTerms, known, narrowed, full),
        };
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

  const triggerStatus = new Map(triggers.map((t) => [t.id, t.status]));
  const deadlines = computeDeadlines(
    edition.timescales,
    input.dates,
    (id) => {
      const s = triggerStatus.get(id);
      if (s === undefined) throw new ProblemError(500, "internal", `timescale names unknown trigger ${id}`);
      return s;
    },
    calendar,
  );

  return {
    edition: { id: edition.id, title: edition.title },
    ruleset: { version: library.version, hash: edition.hash },
    // What every way of answering the open questions gives at least: the established outcome.
    outcome: possible[possible.length - 1]!,
    determined,
    possibleOutcomes: ranked(possible),
    decisiveQuestions,
    answers: Object.entries(input.answers).map(([id, answer]) => ({
      id,
      wording: library.questionById.get(id)!.wording,
      answer,
      usedByEdition: edition.questionsUsed.has(id),
    })),
    openQuestions: library.questions
      .filter((q) => edition.questionsUsed.has(q.id) && facts[q.id] === "unknown")
      .map((q) => q.id),
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
      citation: resolveCitation(library, d.timescale.citation),
      quote: d.timescale.quote,
    })),
    alternatives: library.alternatives.map((a) => ({ ...a, citation: resolveCitation(library, a.citation) })),
    recordKeeping: library.recordKeeping.map((p) => ({
      ...p,
      citation: resolveCitation(library, p.citation),
    })),
  };
}
