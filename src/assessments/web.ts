/**
 * The questionnaire and result pages: server-rendered with Nunjucks and GOV.UK Frontend, built on
 * the same assessment as the API (no second copy of any rule or outcome logic). They work without
 * JavaScript (a form post renders the result page); with it, the outcome panel refreshes as
 * answers change. Nothing is stored here: saving advice to a case is the case pages' work.
 */
import express, { type Response } from "express";
import { InvalidInput } from "../errors.js";
import { DATE_NAMES, type QuestionGroup } from "../rulesets/types.js";
import type { Advice, Service } from "../service.js";
import { actorOf } from "../middleware/actor.js";
import type { PageForms } from "../web/pages.js";
import { citer, createViews } from "../web/views.js";
import { DATE_LABELS, questionnaireErrors, readForm, type FormState } from "./form.js";
import { APPLIES_WORDS, ladderFor, STATUS_WORDS } from "./minutes.js";

const GROUPS: Array<{ id: QuestionGroup; title: string; intro?: string }> = [
  {
    id: "incident",
    title: "The incident",
    intro: "What is known or suspected about what happened to the child.",
  },
  { id: "should-always", title: "Deaths that always call for a review" },
  {
    id: "consider",
    title: "Situations in which to consider a review",
    intro:
      "The board should consider a review in these situations when there are concerns about how local professionals and services worked together.",
  },
  { id: "useful-lessons", title: "The eleven questions" },
  {
    id: "wales",
    title: "The child protection register",
    intro: "Whether the review is concise or extended turns on this.",
  },
  {
    id: "local-review",
    title: "Local and national review criteria",
    intro:
      "Criteria the safeguarding partners take into account. Meeting one does not oblige a review: the partners decide.",
  },
  { id: "notification", title: "Notification and LeDeR" },
  { id: "parallel", title: "Parallel processes" },
];

const STATUS_CLASSES = {
  met: "govuk-tag--green",
  "not-met": "govuk-tag--grey",
  undetermined: "govuk-tag--yellow",
};

