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
import { findDecisive } from "./decisive.js";
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

/** What the answers settle: one of the outcomes, or not yet. */
export type OutcomeOrOpen = Outcome | "undetermined";

export interface DecisiveQuestion {
  id: string;
  wording: string;
  /**
   * The strongest outcome its answer, alone or with other open questions, can bring about or rule
   * out: a rung of the edition's ladder above the last (the last rung is what follows when nothing
   * is met, so it is never the strongest a question moves).
   */
  bearsOn: Outcome;
  /**
   * Set when a rule reads the question while unanswered as the guidance directs (WT2015 (ii)) and
   * that reading bears on the outcome: the advice rests on it until the question is answered.
   */
  assumption: { rule: string; because: string } | null;
  /** One of the eleven questions (or a part of question 1): the criterion it is grouped under. */
  partOf: { criterion: string; title: string } | null;
  /** What would still be possible were it answered so, the other open questions as they are. */
  ifAnswered: Array<{ answer: string; possibleOutcomes: Outcome[] }>;
}

/** An unanswered question the advice rests on, read as the guidance directs. */
export interface AssumptionReport {
  question: string;
  wording: string;
  rule: string;
  because: string;
  ifAnswered: DecisiveQuestion["ifAnswered"];
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
  /** The outcome when the answers settle it; otherwise "undetermined" (see atLeast). */
  outcome: OutcomeOrOpen;
  /** What every way of answering the open questions gives at least: the floor. */
  atLeast: Outcome;
  determined: boolean;
  possibleOutcomes: Outcome[];
  /** The unanswered questions the advice rests on, read as the guidance directs. */
  assumptions: AssumptionReport[];
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
    e.recordKeeping.forEach((p) => add(p.citation));
  }
  library.alternatives.forEach((a) => add(a.citation));
  return [...library.sources.values()].filter((s) => cited.has(s.document));
}

/**
 * Rule reports by the answers they read, per compiled rule. A rule's report (its status, the basis
 * of each condition, the unanswered questions it reads as the guidance directs) is a function of
 * the answers to its own questions alone, so each is made once and then shared, frozen, by every
 * assessment that gives those answers: no allocation per rule per request, and the JSON encoder
 * (json.ts) encodes each shared report once. The domain is small (three answers a question, or an
 * age, for a handful of questions a rule), and a cap bounds it all the same.
 */
const reports = new WeakMap<CompiledRule, Map<number, RuleReport>>();
const MAX_REPORTS_PER_RULE = 4096;
const STATUS_KEY: Record<Status, number> = { met: 0, "not-met": 1, undetermined: 2 };

function reportsOf(c: CompiledRule): Map<number, RuleReport> {
  let memo = reports.get(c);
  if (!memo) reports.set(c, (memo = new Map()));
  return memo;
}

/** Freezes a report and what it made for it (not the loaded rule's own objects, already shared). */
function deepFreeze<R extends RuleReport>(r: R): R {
  for (const b of r.basis) Object.freeze(b);
  for (const x of r.assumptions) Object.freeze(x);
  Object.freeze(r.basis);
  Object.freeze(r.assumptions);
  return Object.freeze(r);
}

/**
 * The answers applied to the edition's diagrams: where each slot's answer sits, which answer
 * classes it may still take, and the terminals each diagram node can still reach. Every view of
 * the advice (the full assessment, the lean answer) starts here.
 */
export interface Evaluation {
  /** The answer to a question, "unknown" when omitted. */
  answerTo: (id: string) => AnswerValue;
  isOpen: (id: string) => boolean;
  given: AnswerValue[];
  position: Int32Array;
  allowed: Int32Array;
  down: Uint8Array;
  possible: Outcome[];
  determined: boolean;
}

