/**
 * The case pages: a case's history (a page of 50 records at a time, so a long case stays a small
 * page) with its decisions and their reasons, the chair's decision recorded with the GOV.UK
 * patterns (the decision, then check answers with any departure from the advice, then a
 * confirmation panel), a decision corrected beside the original, a reassessment from the case's last
 * answers showing what changed, the case's minutes as one document, and the case's access log for
 * a chair. They record through the same service operations as the API (recordDecision), so the
 * two cannot differ. Saving advice to a case starts on the result page (assessments/web.ts). Free
 * text reaches the page only through the templates, which escape it.
 *
 * Who is asking: `res.locals.actor` when sign-in has set it, otherwise anyone (loopback), with
 * the client's address for the case's access log.
 */
import express, { type Request, type Response } from "express";
import { Conflict, InvalidInput, NotFound } from "../errors.js";
import type { Service } from "../service.js";
import { actorOf } from "../middleware/actor.js";
import { formErrors, type FormError } from "../web/errors.js";
import { readDateParts, text, type FormBody } from "../web/form.js";
import type { PageForms } from "../web/pages.js";
import { createViews, defaultFooter } from "../web/views.js";
import { randomUUID } from "node:crypto";
import { MINUTES_TYPES, type MinutesType } from "../assessments/minutes.js";
import { restsOn } from "../assessments/words.js";
import { ladderFor, loadedLadder } from "../rulesets/outcomes.js";
import { questionnaireRenderer } from "../assessments/web.js";
import { readForm, questionnaireErrors } from "../assessments/form.js";
import { decisionErrors, hiddenDecision, readDecisionForm } from "./form.js";
import {
  adviceInWords,
  ANYONE_WORDS,
  caseFileRecordWords,
  longDate,
  madeByName,
  madeByWords,
  STATE_WORDS,
  timeWords,
} from "./views.js";
import type { StoredRecord } from "./store.js";
import type { Stage } from "./case-state.js";

const OPERATION_WORDS: Record<string, string> = {
  "open-case": "Opened the case",
  "record-advice": "Recorded advice",
  "record-decision": "Recorded a decision",
  "read-case": "Read the case page",
  "read-records": "Read the records (API)",
  "read-minutes": "Read or downloaded the minutes",
  export: "Exported the records",
  verify: "Verified the chain",
  anchor: "Took an anchor",
  "read-access-log": "Read this access log",
  "read-timeline": "Read the timeline",
  "read-calendar": "Read the calendar feed",
  "record-dates": "Recorded the case's dates",
  "mark-done": "Marked a milestone done",
  "close-case": "Closed the case",
};

const caseUrl = (reference: string) => `/cases/${encodeURIComponent(reference)}`;
const escapeHtml = (t: string) =>
  t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Who is recording, in words, for the check page ("you, Jo Chair"). */
function recorderWords(res: Response): string {
  const actor = actorOf(res);
  return actor.kind === "person" ? actor.name : actor.kind === "api-client" ? actor.name : ANYONE_WORDS;
}

/** The page number asked for (1 when absent or not a number). */
function pageNumber(req: Request): number {
  const n = Number(typeof req.query.page === "string" ? req.query.page : 1);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

/** Records per page of a case's history or access log. */
const PER_PAGE = 50;

/**
 * A reference that cannot be a case's (refused by its check) is, to a person following a link, a
 * case that does not exist: the page says so rather than showing a form error.
 */
async function asCaseNotFound<T>(
  f: () => Promise<T>,
  detail = "there is no such case, or it has no advice yet",
): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof InvalidInput && e.errors.some((x) => x.pointer === "reference"))
      throw new NotFound(detail);
    throw e;
  }
}

