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
import { assessLean, type LeanAdvice } from "./lean.js";
import { toDocx } from "./docx.js";
import {
  minutesDocument,
  toHtml,
  toMarkdown,
  toText,
  type Block,
  type MinutesOptions,
  type MinutesType,
} from "./minutes.js";

export { MINUTES_TYPES, type MinutesType } from "./minutes.js";

/** An assessment and its minutes, rendered when asked for (the Markdown once). */
export class Advice {
  #markdown: string | undefined;
  constructor(
    readonly assessment: Assessment,
    private readonly wordings: ReadonlyMap<string, string>,
  ) {}

  /** The minutes as a document, one page, or with the annex of every criterion. */
  document(options: MinutesOptions = {}): Block[] {
    return minutesDocument(this.assessment, this.wordings, options);
  }

  /** The one-page minutes in Markdown. */
  get minutes(): string {
    return (this.#markdown ??= toMarkdown(this.document()));
  }

  /** The minutes in one of MINUTES_TYPES. */
  async minutesAs(type: MinutesType, options: MinutesOptions = {}): Promise<Buffer> {
    if (type === "text/markdown" && !options.annex && !options.reference) return Buffer.from(this.minutes);
    const blocks = this.document(options);
    if (type === "text/markdown") return Buffer.from(toMarkdown(blocks));
    if (type === "text/html") return Buffer.from(toHtml(blocks));
    if (type === "text/plain") return Buffer.from(toText(blocks));
    return toDocx(blocks);
  }
}

/** What the advice rests on, which every view of it leads with. */
export function adviceHead(a: Assessment) {
  return {
    adviceId: a.adviceId,
    edition: a.edition,
    editionChoice: a.editionChoice,
    ruleset: a.ruleset,
    outcome: a.outcome,
    atLeast: a.atLeast,
    determined: a.determined,
    possibleOutcomes: a.possibleOutcomes,
    assumptions: a.assumptions,
    decisiveQuestions: a.decisiveQuestions,
    answers: a.answers,
    openQuestions: a.openQuestions,
  };
}

export function assessmentOperations(core: Core) {
  const { library, editions, calendar } = core;
  const schema = buildAssessmentSchema(library);
  const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));

  /** Checks a request body (the API's JSON, or a form read into the same shape). */
  const parse = (body: unknown): AssessmentRequest => parseAssessmentRequest(schema, body, library);

  const advise = async (input: AssessmentRequest): Promise<Advice> => {
    const assessment = assess(library, editions.get(input.edition)!, calendar, input);
    return new Advice(assessment, wordings);
  };

  const adviseLean = async (input: AssessmentRequest): Promise<LeanAdvice> =>
    assessLean(library, editions.get(input.edition)!, calendar, input);

  // The guidance each question feeds: the quotes of the edition's rules that read it, worked out
  // once here rather than on every page.
  const guidance = new Map<string, Array<{ title: string; quote: string; citation: Citation }>>();
  for (const e of library.editions.values()) {
    for (const r of [...e.criteria, ...e.triggers]) {
      for (const leaf of leafConditions(r.conditions)) {
        const key = `${e.id}:${leaf.fact}`;
        const list = guidance.get(key) ?? [];
        if (!list.some((g) => g.title === r.title))
          list.push({ title: r.title, quote: r.quote, citation: r.citation });
        guidance.set(key, list);
      }
    }
  }
  const questionGuidance = (editionId: string, questionId: string) =>
    guidance.get(`${editionId}:${questionId}`) ?? [];

  return { parse, advise, adviseLean, questionGuidance };
}
