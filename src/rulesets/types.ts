/**
 * The shapes of the rule sets once loaded and checked. The files in rules/ are the source and
 * schema.ts says what they may hold; the types of their contents are inferred from those schemas,
 * and only what loading adds (the file a rule came from, an edition's hash) is written here.
 */
import type { z } from "zod";
import {
  dateNameSchema,
  fromDateSchema,
  type alternativeSchema,
  type appliesWhenSchema,
  type citationSchema,
  type editionFileSchema,
  type leafConditionSchema,
  type levelSchema,
  type offsetSchema,
  type operatorSchema,
  type outcomeRungSchema,
  type periodSchema,
  type questionGroupSchema,
  type questionKindSchema,
  type questionSchema,
  type quotedPassageSchema,
  type requirementSchema,
  type ruleFileSchema,
  type sourceSchema,
  type tensionFileSchema,
  type timescaleFileSchema,
  type timescaleNatureSchema,
} from "./schema.js";

export type { Condition } from "./schema.js";

/** A file name of rules/sources.yaml: which documents exist is data, so any string may be one. */
export type DocumentId = string;

export type Citation = z.output<typeof citationSchema>;

/** An answer to a yes-no question; "unknown" is also what an omitted answer counts as. */
export type Answer = "yes" | "no" | "unknown";

export type QuestionKind = z.output<typeof questionKindSchema>;
/** The ages a child can be, in whole years: the domain of ageYears. */
export const MAX_CHILD_AGE = 17;

export type QuestionGroup = z.output<typeof questionGroupSchema>;
export type Question = z.output<typeof questionSchema>;

export type Operator = z.output<typeof operatorSchema>;
export type LeafCondition = z.output<typeof leafConditionSchema>;

export type CriterionLevel = z.output<typeof levelSchema>;
/**
 * An outcome id of an edition's ladder (edition.yaml `outcomes`, strongest first): which ids exist
 * is data, as with editions. The outcome of a complete set of answers is the strongest rung with a
 * met criterion, or the last rung when none is met.
 */
export type Outcome = string;
export type OutcomeRung = z.output<typeof outcomeRungSchema>;
export type Country = EditionInfo["country"];
export type Period = z.output<typeof periodSchema>;

export type Requirement = z.output<typeof requirementSchema>;

/** A criterion or a trigger: one rule file, with what the loader adds. */
export interface CitedRule extends z.output<typeof ruleFileSchema> {
  kind: "criterion" | "trigger";
  /** Criteria only. */
  level?: CriterionLevel;
  /** Criteria only: the rung of the edition's ladder it brings about (resolved by the loader). */
  outcome?: Outcome;
  /** Triggers only: what follows when the trigger is met. */
  requires?: Requirement;
  /** Triggers only: the editions it belongs to, when not every edition. */
  editions?: string[];
  /** Path of the file, relative to the rules folder. */
  file: string;
}

export type DateName = z.output<typeof dateNameSchema>;
export const DATE_NAMES: readonly DateName[] = dateNameSchema.options;
/** A date a deadline may count from: the board's dates and the incident's. */
export type FromDateName = z.output<typeof fromDateSchema>;
export const FROM_DATE_NAMES: readonly FromDateName[] = fromDateSchema.options;

export type Offset = z.output<typeof offsetSchema>;
export type AppliesWhen = z.output<typeof appliesWhenSchema>;
export type TimescaleNature = z.output<typeof timescaleNatureSchema>;

export interface Timescale extends z.output<typeof timescaleFileSchema> {
  /** Path of the file, relative to the rules folder. */
  file: string;
}

export type Alternative = z.output<typeof alternativeSchema>;
export type QuotedPassage = z.output<typeof quotedPassageSchema>;
export type Source = z.output<typeof sourceSchema>;
export type EditionInfo = z.output<typeof editionFileSchema>;

/** Where the guidance pulls apart (rules/tensions/), with both quotes. */
export interface Tension extends z.output<typeof tensionFileSchema> {
  /** Path of the file, relative to the rules folder. */
  file: string;
}

export interface Edition extends EditionInfo {
  criteria: CitedRule[];
  triggers: CitedRule[];
  timescales: Timescale[];
  tensions: Tension[];
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
