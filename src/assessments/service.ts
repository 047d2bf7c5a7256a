/**
 * Assessing a case: the request checked against the contract, the edition's compiled rules
 * evaluated, and the minutes rendered once. The API and the pages both assess through here.
 */
import type { Core } from "../core.js";
import {
  buildAssessmentSchema,
  parseAssessmentRequest,
  type AssessmentRequest,
} from "../contract/validation.js";
import { assess, type Assessment } from "./assess.js";
import { renderMinutes } from "./minutes.js";

export interface Advice {
  assessment: Assessment;
  /** The minutes in Markdown, rendered once from the same assessment. */
  minutes: string;
}

export function assessmentOperations(core: Core) {
  const { library, editions, calendar } = core;
  const schema = buildAssessmentSchema(library);
  const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));

  /** Checks a request body (the API's JSON, or a form read into the same shape). */
  const parse = (body: unknown): AssessmentRequest =>
    parseAssessmentRequest(schema, body, library.defaultEdition);

  const advise = async (input: AssessmentRequest): Promise<Advice> => {
    const assessment = await assess(library, editions.get(input.edition)!, calendar, input);
    return { assessment, minutes: renderMinutes(assessment, wordings) };
  };

  const adviseLean = async (input: AssessmentRequest): Promise<Assessment> =>
    assess(library, editions.get(input.edition)!, calendar, input);

  return { parse, advise, adviseLean, wordings };
}
