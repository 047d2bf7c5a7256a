/**
 * The shapes of the rule sets once loaded and checked. The files in rules/ are the source; these
 * types are what the rest of the service sees.
 */
export const DOCUMENTS = [
  "000_e68e991094baaa7a.txt",
  "001_afcf872d65612daa.txt",
  "002_1c63e9094c1f0db4.txt",
  "003_500f416edb21d221.txt",
  "004_dcf93c0f41036063.txt",
] as const;
export type DocumentId = (typeof DOCUMENTS)[number];

export interface Citation {
  document: DocumentId;
  section: string;
}

export type Answer = "yes" | "no" | "unknown";
export const ANSWERS: readonly Answer[] = ["yes", "no", "unknown"];

export type QuestionKind = "yes-no" | "age";
/** The ages a child can be, in whole years: the domain of ageYears. */
export const MAX_CHILD_AGE = 17;

export type QuestionGroup =
  "incident" | "should-always" | "consider" | "useful-lessons" | "notification" | "parallel";

export interface Question {
  id: string;
  group: QuestionGroup;
  kind: QuestionKind;
  wording: string;
  help: string;
  source: Citation;
}

export type Operator =
  | "equal"
  | "notEqual"
  | "in"
  | "notIn"
  | "lessThan"
  | "lessThanInclusive"
  | "greaterThan"
  | "greaterThanInclusive";

export type LeafValue = string | number | Array<string | number>;

export interface LeafCondition {
  fact: string;
  operator: Operator;
  value: LeafValue;
}
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

export type CriterionLevel = "must" | "should-always" | "consider" | "useful-lessons";
export type Outcome = "initiate-scr" | "consider-scr" | "criteria-not-met";
/** Strongest first, as domain.md orders them. */
export const OUTCOMES: readonly Outcome[] = ["initiate-scr", "consider-scr", "criteria-not-met"];

export const LEVEL_OUTCOME: Record<CriterionLevel, Outcome> = {
  must: "initiate-scr",
  "should-always": "initiate-scr",
  consider: "consider-scr",
  "useful-lessons": "consider-scr",
};

export interface UnknownReading {
  question: string;
  because: string;
}

export interface Requirement {
  text: string;
  citation: Citation;
  quote: string;
}

/** A criterion or a trigger: one rule file. */
export interface CitedRule {
  kind: "criterion" | "trigger";
  id: string;
  title: string;
  summary: string;
  citation: Citation;
  quote: string;
  conditions: Condition;
  readsUnknownAsAnswer: UnknownReading[];
  /** Criteria only. */
  level?: CriterionLevel;
  /** Triggers only: what follows when the trigger is met. */
  requires?: Requirement;
  /** Path of the file, relative to the rules folder. */
  file: string;
}

export type DateName = "becameAware" | "referral" | "decision" | "publication";
export const DATE_NAMES: readonly DateName[] = ["becameAware", "referral", "decision", "publication"];

export interface Offset {
  workingDays?: number;
  days?: number;
  weeks?: number;
  months?: number;
}

export type AppliesWhen = "always" | "review" | { trigger: string };

/**
 * requirement: statutory guidance or the board's procedure; advice: 001's suggestions to chairs;
 * example: 000 Appendix B's example timeline.
 */
export type TimescaleNature = "requirement" | "advice" | "example";

export interface Timescale {
  id: string;
  edition?: string;
  text: string;
  nature: TimescaleNature;
  from: DateName;
  add: Offset;
  appliesWhen: AppliesWhen;
  /** Present when an agreed extension date may replace the computed one, with the guidance for it. */
  extension?: Requirement;
  citation: Citation;
  quote: string;
  file: string;
}

export interface Alternative {
  id: string;
  title: string;
  text: string;
  citation: Citation;
  quote: string;
}

export interface QuotedPassage {
  citation: Citation;
  quote: string;
}

export interface Source {
  document: DocumentId;
  title: string;
  short: string;
}

export interface EditionInfo {
  id: string;
  title: string;
  description: string;
  source: Citation;
  default: boolean;
}

export interface Edition extends EditionInfo {
  criteria: CitedRule[];
  triggers: CitedRule[];
  timescales: Timescale[];
  /** Ids of the questions this edition's rules read. */
  questionsUsed: Set<string>;
  /** sha256 over every file this edition is built from. */
  hash: string;
}

export interface RuleLibrary {
  version: string;
  sources: Map<DocumentId, Source>;
  questions: Question[];
  questionById: Map<string, Question>;
  alternatives: Alternative[];
  recordKeeping: QuotedPassage[];
  editions: Map<string, Edition>;
  defaultEdition: string;
}
