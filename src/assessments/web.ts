/**
 * The questionnaire and result pages: server-rendered with Nunjucks and GOV.UK Frontend, built on
 * the same assessment as the API (no second copy of any rule or outcome logic). They work without
 * JavaScript (a form post renders the result page); with it, the outcome panel refreshes as
 * answers change. Nothing is stored here: saving advice to a case is the case pages' work.
 */
import { randomUUID } from "node:crypto";
import express, { type Response } from "express";
import { InvalidInput } from "../errors.js";
import { DATE_NAMES, type Citation, type Edition, type QuestionGroup } from "../rulesets/types.js";
import type { Advice, Service } from "../service.js";
import { actorOf } from "../middleware/actor.js";
import type { PageForms } from "../web/pages.js";
import { citer, createViews } from "../web/views.js";
import { DATE_LABELS, IN_FORCE, questionnaireErrors, readForm, type FormState } from "./form.js";
import type { CriterionReport } from "./assess.js";
import { MINUTES_TYPES, toHtmlFragment, type MinutesType } from "./minutes.js";
import {
  APPLIES_WORDS,
  STATUS_WORDS,
  answerWords,
  assumptionWords,
  changes,
  decisiveGroups,
  elevenLeadIn,
  elevenLeadInCitation,
  establishing,
  headline,
  outcomesWords,
  restsOn,
  withoutLeadIn,
} from "./words.js";
import { ladderFor } from "../rulesets/outcomes.js";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

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

/**
 * The questionnaire and result page's rendering, for this feature's pages and for a case's
 * reassessment (cases/web.ts), which shows the same form pre-filled and posts it elsewhere.
 */
export interface QuestionnaireExtra {
  /** Where the form posts (default /assessment). */
  formAction?: string;
  /** Reassessing a case: its reference and its last advice's record, named above the form. */
  reassess?: { reference: string; caseUrl: string; seq: number; when: string };
}