export function evaluate(compiled: CompiledEdition, answers: Record<string, AnswerValue>): Evaluation {
  const { slots, diagram } = compiled;
  // Anything omitted is unknown.
  const answerTo = (id: string): AnswerValue => answers[id] ?? "unknown";

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
  const possible = outcomesOf(compiled.ladder, down[compiled.outcomeRoot]!);
  return {
    answerTo,
    isOpen: (id) => answerTo(id) === "unknown",
    given,
    position,
    allowed,
    down,
    possible,
    determined: possible.length === 1,
  };
}

/** The outcome fields every view of the advice leads with. */
export function outcomeOf(
  ev: Evaluation,
): Pick<Assessment, "outcome" | "atLeast" | "determined" | "possibleOutcomes"> {
  return {
    outcome: ev.determined ? ev.possible[0]! : "undetermined",
    // What every way of answering the open questions gives at least: the established outcome.
    atLeast: ev.possible[ev.possible.length - 1]!,
    determined: ev.determined,
    possibleOutcomes: ev.possible,
  };
}

/**
 * The edition's requirements with their dates. The assessment's actions are the requirements;
 * advice and the example timeline belong to the fuller timeline (POST /v1/timelines), computed by
 * the same function.
 */
export function requirementsFor(
  compiled: CompiledEdition,
  calendar: WorkingDayCalendar,
  dates: AssessmentInput["dates"],
  triggerStatus: (id: string) => Status,
) {
  const { edition } = compiled;
  return computeDeadlines(compiled.requirementTimescales, dates, calendar, {
    triggerStatus,
    ifReview: `if ${edition.decider} decide${edition.decider.endsWith("s") ? "" : "s"} to hold ${edition.reviewName}`,
  });
}

export function assess(
  library: RuleLibrary,
  compiled: CompiledEdition,
  calendar: WorkingDayCalendar,
  input: AssessmentInput,
): Assessment {
  const { edition, leaves } = compiled;
  const ev = evaluate(compiled, input.answers);
  const { answerTo, given, position, down } = ev;

  const report = <R extends RuleReport>(c: CompiledRule, make: (r: RuleReport) => R): R => {
    const status = statusOf(down[c.diagram]!);
    // A rule's report reads only its own answers: the same answers give the same report, made
    // once and shared (frozen) by every assessment after (see `reports`).
    // The key: the status, then each leaf's position in its slot's domain (OPEN, -1, when open;
    // a domain has at most 31 values), then whether each question it reads so is unanswered.
    let key = STATUS_KEY[status];
    for (const k of c.leaves) key = key * 33 + position[leaves[k]!.slot]! + 1;
    for (const r of c.rule.readsUnknownAsAnswer) key = key * 2 + (answerTo(r.question) === "unknown" ? 1 : 0);
    // Past 2^53 a key could stand for two sets of answers: such a rule's reports are not kept.
    const memo = Number.isSafeInteger(key) ? reportsOf(c) : undefined;
    const known = memo?.get(key);
    if (known) return known as R;
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
    const made = deepFreeze(
      make({
        id: c.rule.id,
        title: c.rule.title,
        status,
        summary: c.rule.summary,
        citation: c.rule.citation,
        quote: c.rule.quote,
        basis,
        assumptions,
      }),
    );
    if (memo && memo.size < MAX_REPORTS_PER_RULE) memo.set(key, made);
    return made;
  };

  const criteria: CriterionReport[] = compiled.criteria.map((c) =>
    report(c, (r) => ({
      ...r,
      level: c.rule.level!,
      outcome: c.outcome!,
      ...(c.rule.law ? { law: c.rule.law } : {}),
    })),
  );
  const triggers: TriggerReport[] = compiled.triggers.map((c) =>
    report(c, (r) => ({ ...r, requires: c.rule.requires! })),
  );

  const { decisiveQuestions, assumptions } = decisive(library, compiled, ev);

  const triggerStatus = new Map(triggers.map((t) => [t.id, t.status]));
  const ruleStatus = new Map([...criteria, ...triggers].map((r) => [r.id, r.status]));
  // The loader refuses a timescale that names a trigger the rules do not have.
  const deadlines = requirementsFor(compiled, calendar, input.dates, (id) => triggerStatus.get(id)!);

  return {
    adviceId: randomUUID(),
    edition: { id: edition.id, title: edition.title },
    editionChoice: input.choice ?? namedChoice(edition),
    ruleset: { version: library.version, hash: edition.hash },
    ...outcomeOf(ev),
    assumptions,
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
    alternatives: compiled.alternatives,
    recordKeeping: edition.recordKeeping,
    sources: compiled.sources,
  };
}