export function casePages(service: Service, { form }: PageForms): express.Router {
  const env = createViews();
  const router = express.Router();
  /** A reference that cannot be one is a page not found, as a case that does not exist is. */

  /** A record in a line; `decisions` are the case's, to name the record a correction corrects. */
  const describe = (r: StoredRecord, decisions: readonly StoredRecord[]): string => {
    if (r.kind === "case-opened") return "Case opened";
    const caseFile = caseFileRecordWords(r);
    if (caseFile) return caseFile.text;
    if (r.kind === "assessment") {
      const a = r.content.assessment as Parameters<typeof adviceInWords>[0] & { edition: { title: string } };
      return `Advice (${a.edition.title}): ${adviceInWords(a)}`;
    }
    if (r.kind === "sealed")
      return "Chain sealed with the records key (the records before it are unkeyed, legacy)";
    const d = r.content as {
      decisionText: string;
      decidedOn: string;
      /** The capacity the chair decided in, if given. */
      decidedBy?: string;
      departsFromAdvice: boolean | null;
      corrects?: string;
    };
    const capacity = d.decidedBy ? ` as ${d.decidedBy}` : "";
    const departs = d.departsFromAdvice === true ? "; departs from the advice" : "";
    const corrected = d.corrects ? decisions.find((x) => x.recordId === d.corrects) : undefined;
    return `Decision: ${d.decisionText}, ${d.decidedOn}${capacity}, recorded by ${madeByWords(r.madeBy)}${departs}${d.corrects ? ` (corrects record ${corrected?.seq ?? "?"})` : ""}`;
  };

  const page = async (
    req: Request,
    res: Response,
    reference: string,
    values: Record<string, string> = {},
    errors: FormError[] = [],
    status = 200,
  ) => {
    const n = pageNumber(req);
    // Correcting a decision: the form starts from it and names it; the advice is the one it was on.
    // A decision to correct that is not one of the case's shows the form as a new decision, with
    // the service's error beside it (recording it is refused by the service all the same).
    const correction = values.corrects
      ? await asCaseNotFound(() => service.caseDecision(actorOf(res), reference, values.corrects!)).catch(
          (e: unknown) => {
            if (e instanceof NotFound) return undefined;
            throw e;
          },
        )
      : undefined;
    const file = await asCaseNotFound(() =>
      service.caseFile(actorOf(res), reference, { from: (n - 1) * PER_PAGE + 1, limit: PER_PAGE }),
    );
    const { records, verification, decisions } = file;
    const correcting = correction?.record;
    const advice = correction ? correction.advice : file.latestAdvice;
    const adviceOutcome = advice
      ? (advice.content.assessment as Parameters<typeof adviceInWords>[0])
      : undefined;
    const correctedIds = new Set(decisions.map((x) => (x.content as { corrects?: string }).corrects));
    const pages = Math.max(1, Math.ceil(file.page.total / PER_PAGE));
    // The options are the advice's edition's: a Welsh case records a child practice review's.
    const editionId = adviceOutcome?.edition.id ?? service.library.defaultEdition;
    const choices = service.decisionsFor(editionId);
    const ladder = loadedLadder(editionId) ?? ladderFor(service.library.defaultEdition);
    const url = caseUrl(reference);
    res
      .status(status)
      .type("html")
      .send(
        env.render("case.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: defaultFooter(service.library),
          title: `Case ${reference}`,
          reference,
          verification,
          historyRows: records.map((r) => ({
            key: { text: `${r.seq}. ${timeWords(r.recordedAt)}` },
            value: { text: describe(r, decisions) },
          })),
          history: {
            total: file.page.total,
            first: records[0]?.seq ?? 0,
            last: records.at(-1)?.seq ?? 0,
            pagination:
              pages > 1
                ? {
                    ...(n > 1 ? { previous: { href: `${url}?page=${n - 1}` } } : {}),
                    ...(n < pages ? { next: { href: `${url}?page=${n + 1}` } } : {}),
                    items: Array.from({ length: pages }, (_, i) => i + 1)
                      .filter((p) => p === 1 || p === pages || Math.abs(p - n) <= 2)
                      .flatMap((p, i, all) => [
                        ...(i > 0 && p - all[i - 1]! > 1 ? [{ ellipsis: true }] : []),
                        { number: p, href: `${url}?page=${p}`, current: p === n },
                      ]),
                  }
                : undefined,
          },
          latestAdvice: advice && {
            id: advice.recordId,
            when: timeWords(advice.recordedAt),
            words: adviceInWords(adviceOutcome!),
          },
          decider: ladder.decider,
          decidersOwn: ladder.decidersOwn,
          recommendation: choices.recommendation && {
            label: choices.recommendation.label,
            hint: choices.recommendation.hint,
            items: choices.recommendation.options.map((o) => ({
              value: o.id,
              text: o.text,
              checked: values.recommendation === o.id,
            })),
          },
          correcting: correcting && {
            id: correcting.recordId,
            seq: correcting.seq,
            words: describe(correcting, decisions),
          },
          // Each decision with its reasons, who recorded it and whether a later one corrects it.
          decisions: decisions.map((r) => {
            const d = r.content as {
              reasons: string;
              departsFromAdvice: boolean | null;
              departure: string;
            };
            return {
              id: r.recordId,
              seq: r.seq,
              words: describe(r, decisions),
              recorder: madeByWords(r.madeBy),
              reasons: d.reasons,
              departs: d.departsFromAdvice === true,
              departure: d.departure,
              inForce: !correctedIds.has(r.recordId),
              correctedBy: decisions
                .filter((x) => (x.content as { corrects?: string }).corrects === r.recordId)
                .map((x) => x.seq),
              correctUrl: `${caseUrl(reference)}/decisions/${encodeURIComponent(r.recordId)}/correct`,
            };
          }),
          reassessUrl: `${caseUrl(reference)}/reassess`,
          caseMinutesUrl: `${caseUrl(reference)}/minutes`,
          minutesFormats: Object.values(MINUTES_TYPES).map((f) => ({
            ...f,
            href: `${caseUrl(reference)}/minutes.${f.extension}`,
          })),
          decisionItems: choices.options.map((o) => ({
            value: o.id,
            text: o.text,
            checked: values.decision === o.id,
          })),
          values,
          errors: errors.map((e) => ({ text: e.text, href: e.href })),
          fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
          decisionTotal: file.decisionTotal,
          accessLogUrl: `${url}/access-log`,
        }),
      );
  };

  router.get("/cases/:reference", async (req, res) => {
    await page(req, res, String(req.params.reference));
  });

  // Who read or wrote the case: a chair's page (anyone, on loopback without sign-in).
  router.get("/cases/:reference/access-log", async (req, res) => {
    const reference = String(req.params.reference);
    const n = pageNumber(req);
    const log = await asCaseNotFound(() =>
      service.accessLog(actorOf(res), reference, { from: (n - 1) * PER_PAGE + 1, limit: PER_PAGE }),
    );
    const pages = Math.max(1, Math.ceil(log.page.total / PER_PAGE));
    const url = `${caseUrl(reference)}/access-log`;
    res.type("html").send(
      env.render("case-access-log.njk", {
        cspNonce: res.locals.cspNonce,
        ruleset: defaultFooter(service.library),
        title: `Access log of case ${reference}`,
        reference,
        caseUrl: caseUrl(reference),
        valid: log.valid,
        problems: log.problems,
        total: log.page.total,
        rows: log.entries.map((e) => [
          { text: String(e.seq) },
          { text: timeWords(e.at) },
          { text: OPERATION_WORDS[e.operation] },
          { text: madeByWords(e.madeBy) },
          { text: e.address ?? "-" },
        ]),
        pagination:
          pages > 1
            ? {
                ...(n > 1 ? { previous: { href: `${url}?page=${n - 1}` } } : {}),
                ...(n < pages ? { next: { href: `${url}?page=${n + 1}` } } : {}),
              }
            : undefined,
      }),
    );
  });

  /** The decision form's values, checked by the form and by the service, or the case page again. */
  const checkedDecision = async (req: Request, res: Response, reference: string) => {
    const read = readDecisionForm((req.body ?? {}) as FormBody);
    if (!read.body) {
      await page(req, res, reference, read.values, read.errors, 400);
      return null;
    }
    return read as Required<Pick<typeof read, "body" | "values">> & typeof read;
  };

  /** The service's refusal of a decision, back on the case page with the answers kept. */
  const refused = async (
    e: unknown,
    req: Request,
    res: Response,
    reference: string,
    values: Record<string, string>,
  ) => {
    if (!(e instanceof InvalidInput)) throw e;
    await page(req, res, reference, values, decisionErrors(e), 400);
  };

  // Check answers (GOV.UK): the advice, the decision, and whether it departs from the advice, in
  // the guidance's words, before anything is stored.
  router.post("/cases/:reference/decisions/check", form, async (req, res) => {
    const reference = String(req.params.reference);
    const read = await checkedDecision(req, res, reference);
    if (!read) return;
    let preview;
    try {
      preview = await service.previewDecision(actorOf(res), reference, read.body);
    } catch (e) {
      return refused(e, req, res, reference, read.values);
    }
    const d = preview.decision as unknown as {
      decisionText: string;
      decidedOn: string;
      decidedBy?: string;
      reasons: string;
      recommendation?: { text: string };
    };
    const advised = preview.advice.content.assessment as Parameters<typeof adviceInWords>[0] & {
      edition: { title: string };
      ruleset: { version: string };
    };
    const row = (key: string, value: string, attrs: Record<string, string> = {}) => ({
      key: { text: key },
      value: { text: value, ...(Object.keys(attrs).length ? { attributes: attrs } : {}) },
    });
    res.type("html").send(
      env.render("decision-check.njk", {
        cspNonce: res.locals.cspNonce,
        ruleset: defaultFooter(service.library),
        title: `Check the decision: case ${reference}`,
        reference,
        caseUrl: caseUrl(reference),
        departure: { departs: preview.decision.departsFromAdvice, text: preview.decision.departure },
        adviceRows: [
          row("Advice", adviceInWords(advised)),
          row("Recorded", `${timeWords(preview.advice.recordedAt)} (record ${preview.advice.seq})`),
          row("Guidance", `${advised.edition.title}, rule set ${advised.ruleset.version}`),
        ],
        decisionRows: [
          ...(preview.corrected ? [row("Corrects", `record ${preview.corrected.seq}`)] : []),
          ...(d.recommendation ? [row("Recommendation", d.recommendation.text)] : []),
          row("Decision", d.decisionText),
          row("Date of the decision", longDate(d.decidedOn)),
          ...(d.decidedBy ? [row("Capacity", d.decidedBy)] : []),
          { key: { text: "Reasons" }, value: { text: d.reasons, classes: "app-reasons" } },
        ],
        hidden: hiddenDecision(read.values),
        idempotencyKey: randomUUID(),
        correcting: preview.corrected !== null,
        recorder: recorderWords(res),
        changeAction: `${caseUrl(reference)}/decisions/change`,
        recordAction: `${caseUrl(reference)}/decisions`,
      }),
    );
  });

  // "Change the decision": the case page's form again, with the answers as they were.
  router.post("/cases/:reference/decisions/change", form, async (req, res) => {
    const reference = String(req.params.reference);
    const read = readDecisionForm((req.body ?? {}) as FormBody);
    await page(req, res, reference, read.values);
  });

  // Record it: once per idempotency key (the check page's hidden field), so a double submission
  // shows the first record's confirmation and adds nothing.
  router.post("/cases/:reference/decisions", form, async (req, res) => {
    const reference = String(req.params.reference);
    const read = await checkedDecision(req, res, reference);
    if (!read) return;
    let record;
    try {
      record = await service.recordDecision(
        actorOf(res),
        reference,
        read.body,
        read.idempotencyKey ? { idempotencyKey: read.idempotencyKey, keyPointer: "/idempotencyKey" } : {},
      );
    } catch (e) {
      return refused(e, req, res, reference, read.values);
    }
    res.redirect(303, `${caseUrl(reference)}/decisions/${encodeURIComponent(record.recordId)}`);
  });

  // The confirmation panel, and what follows from the decision.
  router.get("/cases/:reference/decisions/:recordId", async (req, res) => {
    const reference = String(req.params.reference);
    const { record: r, corrected } = await asCaseNotFound(() =>
      service.caseDecision(actorOf(res), reference, String(req.params.recordId)),
    );
    const d = r.content as {
      decisionText: string;
      decidedOn: string;
      reasons: string;
      departsFromAdvice: boolean | null;
      departure: string;
      corrects?: string;
      deadlines: Array<{ text: string; due: string | null; rule: string }>;
    };
    const c = corrected?.content as { decisionText: string; decidedOn: string } | undefined;
    res.type("html").send(
      env.render("decision-recorded.njk", {
        cspNonce: res.locals.cspNonce,
        ruleset: defaultFooter(service.library),
        title: `Decision recorded: case ${reference}`,
        reference,
        seq: r.seq,
        decisionText: d.decisionText,
        decidedOnWords: longDate(d.decidedOn),
        recordedAt: timeWords(r.recordedAt),
        recorder: madeByWords(r.madeBy),
        reasons: d.reasons,
        departs: d.departsFromAdvice === true,
        departure: d.departure,
        correction: corrected && {
          seq: corrected.seq,
          decisionText: c!.decisionText,
          decidedOnWords: longDate(c!.decidedOn),
        },
        deadlineRows: d.deadlines.map((x) => ({
          key: { text: x.text },
          value: { text: x.due ? `By ${longDate(x.due)}` : x.rule },
        })),
        caseUrl: caseUrl(reference),
        minutesUrl: `${caseUrl(reference)}/minutes`,
      }),
    );
  });

  // Correct a decision: the decision form, starting from the decision and naming it.
  router.get("/cases/:reference/decisions/:recordId/correct", async (req, res) => {
    const reference = String(req.params.reference);
    const { record: r } = await asCaseNotFound(() =>
      service.caseDecision(actorOf(res), reference, String(req.params.recordId)),
    );
    const d = r.content as {
      adviceId: string;
      decision: string;
      decidedOn: string;
      decidedBy?: string;
      reasons: string;
      recommendation?: { id: string };
    };
    const [year, month, day] = d.decidedOn.split("-");
    await page(req, res, reference, {
      corrects: r.recordId,
      adviceId: d.adviceId,
      decision: d.decision,
      "decidedOn-day": String(Number(day)),
      "decidedOn-month": String(Number(month)),
      "decidedOn-year": year!,
      decidedBy: d.decidedBy ?? "",
      reasons: d.reasons,
      recommendation: d.recommendation?.id ?? "",
    });
  });

  // Reassess: the questionnaire, pre-filled with the case's last answers, posting to the comparison.
  const questionnaire = questionnaireRenderer(service);
  const reassessExtra = async (res: Response, reference: string) => {
    const from = await asCaseNotFound(() => service.reassessFrom(actorOf(res), reference));
    return {
      from,
      extra: {
        formAction: `${caseUrl(reference)}/reassess`,
        reassess: {
          reference,
          caseUrl: caseUrl(reference),
          seq: from.record.seq,
          when: timeWords(from.record.recordedAt),
        },
      },
    };
  };

  router.get("/cases/:reference/reassess", async (req, res) => {
    const reference = String(req.params.reference);
    const { from, extra } = await reassessExtra(res, reference);
    questionnaire.page(
      res,
      { edition: from.values.edition!, values: from.values, errors: [] },
      undefined,
      200,
      extra,
    );
  });

  router.post("/cases/:reference/reassess", form, async (req, res) => {
    const reference = String(req.params.reference);
    const { extra } = await reassessExtra(res, reference);
    const body = (req.body ?? {}) as FormBody;
    const read = readForm(service.library, { ...body, reference }, service.editionInForce);
    if (body.action === "change-edition" || body.action === "edit")
      return questionnaire.page(res, { ...read, errors: [] }, undefined, 200, extra);
    if (!read.body) return questionnaire.page(res, read, undefined, 400, extra);
    let result;
    try {
      result = await service.reassess(actorOf(res), reference, read.body);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      return questionnaire.page(res, { ...read, errors: questionnaireErrors(e) }, undefined, 400, extra);
    }
    const { changes, advice, previous } = result;
    const a = advice.assessment;
    const cells = (c: { what: string; before: string; now: string }) => [
      { text: c.what },
      { text: c.before },
      { text: c.now },
    ];
    res.type("html").send(
      env.render("reassess.njk", {
        cspNonce: res.locals.cspNonce,
        ruleset: defaultFooter(service.library),
        title: `What changed: case ${reference}`,
        reference,
        caseUrl: caseUrl(reference),
        previousSeq: previous.seq,
        previousWhen: timeWords(previous.recordedAt),
        outcome: a.outcome,
        // Coloured by what follows the outcome in its edition's ladder, as the result page is.
        outcomeClass: a.determined ? ladderFor(a.edition.id).follows[a.outcome] : "undetermined",
        nowWords: adviceInWords(a),
        restsOn: restsOn(a),
        changes,
        adviceRows: changes.advice.map((c) => [
          { text: c.what },
          { text: c.before },
          {
            html: c.changed
              ? `<strong class="govuk-tag govuk-tag--yellow">Changed</strong> ${escapeHtml(c.now)}`
              : escapeHtml(c.now),
          },
        ]),
        answerRows: changes.answers.map(cells),
        criteriaRows: changes.criteria.map(cells),
        hiddenValues: Object.fromEntries(
          Object.entries({ ...read.values, edition: read.edition }).filter(
            ([k, v]) => v !== "" && k !== "reference",
          ),
        ),
        idempotencyKey: randomUUID(),
        editAction: `${caseUrl(reference)}/reassess`,
      }),
    );
  });

  // The case's minutes as one document: a page to read and print, and each format to download.
  router.get("/cases/:reference/minutes", async (req, res) => {
    const reference = String(req.params.reference);
    const html = await asCaseNotFound(() => service.caseMinutesHtml(actorOf(res), reference));
    res.type("html").send(
      env.render("case-minutes.njk", {
        cspNonce: res.locals.cspNonce,
        ruleset: defaultFooter(service.library),
        title: `Minutes of case ${reference}`,
        reference,
        caseUrl: caseUrl(reference),
        minutesHtml: html,
        minutesFormats: Object.values(MINUTES_TYPES).map((f) => ({
          ...f,
          href: `${caseUrl(reference)}/minutes.${f.extension}`,
        })),
      }),
    );
  });

  router.get("/cases/:reference/minutes.:extension", async (req, res) => {
    const reference = String(req.params.reference);
    const type = (Object.keys(MINUTES_TYPES) as MinutesType[]).find(
      (t) => MINUTES_TYPES[t].extension === req.params.extension,
    );
    if (!type) throw new NotFound("there is no such format of the minutes");
    const file = await asCaseNotFound(() => service.caseMinutesAs(actorOf(res), reference, type));
    const { extension } = MINUTES_TYPES[type];
    res.attachment(`case-${reference.replace(/\//g, "-")}-minutes.${extension}`);
    res.type(extension === "docx" ? type : `${type}; charset=utf-8`).send(file);
  });

  return router;
}