export function assessmentPages(service: Service, { form, guarded }: PageForms): express.Router {
  const { library } = service;
  const env = createViews();
  const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));
  const cite = citer(library);
  const answerWords = (a: unknown) => (a === "unknown" ? "not known" : String(a));

  const page = (res: Response, state: FormState, advice?: Advice, status = 200): void => {
    const edition = library.editions.get(state.edition)!;
    const errorFor = (field: string) => state.errors.find((e) => e.field === field)?.text ?? null;
    const groups = GROUPS.map((g) => {
      const questions = library.questions
        .filter((q) => q.group === g.id && edition.questionsUsed.has(q.id))
        .map((q) => ({
          ...q,
          value: state.values[q.id] ?? "",
          error: errorFor(q.id),
          guidance: service.questionGuidance(edition.id, q.id).map((r) => ({ ...r, cite: cite(r.citation) })),
        }));
      let quote: string | undefined;
      let groupCite: string | undefined;
      if (g.id === "useful-lessons") {
        // The lead-in the eleven questions share, quoted once above them.
        const first = edition.criteria.find((c) => c.level === "useful-lessons");
        if (first) {
          quote = first.quote.split(" … ")[0];
          groupCite = cite({
            document: first.citation.document,
            section: first.citation.section.replace(/, question \d+$/, ""),
          });
        }
      }
      return { ...g, questions, quote, cite: groupCite };
    }).filter((g) => g.questions.length > 0);

    const context: Record<string, unknown> = {
      title: advice ? "Advice" : `Does this case need ${edition.reviewName}?`,
      heading: `Does this case need ${edition.reviewName}?`,
      nav: "decide",
      cspNonce: res.locals.cspNonce,
      ruleset: { version: library.version, hash: edition.hash },
      errors: state.errors.map((e) => ({ text: e.text, href: e.href })),
      reference: state.values.reference ?? "",
      referenceError: errorFor("reference"),
      hiddenValues: Object.fromEntries(
        Object.entries({ ...state.values, edition: state.edition }).filter(([, v]) => v !== ""),
      ),
      editionItems: [...library.editions.values()].map((e) => ({
        value: e.id,
        text: e.title,
        hint: { text: e.description },
        checked: e.id === edition.id,
      })),
      groups,
      dates: DATE_NAMES.map((d) => ({
        name: d,
        label: DATE_LABELS[d],
        day: state.values[`${d}-day`] ?? "",
        month: state.values[`${d}-month`] ?? "",
        year: state.values[`${d}-year`] ?? "",
        error: errorFor(d),
      })),
    };
    if (advice) Object.assign(context, resultContext(advice));
    res.status(status).type("html").send(env.render("questionnaire.njk", context));
  };

  const resultContext = ({ assessment: a, minutes }: Advice) => {
    const { words: OUTCOME_WORDS, phrase: OUTCOME_PHRASE, none } = ladderFor(a.edition.id);
    return {
      assessment: {
        ...a,
        decisiveQuestions: a.decisiveQuestions.map((d) => ({
          ...d,
          ifAnswered: d.ifAnswered.map((e) => ({
            ...e,
            words: e.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join(" or "),
          })),
        })),
      },
      outcomeWords: OUTCOME_WORDS,
      establishedWords:
        a.outcome === none
          ? "no criterion is met on the answers given so far"
          : `${OUTCOME_PHRASE[a.outcome]} (a stronger outcome remains possible)`,
      possibleWords: a.possibleOutcomes.map((o) => OUTCOME_PHRASE[o]).join("; "),
      statusWords: STATUS_WORDS,
      statusClasses: STATUS_CLASSES,
      criteriaGroups: (["met", "undetermined", "not-met"] as const).map((s) => ({
        title: `Criteria ${STATUS_WORDS[s].toLowerCase()}`,
        items: a.criteria.filter((c) => c.status === s),
      })),
      triggersNotMet: a.triggers.filter((t) => t.status === "not-met").map((t) => t.title),
      deadlineRows: a.actions
        .filter((x) => x.applies !== "not-required")
        .map((x) => [
          { text: x.text },
          { text: APPLIES_WORDS[x.applies] },
          {
            text:
              x.due ?? (x.fromDate !== null ? "no time set" : `needs ${DATE_LABELS[x.from].toLowerCase()}`),
          },
          { text: x.rule },
          { text: `${x.citation.section} (${x.citation.document})` },
        ]),
      givenRows: a.answers.map((g) => ({
        key: { text: wordings.get(g.id) ?? g.id },
        value: {
          text: `${answerWords(g.answer)}${g.usedByEdition ? "" : ` (not used by ${a.edition.title})`}`,
        },
      })),
      minutes,
      minutesFilename: `scr-minutes-${a.adviceId.slice(0, 8)}.md`,
      cite,
      answerWords,
    };
  };

  /** The advice for a form's answers, or the form again with the service's objections. */
  const adviseOn = async (
    res: Response,
    state: FormState,
  ): Promise<{ advice?: Advice; state: FormState }> => {
    if (!state.body) return { state };
    try {
      return { advice: await service.assess(actorOf(res), state.body), state };
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      return { state: { ...state, errors: questionnaireErrors(e) } };
    }
  };

  const router = express.Router();

  router.get("/", (req, res) => {
    const edition =
      typeof req.query.edition === "string" && library.editions.has(req.query.edition)
        ? req.query.edition
        : library.defaultEdition;
    page(res, { edition, values: {}, errors: [] });
  });

  router.post("/assessment", ...guarded, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = readForm(library, body);
    if (body.action === "change-edition") {
      page(res, { ...read, errors: [] });
      return;
    }
    const { advice, state } = await adviseOn(res, read);
    if (!advice) {
      page(res, state, undefined, 400);
      return;
    }
    page(res, state, advice);
  });

  // Save the advice from a result page: the case is opened if it is new. Anything wrong comes back
  // on the page itself, with the answers as they were.
  router.post("/cases/save", ...guarded, form, async (req, res) => {
    const read = readForm(library, (req.body ?? {}) as Record<string, unknown>);
    const reference = read.values.reference ?? "";
    if (!reference && read.errors.length === 0)
      read.errors.push({
        href: "#reference",
        field: "reference",
        text: "Enter the board's case reference to save the advice",
      });
    if (read.errors.length > 0 || !read.body) {
      page(res, read, undefined, 400);
      return;
    }
    try {
      await service.saveAdvice(actorOf(res), reference, read.body);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      page(res, { ...read, errors: questionnaireErrors(e) }, undefined, 400);
      return;
    }
    res.redirect(303, `/cases/${encodeURIComponent(reference)}`);
  });

  // The live panel: the same assessment, rendered as the outcome box alone.
  router.post("/assessment/panel", ...guarded, form, async (req, res) => {
    const { advice, state } = await adviseOn(
      res,
      readForm(library, (req.body ?? {}) as Record<string, unknown>),
    );
    if (!advice) {
      res
        .status(200)
        .type("html")
        .send(
          env.renderString(
            '<div class="app-outcome" id="outcome"><h2 class="govuk-heading-m">Advice so far</h2><p class="govuk-body">{{ text }}</p></div>',
            { text: state.errors[0]?.text ?? "" },
          ),
        );
      return;
    }
    res.type("html").send(env.render("_outcome.njk", { ...resultContext(advice), compact: true }));
  });

  return router;
}
