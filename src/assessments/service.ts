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
import type { Citation } from "../rulesets/types.js";
import { assess, type Assessment } from "./assess.js";
import { leafConditions } from "./compile.js";
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

  // The guidance each question feeds: the quotes of the edition's rules that read it, worked out
  // once here rather than on every page.
  const guidance = new Map<string, Array<{ title: string; quote: string; citation: Citation }>>();
  for (const e of library.editions.values()) {
    for (const r of [...e.criteria, ...e.triggers]) {
      for (const leaf of leafConditions(r.conditions)) {
        const key = `${e.id}:${leaf.fact}`;
        const list = guidance.get(key) ?? [];
        if (!list.some((g) => g.title === r.title)) list.push({ title: r.title, quote: r.quote, citation: r.citation });
        guidance.set(key, list);
      }
    }
  }
  const questionGuidance = (editionId: string, questionId: string) => guidance.get(`${editionId}:${questionId}`) ?? [];

  return { parse, advise, adviseLean, wordings, questionGuidance };
}