const TAG_CLASSES: Record<keyof typeof STATE_WORDS, string> = {
  overdue: "govuk-tag--red",
  "due-soon": "govuk-tag--yellow",
  upcoming: "govuk-tag--blue",
  none: "govuk-tag--grey",
  done: "govuk-tag--green",
  "no-date": "govuk-tag--grey",
  "not-required": "govuk-tag--grey",
  scope: "govuk-tag--grey",
};
const TAGS: Record<string, { text: string; classes: string }> = Object.fromEntries(
  Object.entries(TAG_CLASSES).map(([state, classes]) => [
    state,
    { text: STATE_WORDS[state as keyof typeof STATE_WORDS], classes },
  ]),
);
/** The list's deadline filter, in list.ts DEADLINE_STATES's order (pages reach list.ts only through the service). */
const DEADLINE_STATES = ["overdue", "due-soon", "upcoming", "none"] as const;
const STAGE_WORDS: Record<Stage, string> = {
  referred: "Referred: awaits the sub-group",
  assessed: "Assessed: awaits the chair's decision",
  decided: "Decided",
  "review-under-way": "Review under way",
  completed: "Completed",
};
const SOURCE_WORDS: Record<string, string> = {
  recorded: "recorded for the case",
  advice: "from the advice's dates",
  decision: "from the chair's decision",
};