/**
 * The decisive questions (decisive.ts), ranked by the strongest outcome each can bring about or rule
 * out, then in the questionnaire's order, the eleven questions kept together; with what each answer
 * would leave possible, the other open questions as they are.
 */
export function decisive(
  library: RuleLibrary,
  compiled: CompiledEdition,
  { allowed, down, isOpen }: Evaluation,
): { decisiveQuestions: DecisiveQuestion[]; assumptions: AssumptionReport[] } {
  const plan = compiled.decisive;
  const findings = findDecisive(plan, allowed, isOpen);
  if (findings.length === 0) return { decisiveQuestions: [], assumptions: [] };
  const { slots, diagram, outcomeRoot } = compiled;
  const ifAnswered = outcomesIfAnswered(diagram, outcomeRoot, allowed, down);
  const order = compiled.questionOrder;
  const items = findings.map((f): DecisiveQuestion => {
    const literal = plan.literalQuestions.get(f.question);
    let answers: DecisiveQuestion["ifAnswered"];
    if (literal) {
      // Answering it sets every slot of the question, the literal ones included.
      const local = Int32Array.from(allowed);
      answers = literal.answered.map((a) => {
        literal.slots.forEach((s, k) => (local[s] = a.masks[k]!));
        const reach = reachableTerminals(plan.diagram, local);
        return { answer: a.label, possibleOutcomes: outcomesOf(compiled.ladder, reach[plan.root]!) };
      });
    } else {
      const slot = slots.find((s) => s.question === f.question && !s.literal)!;
      answers = slot.classes.map((cls, k) => ({
        answer: cls.label,
        possibleOutcomes: outcomesOf(compiled.ladder, ifAnswered(slot.index, k)),
      }));
    }
    const reading = f.assumption
      ? compiled.criteria
          .flatMap((c) => c.rule.readsUnknownAsAnswer.map((r) => ({ rule: c.rule.id, ...r })))
          .find((r) => r.question === f.question)
      : undefined;
    return {
      id: f.question,
      wording: library.questionById.get(f.question)!.wording,
      // The lowest threshold bit it moves is the strongest rung it can bring about or rule out.
      bearsOn: compiled.ladder[31 - Math.clz32(f.moves & -f.moves)]!,
      assumption: reading ? { rule: reading.rule, because: reading.because } : null,
      partOf: compiled.elevenQuestions.get(f.question) ?? null,
      ifAnswered: answers,
    };
  });
  // The eleven questions form one group, placed where its best-ranked member would be.
  const rank = (d: DecisiveQuestion) => compiled.ladder.indexOf(d.bearsOn);
  const groupOf = (d: DecisiveQuestion) => (d.partOf ? "eleven" : d.id);
  const groupRank = new Map<string, number>();
  const groupFirst = new Map<string, number>();
  for (const d of items) {
    const g = groupOf(d);
    groupRank.set(g, Math.min(groupRank.get(g) ?? Infinity, rank(d)));
    groupFirst.set(g, Math.min(groupFirst.get(g) ?? Infinity, order.get(d.id)!));
  }
  const key = (d: DecisiveQuestion) => {
    const g = groupOf(d);
    return [groupRank.get(g)!, groupFirst.get(g)!, order.get(d.id)!];
  };
  items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
  const assumptions = items
    .filter((d) => d.assumption)
    .map((d) => ({
      question: d.id,
      wording: d.wording,
      rule: d.assumption!.rule,
      because: d.assumption!.because,
      ifAnswered: d.ifAnswered,
    }));
  return { decisiveQuestions: items, assumptions };
}