export function questionnaireRenderer(service: Service) {
  const { library } = service;
  const env = createViews();
  const wordings = new Map(library.questions.map((q) => [q.id, q.wording]));
  const cite = citer(library);
  // Sources stated in the project's words (sources.yaml `quoted: false`): the page says so.
  const unquoted = new Set(
    [...library.sources.values()].filter((x) => x.quoted === false).map((x) => x.document),
  );
  const passage = (quote: string, c: Citation) => ({
    quote,
    cite: cite(c),
    notQuoted: unquoted.has(c.document),
  });

  // An edition's question groups, each question with the guidance it feeds quoted and cited: the
  // same on every request, so worked out on the edition's first page and kept.
  const editionGroups = new Map<string, ReturnType<typeof groupsFor>>();
  const groupsFor = (edition: Edition) =>
    GROUPS.map((g) => {
      const questions = library.questions
        .filter((q) => q.group === g.id && edition.questionsUsed.has(q.id))
        .map((q) => ({
          ...q,
          // The eleven questions' lead-in is quoted once, above them; each keeps its own words.
          guidance: service.questionGuidance(edition.id, q.id).map((r) => ({
            title: r.title,
            ...passage(
              g.id === "useful-lessons"
                ? withoutLeadIn({ level: "useful-lessons", quote: r.quote })
                : r.quote,
              r.citation,
            ),
          })),
        }));
      let quote: string | undefined;
      let groupCite: string | undefined;
      if (g.id === "useful-lessons") {
        // The lead-in the eleven questions share, quoted once above them.
        const first = edition.criteria.find((c) => c.level === "useful-lessons");
        if (first) {
          quote = elevenLeadIn(first.quote);
          groupCite = cite(elevenLeadInCitation(first.citation));
        }
      }
      return { ...g, questions, quote, cite: groupCite };
    }).filter((g) => g.questions.length > 0);
  const groupsOf = (edition: Edition) => {
    let groups = editionGroups.get(edition.id);
    if (!groups) editionGroups.set(edition.id, (groups = groupsFor(edition)));
    return groups;
  };

  const page = (
    res: Response,
    state: FormState,
    advice?: Advice,
    status = 200,
    extra: QuestionnaireExtra = {},
  ): void => {
    const edition = library.editions.get(state.edition)!;
    const errorFor = (field: string) => state.errors.find((e) => e.field === field)?.text ?? null;
    const groups = groupsOf(edition).map((g) => ({
      ...g,
      questions: g.questions.map((q) => ({ ...q, value: state.values[q.id] ?? "", error: errorFor(q.id) })),
    }));

    const context: Record<string, unknown> = {
      title: advice ? "Advice" : `Does this case need ${edition.reviewName}?`,
      heading: `Does this case need ${edition.reviewName}?`,
      decidersOwn: ladderFor(edition.id).decidersOwn,
      nav: "decide",
      cspNonce: res.locals.cspNonce,
      ruleset: { version: library.version, hash: edition.hash },
      errors: state.errors.map((e) => ({ text: e.text, href: e.href })),
      reference: state.values.reference ?? "",
      referenceError: errorFor("reference"),
      // The result page's forms post the answers again: the edition as it was chosen (named, or
      // by date and place), and the edition whose questions were shown.
      hiddenValues: Object.fromEntries(
        Object.entries({
          ...state.values,
          edition: state.values.edition || state.edition,
          shown: state.edition,
        }).filter(([, v]) => v !== ""),
      ),
      shown: state.edition,
      inForce: state.values.edition === IN_FORCE,
      editionItems: [...library.editions.values()].map((e) => ({
        value: e.id,
        text: e.title,
        hint: { text: e.description },
        checked: state.values.edition !== IN_FORCE && e.id === edition.id,
      })),
      incident: {
        day: state.values["incidentDate-day"] ?? "",
        month: state.values["incidentDate-month"] ?? "",
        year: state.values["incidentDate-year"] ?? "",
        error: errorFor("incidentDate"),
      },
      countryItems: [
        { value: "england", text: "England", checked: state.values.country === "england" },
        { value: "wales", text: "Wales", checked: state.values.country === "wales" },
      ],
      countryError: errorFor("country"),
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
    if (advice) Object.assign(context, resultContext(advice, state.values.reference ?? ""));
    Object.assign(context, extra);
    res.status(status).type("html").send(env.render("questionnaire.njk", context));
  };

  const resultContext = (advice: Advice, reference = "") => {
    const a = advice.assessment;
    const established = establishing(a);
    const decisiveIds = new Set(a.decisiveQuestions.map((d) => d.id));
    // A criterion bears on the outcome when it establishes it, or when it is still open and could
    // lift it (one of its questions is decisive); the rest collapse into "other criteria".
    const bears = (c: CriterionReport) =>
      established.includes(c) ||
      (c.status === "undetermined" &&
        a.possibleOutcomes.includes(c.outcome) &&
        c.outcome !== a.atLeast &&
        c.basis.some((b) => decisiveIds.has(b.question)));
    const met = a.criteria.filter((c) => c.status === "met");
    const lessons = a.criteria.find((c) => c.level === "useful-lessons");
    const item = (c: CriterionReport) => ({
      ...c,
      shortQuote: withoutLeadIn(c),
      quotePassage: passage(withoutLeadIn(c), c.citation),
      // The law a quoted guidance restates (wales-cpr: SI 2012/1712), in the project's words.
      lawPassage: c.law ? passage(c.law.quote, c.law.citation) : null,
      read: c.basis.map((b) => ({
        id: b.question,
        wording: wordings.get(b.question) ?? b.question,
        answer: answerWords(b.answer),
      })),
    });
    const deadlines = a.actions.filter((x) => x.applies !== "not-required");
    const ladder = ladderFor(a.edition.id);
    return {
      assessment: a,
      // The review and who decides are the edition's: the page never says "Serious Case Review"
      // of a Welsh case, and says the partners decide under cspr-2018.
      reviewBare: ladder.reviewBare,
      decidersOwn: ladder.decidersOwn,
      // How the edition was chosen and why, with what the board should confirm (rulesets/select.ts).
      editionChoice: a.editionChoice,
      headline: headline(a),
      restsOn: restsOn(a),
      assumptionItems: a.assumptions.map((x) => ({
        ...x,
        words: assumptionWords(a, x),
        changes: changes(a, x),
      })),
      outcomeClass: a.determined ? ladder.follows[a.outcome] : "undetermined",
      decisiveGroups: decisiveGroups(a).map((g) => ({
        eleven: g.eleven && g.items.length > 1,
        yesWords: outcomesWords(
          a.edition.id,
          g.items[0]!.ifAnswered.find((e) => e.answer === "yes")?.possibleOutcomes ?? [],
        ),
        items: g.items.map((d) => ({ ...d, changes: changes(a, d) })),
      })),
      metCriteria: met.map(item),
      openBearing: a.criteria.filter((c) => !met.includes(c) && bears(c)).map(item),
      otherCriteria: a.criteria.filter((c) => !met.includes(c) && !bears(c)).map(item),
      elevenLeadIn:
        lessons && met.some((c) => c.level === "useful-lessons")
          ? {
              quote: elevenLeadIn(lessons.quote),
              cite: cite(elevenLeadInCitation(lessons.citation)),
            }
          : null,
      // Each side of a tension as a passage: quoted, or marked as stated in the project's words.
      tensionItems: a.tensions.map((t) => ({
        ...t,
        sides: t.sides.map((side) => ({
          appliesWhen: side.appliesWhen,
          ...passage(side.quote, side.citation),
        })),
      })),
      triggersApplying: a.triggers.filter((t) => t.status === "met"),
      triggersMayApply: a.triggers.filter((t) => t.status === "undetermined"),
      triggersNotMet: a.triggers.filter((t) => t.status === "not-met").map((t) => t.title),
      deadlineRows: deadlines.map((x) => ({
        key: { text: x.text },
        value: {
          html: `${x.due ? `<strong>${x.due}</strong>` : x.fromDate !== null ? "No time set" : `Needs the ${DATE_LABELS[x.from].replace(/^Date/, "date")}`}${
            x.applies === "required" ? "" : ` (${APPLIES_WORDS[x.applies].toLowerCase()})`
          }<br><span class="govuk-body-s">${escapeHtml(x.rule)}; ${escapeHtml(`${x.citation.section} (${x.citation.document})`)}</span>`,
        },
      })),
      statusWords: STATUS_WORDS,
      statusClasses: STATUS_CLASSES,
      givenRows: a.answers.map((g) => ({
        key: { text: wordings.get(g.id) ?? g.id },
        value: {
          text: `${answerWords(g.answer)}${g.usedByEdition ? "" : ` (not used by ${a.edition.title})`}`,
        },
      })),
      minutesHtml: toHtmlFragment(advice.document(reference ? { reference } : {})),
      minutesFormats: Object.entries(MINUTES_TYPES).map(([type, f]) => ({ type, ...f })),
      // Saving twice (a double click, a resubmitted form) adds the advice once (issue 14).
      idempotencyKey: randomUUID(),
      cite,
      answerWords,
    };
  };

  return { page, resultContext, env };
}

export function assessmentPages(service: Service, { form }: PageForms): express.Router {
  const { library } = service;
  const { page, resultContext, env } = questionnaireRenderer(service);

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

  router.post("/assessment", form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = readForm(library, body, service.editionInForce);
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
  router.post("/cases/save", form, async (req, res) => {
    const read = readForm(library, (req.body ?? {}) as Record<string, unknown>, service.editionInForce);
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
      const key = (req.body as Record<string, unknown>).idempotencyKey;
      await service.saveAdvice(
        actorOf(res),
        reference,
        read.body,
        typeof key === "string" && key ? { idempotencyKey: key, keyPointer: "/idempotencyKey" } : {},
      );
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      page(res, { ...read, errors: questionnaireErrors(e) }, undefined, 400);
      return;
    }
    res.redirect(303, `/cases/${encodeURIComponent(reference)}`);
  });

  // The minutes as a file, from the result page's buttons (a form post, so no JavaScript is
  // needed): Markdown, HTML for Word, plain text or .docx, the annex on request.
  router.post("/assessment/minutes", form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { advice, state } = await adviseOn(res, readForm(library, body, service.editionInForce));
    if (!advice) {
      page(res, state, undefined, 400);
      return;
    }
    const type =
      (Object.keys(MINUTES_TYPES) as MinutesType[]).find((t) => MINUTES_TYPES[t].extension === body.format) ??
      "text/markdown";
    const { extension } = MINUTES_TYPES[type];
    const reference = state.values.reference ?? "";
    const file = await advice.minutesAs(type, {
      annex: body.annex === "criteria",
      ...(reference ? { reference } : {}),
    });
    res.attachment(`scr-minutes-${advice.assessment.adviceId.slice(0, 8)}.${extension}`);
    res.type(extension === "docx" ? type : `${type}; charset=utf-8`).send(file);
  });

  // The live panel: the same assessment, rendered as the outcome box alone. Answers the form
  // itself refuses come back as the panel's words, never as raw JSON.
  router.post("/assessment/panel", form, async (req, res) => {
    const { advice, state } = await adviseOn(
      res,
      readForm(library, (req.body ?? {}) as Record<string, unknown>, service.editionInForce),
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