/**
 * The case file's pages (issue 14): the board's list of cases, a case's timeline with its dates,
 * "mark done", its calendar, and a chair closing the case. They record through the same service
 * operations as the API.
 */
export function caseFilePages(service: Service, { form }: PageForms): express.Router {
  const env = createViews();
  const router = express.Router();
  const timelineUrl = (reference: string) => `${caseUrl(reference)}/timeline`;

  router.get("/cases", async (req, res) => {
    const query: Record<string, string> = {};
    for (const k of ["stage", "deadline", "cursor"] as const) {
      const v = req.query[k];
      if (typeof v === "string" && v !== "") query[k] = v;
    }
    let list;
    let errors: FormError[] = [];
    try {
      list = await service.listCases(actorOf(res), query);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      errors = formErrors(e, (pointer) => ({ field: pointer, href: `#${pointer}`, label: `${pointer}:` }));
      list = await service.listCases(actorOf(res), {});
    }
    const nextQuery = new URLSearchParams({
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.deadline ? { deadline: query.deadline } : {}),
      ...(list.next ? { cursor: list.next } : {}),
    });
    const option = (value: string, text: string, selected?: string) => ({
      value,
      text,
      selected: value === (selected ?? ""),
    });
    res
      .status(errors.length ? 400 : 200)
      .type("html")
      .send(
        env.render("case-list.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: defaultFooter(service.library),
          title: "Cases",
          nav: "cases",
          errors,
          asOf: list.asOf,
          dueSoonWorkingDays: list.dueSoonWorkingDays,
          filtered: !!(query.stage || query.deadline),
          firstPage: !query.cursor,
          stageItems: [
            option("", "Any stage", query.stage),
            ...["referred", "assessed", "decided", "review-under-way", "completed"].map((s) =>
              option(s, STAGE_WORDS[s as Stage], query.stage),
            ),
          ],
          deadlineItems: [
            option("", "Any", query.deadline),
            ...DEADLINE_STATES.map((v) => option(v, STATE_WORDS[v], query.deadline)),
          ],
          items: list.items.map((i) => ({
            reference: i.reference,
            href: caseUrl(i.reference),
            timelineHref: timelineUrl(i.reference),
            edition: i.edition.title,
            stage: STAGE_WORDS[i.stage],
            closed: i.closed,
            next: i.nextDeadline,
            tag: TAGS[i.deadline]!,
          })),
          nextHref: list.next ? `/cases?${nextQuery.toString()}` : null,
        }),
      );
  });

  const timelinePage = async (
    res: Response,
    reference: string,
    values: Record<string, string> = {},
    errors: FormError[] = [],
    status = 200,
  ) => {
    const t = await asCaseNotFound(
      () => service.caseTimeline(actorOf(res), reference),
      "there is no such case",
    );
    const dateValues = Object.fromEntries(
      t.dates.flatMap((dt) => {
        const [year, month, day] = dt.date ? dt.date.split("-") : ["", "", ""];
        return [
          [`${dt.name}-day`, values[`${dt.name}-day`] ?? (day ? String(Number(day)) : "")],
          [`${dt.name}-month`, values[`${dt.name}-month`] ?? (month ? String(Number(month)) : "")],
          [`${dt.name}-year`, values[`${dt.name}-year`] ?? year ?? ""],
        ];
      }),
    );
    const row = (ms: (typeof t.milestones)[number]) => ({
      id: ms.id,
      text: ms.text,
      rule: ms.rule,
      due: ms.due,
      nature: ms.nature,
      appliesWhen: ms.appliesWhen,
      tag: TAGS[ms.state]!,
      done: ms.done
        ? { on: ms.done.on, by: madeByName(ms.done.madeBy), byDecision: ms.done.byDecision === true }
        : null,
      canMarkDone: !ms.done && !t.closed && ms.state !== "not-required" && ms.state !== "scope",
    });
    res
      .status(status)
      .type("html")
      .send(
        env.render("case-timeline.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: t.ruleset,
          title: `Timeline of case ${reference}`,
          nav: "cases",
          reference,
          t,
          stageWords: STAGE_WORDS[t.stage],
          next: t.nextDeadline && { ...t.nextDeadline, tag: TAGS[t.nextDeadline.state]! },
          dateRows: t.dates.map((dt) => ({
            key: { text: dt.label },
            value: { text: dt.date ? `${dt.date} (${SOURCE_WORDS[dt.source!]})` : "Not recorded" },
          })),
          dateValues,
          deadlines: t.milestones
            .filter((ms) => ms.nature === "requirement" || ms.nature === "advice")
            .map(row),
          examples: t.milestones
            .filter((ms) => ms.nature !== "requirement" && ms.nature !== "advice")
            .map(row),
          closed: t.closed && { ...t.closed, by: madeByName(t.closed.madeBy) },
          calendarHref: `/v1/cases/${encodeURIComponent(reference)}/timeline.ics`,
          caseHref: caseUrl(reference),
          values,
          errors: errors.map((e) => ({ text: e.text, href: e.href })),
          fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
        }),
      );
  };

  /** A form's refusal shown on the timeline page: the fields named, a conflict said plainly. */
  const refused = (e: unknown, reference: string, res: Response, values: Record<string, string>) => {
    if (e instanceof InvalidInput) {
      const mapped = formErrors(e, (pointer) => {
        const field = pointer.replace(/^\/(dates\/)?/, "");
        return { field, href: `#${field}${/^(dates\/)/.test(pointer.slice(1)) ? "-day" : ""}`, label: "" };
      });
      return timelinePage(
        res,
        reference,
        values,
        mapped.map((m) => ({ ...m, text: m.text.trim() })),
        400,
      );
    }
    if (e instanceof Conflict)
      return timelinePage(
        res,
        reference,
        values,
        [{ field: "", href: "#main-content", text: e.message }],
        409,
      );
    throw e;
  };

  router.get("/cases/:reference/timeline", async (req, res) => {
    await timelinePage(res, String(req.params.reference));
  });

  router.post("/cases/:reference/dates", form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const values: Record<string, string> = {};
    const errors: FormError[] = [];
    const current = await service.caseTimeline(actorOf(res), reference);
    const dates: Record<string, string | null> = {};
    for (const dt of current.dates) {
      const iso = readDateParts(body, dt.name, dt.label, values, errors);
      const blank = !values[`${dt.name}-day`] && !values[`${dt.name}-month`] && !values[`${dt.name}-year`];
      if (iso && iso !== dt.date) dates[dt.name] = iso;
      // Emptying a date the board recorded clears it (a new record says so); one read from the
      // advice or the decision cannot be cleared here.
      else if (blank && dt.date && dt.source === "recorded") dates[dt.name] = null;
    }
    for (const e of errors) e.href = `#${e.field}-day`;
    if (errors.length) return timelinePage(res, reference, values, errors, 400);
    if (Object.keys(dates).length === 0)
      return timelinePage(
        res,
        reference,
        values,
        [{ field: "becameAware", href: "#becameAware-day", text: "Change at least one date, or go back" }],
        400,
      );
    try {
      await service.recordCaseDates(actorOf(res), reference, { dates });
    } catch (e) {
      return refused(e, reference, res, values);
    }
    res.redirect(303, `${timelineUrl(reference)}#dates-heading`);
  });

  router.post("/cases/:reference/milestones/done", form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const milestone = text(body.milestone);
    try {
      await service.markMilestoneDone(actorOf(res), reference, { milestone });
    } catch (e) {
      return refused(e, reference, res, {});
    }
    res.redirect(303, `${timelineUrl(reference)}#milestone-${encodeURIComponent(milestone)}`);
  });

  router.post("/cases/:reference/close", form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const values = { reason: text(body.reason) };
    try {
      await service.closeCase(actorOf(res), reference, values.reason ? { reason: values.reason } : {});
    } catch (e) {
      return refused(e, reference, res, values);
    }
    res.redirect(303, `${timelineUrl(reference)}#closed-heading`);
  });

  return router;
}
