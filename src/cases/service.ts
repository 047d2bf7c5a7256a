/**
 * A case's records: opening a case, recording the advice given for it and the chair's decision on
 * that advice, and reading them back (history, minutes, verification of the keyed chain, anchors,
 * export). Append-only: nothing here changes or deletes a record; a correction is a new record.
 *
 * Every record keeps who made it (`madeBy(actor)`), and every operation on an existing case is
 * logged in the case's access log (who, when, what, from which address; never a body), after it
 * succeeds. A read whose access cannot be logged fails: nothing is read unrecorded.
 *
 * Free text (reasons, the capacity in which a decision was made) is kept as text: line breaks
 * normalised to \n, control characters removed, lengths bounded. It is escaped wherever it is
 * rendered (minutes.ts `markdownText` for Markdown; the pages' templates and the minutes' HTML
 * renderer escape HTML).
 *
 * Issue 14: a decision is checked and shown before it is stored (previewDecision), its date neither
 * in the future nor before the referral; advice and decisions are recorded once per idempotency key
 * (the same key returns the first record again, `replayed`); a case is reassessed from its last
 * answers, beside its last advice; the case's minutes are one document in several formats.
 */
import { z } from "zod";
import type { Core } from "../core.js";
import { caseReference, fieldErrors, isoDate, named, type ContractRegistry } from "../contract/validation.js";
import { Conflict, InvalidInput, NotFound } from "../errors.js";
import { formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import type { Advice } from "../assessments/service.js";
import type { AssessmentRequest } from "../contract/validation.js";
import { unquotedDocuments } from "../rulesets/load.js";
import type { Edition, Timescale } from "../rulesets/types.js";
import { madeBy, type Actor } from "../service.js";
import { decisionDeadlines, departure, type AdviceGiven } from "./decisions.js";
import { toDocx } from "../assessments/docx.js";
import { toHtml, toHtmlFragment, toMarkdown, toText, type MinutesType } from "../assessments/minutes.js";
import { caseMinutesDocument } from "./case-minutes.js";
import { normaliseFreeText } from "./free-text.js";
import { caseGuards } from "./guards.js";
import type { CaseTimeline } from "./case-timeline.js";
import { decisionDateErrors, readIdempotencyKey, requestHash, todayInEngland } from "./decision-flow.js";
import { compareAdvice, formValuesOf, type AdviceSide, type RecordedRequest } from "./reassess.js";
import { markdownText } from "./views.js";
import { pageLimitSchema } from "./list.js";
import {
  CaseExistsError,
  CaseNotFoundError,
  IdempotencyKeyReusedError,
  MAX_PAGE_SIZE,
  PAGE_SIZE,
  type AccessEntry,
  type Anchor,
  type Page,
  type Problem,
  type RecordStore,
  type StoredRecord,
  type VerifyResult,
} from "./store.js";

/** A page of a case's history or log: `from` (1-based) and `limit` (default 50, at most 200). */
const pageSchema = z.strictObject({
  from: z.coerce
    .number({ error: "must be a whole number from 1" })
    .int({ error: "must be a whole number from 1" })
    .min(1, { error: "must be a whole number from 1" })
    .max(1_000_000_000, { error: "must be a whole number from 1" })
    .default(1),
  limit: pageLimitSchema(MAX_PAGE_SIZE, PAGE_SIZE),
});
export type PageRequest = z.input<typeof pageSchema>;

export function buildAnchorSchema(registry?: ContractRegistry) {
  return named(
    registry,
    "Anchor",
    z
      .strictObject(
        {
          reference: named(registry, "CaseReference", caseReference),
          recordCount: z
            .number({ error: "must be the number of records the anchor covers" })
            .int({ error: "must be a whole number" })
            .min(1, { error: "must be at least 1" })
            .max(1_000_000_000, { error: "must be at most 1000000000" }),
          headHash: z
            .string({ error: "must be the hash of the case's last record when the anchor was made" })
            .regex(/^(hmac-sha256|sha256):[0-9a-f]{64}$/, {
              error: "must be a record hash (hmac-sha256: or sha256: and 64 hex digits)",
            }),
          signature: z
            .string({ error: "must be the anchor's signature" })
            .regex(/^hmac-sha256:[0-9a-f]{64}$/, { error: "must be hmac-sha256: and 64 hex digits" }),
        },
        {
          error:
            "the request body must be an anchor kept from GET /v1/cases/{reference}/anchor: reference, recordCount, headHash and signature",
        },
      )
      .describe("A case's head as GET /v1/cases/{reference}/anchor signed it, kept by the board."),
  );
}

export function buildOpenCaseSchema(registry?: ContractRegistry) {
  return named(
    registry,
    "CaseRequest",
    z.strictObject(
      { reference: named(registry, "CaseReference", caseReference) },
      { error: "the request body must be a JSON object with a reference" },
    ),
  );
}

export function buildDecisionSchema(options: Core["decisions"], registry?: ContractRegistry) {
  const ids = options.options.map((o) => o.id) as [string, ...string[]];
  const recommendations = options.recommendations as [string, ...string[]];
  // Normalising only shortens text, so the bound on what is sent bounds what is kept.
  const text = (max: number, what: string, singleLine = false) =>
    z
      .string({ error: `must be ${what}` })
      .min(1, { error: `must not be empty` })
      .max(max, { error: `must be at most ${max} characters` })
      .transform((t) => normaliseFreeText(t, singleLine))
      .pipe(z.string().min(1, { error: `must not be empty` }));
  return named(
    registry,
    "DecisionRequest",
    z.strictObject(
      {
        adviceId: z
          .string({ error: "must be the adviceId of advice recorded for this case" })
          .describe("The adviceId of the advice the decision was made on, as recorded for this case."),
        decision: z
          .enum(ids, { error: `must be one of ${ids.join(", ")}` })
          .describe(
            "One of the options of the advice's edition (GET /v1/rulesets/{edition} names the edition; rules/editions/<edition>/decisions.yaml lists them).",
          ),
        decidedOn: isoDate,
        decidedBy: text(
          80,
          "the capacity in which the chair decided (for example, Independent Chair), never a name",
          true,
        )
          .describe(
            "Optional: the capacity in which the decision was made (for example, Independent Chair), never a name. Who recorded it is kept from the sign-in or the API key, not from this.",
          )
          .optional(),
        reasons: text(10_000, "the reasons for the decision").describe("Free text: do not name people."),
        corrects: z.string().describe("The recordId of the decision this one corrects.").optional(),
        // Every edition's recommendation ids (cspr-2018: the rapid review's); the edition's own
        // decisions.yaml says whether it is asked (editionDecision).
        recommendation: z
          .enum(recommendations, { error: `must be one of ${recommendations.join(", ")}` })
          .describe(
            "What the review before the decision recommended, where the advice's edition records it: under cspr-2018 the rapid review's. Required there; refused elsewhere.",
          )
          .optional(),
      },
      {
        error:
          "the request body must be a JSON object with adviceId, decision, decidedOn and reasons (and optionally decidedBy)",
      },
    ),
  );
}

/**
 * The recorded advice a decision names: the record whose id is the advice's id. Advice recorded
 * before the advice and its record shared one id is found by the id its minutes print.
 */
async function findAdvice(records: RecordStore, reference: string, id: string): Promise<StoredRecord | null> {
  const byRecord = await records.record(reference, id);
  if (byRecord) return byRecord.kind === "assessment" ? byRecord : null;
  const all = (await records.records(reference)) ?? [];
  return (
    all.find((r) => {
      const given = r.content.assessment as AdviceGiven | undefined;
      return r.kind === "assessment" && given?.decisionId === id;
    }) ?? null
  );
}

export interface CaseFile {
  reference: string;
  /** One page of the history (records `page.from` to `page.from + records.length - 1`). */
  records: StoredRecord[];
  page: { from: number; limit: number; total: number };
  verification: VerifyResult;
  /** The latest advice recorded for the case, whichever page it is on. */
  latestAdvice: StoredRecord | null;
  /** The case's decisions, whichever page they are on: the latest MAX_PAGE_SIZE, in order. */
  decisions: StoredRecord[];
  /** How many decisions the case holds in all. */
  decisionTotal: number;
}

/** A decision with the advice it was made on and the decision it corrects, if any. */
export interface CaseDecision {
  reference: string;
  record: StoredRecord;
  advice: StoredRecord | null;
  corrected: StoredRecord | null;
}

export interface AccessLog {
  reference: string;
  entries: AccessEntry[];
  page: { from: number; limit: number; total: number };
  valid: boolean;
  problems: Problem[];
}

/** How a record is made: an idempotency key, and where the request carried it (for errors). */
export interface RecordOptions {
  idempotencyKey?: string;
  /** "Idempotency-Key" (the API's header) or "/idempotencyKey" (a form's field). */
  keyPointer?: string;
}

/** A record as an operation made it, or (`replayed`) found it again by its idempotency key. */
export type Recorded = StoredRecord & { replayed: boolean };

/** What recording a decision would store, before it is stored. */
export interface DecisionPreview {
  reference: string;
  decision: Record<string, unknown> & { departsFromAdvice: boolean | null; departure: string };
  advice: StoredRecord;
  corrected: StoredRecord | null;
}

/** The dates a request carries, in words (as the questionnaire labels them). */
const DATE_WORDS = {
  becameAware: "Date the local authority became aware of the incident",
  referral: "Date of the referral to the sub-group",
  decision: "Date of the chair's decision",
  publication: "Date of publication",
} as const;

export function caseOperations(
  core: Core,
  store: RecordStore | undefined,
  advise: (input: AssessmentRequest) => Promise<Advice>,
  parseAssessment: (body: unknown) => AssessmentRequest,
  /** The case's timeline from its records (case-timeline.ts): its deadlines and their state. */
  timelineOf: (reference: string, records: readonly StoredRecord[]) => CaseTimeline,
  now: () => Date = () => new Date(),
) {
  const decisionSchema = buildDecisionSchema(core.decisions);
  const wordings = new Map(core.library.questions.map((q) => [q.id, q.wording]));
  const openCaseSchema = buildOpenCaseSchema();
  const anchorSchema = buildAnchorSchema();
  const { openStore, notFound, checkReference, logged } = caseGuards(store);

  const checkPage = (page: PageRequest | undefined) => {
    const parsed = pageSchema.safeParse(page ?? {});
    // Query parameters are named as they are written, not as JSON Pointers.
    if (!parsed.success)
      throw new InvalidInput(
        fieldErrors(parsed.error).map((f) => ({ ...f, pointer: f.pointer.replace(/^\//, "") })),
      );
    return parsed.data;
  };

  const openCase = async (actor: Actor, body: unknown): Promise<StoredRecord> => {
    const parsed = openCaseSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const reference = parsed.data.reference;
    try {
      return await logged(
        actor,
        reference,
        "open-case",
        await openStore().createCase(reference, madeBy(actor)),
      );
    } catch (e) {
      if (e instanceof CaseExistsError)
        throw new Conflict(`the case reference "${reference}" is already used`, [
          { pointer: "/reference", detail: "is already used" },
        ]);
      throw e;
    }
  };

  /** Assesses checked input and appends the advice to an open case (once per idempotency key). */
  const appendAdvice = async (
    actor: Actor,
    reference: string,
    input: AssessmentRequest,
    options: RecordOptions = {},
  ) => {
    const { assessment, minutes } = await advise(input);
    const dates = Object.fromEntries(
      Object.entries(input.dates).map(([k, v]) => [k, formatIsoDate(v as Date)]),
    );
    const given = { ...assessment, minutes };
    const request = { edition: input.edition, answers: input.answers, dates };
    try {
      // The record of the advice takes the advice's own id: the one id a decision refers to.
      const record = await appendRecord(
        actor,
        reference,
        "assessment",
        { request, assessment: given },
        request,
        options,
        assessment.adviceId,
      );
      // A replay answers with the advice first recorded, not the advice just worked out again.
      return await logged(actor, reference, "record-advice", {
        record,
        assessment: record.replayed ? (record.content.assessment as typeof given) : given,
      });
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  };

  const recordAdvice = async (
    actor: Actor,
    referenceIn: string,
    body: unknown,
    options: RecordOptions = {},
  ) => appendAdvice(actor, checkReference(referenceIn, "reference"), parseAssessment(body), options);

  /**
   * Saves advice to a case, opening the case first when it is new (the result page's "save to
   * case"). A case opened by someone else in between is no error: the advice joins it.
   */
  const saveAdvice = async (
    actor: Actor,
    referenceIn: string,
    body: unknown,
    options: RecordOptions = {},
  ) => {
    const reference = checkReference(referenceIn, "reference");
    const input = parseAssessment(body);
    try {
      await logged(actor, reference, "open-case", await openStore().createCase(reference, madeBy(actor)));
    } catch (e) {
      if (!(e instanceof CaseExistsError)) throw e;
    }
    return appendAdvice(actor, reference, input, options);
  };

  /** The case's last advice: its record, the request it answered and the advice as given. */
  const lastAdvice = async (reference: string) => {
    const records = openStore();
    if (!(await records.exists(reference))) throw notFound(reference);
    const record = await records.latest(reference, "assessment");
    if (!record)
      throw new InvalidInput([{ pointer: "reference", detail: "has no advice recorded yet to reassess" }]);
    return {
      record,
      request: record.content.request as RecordedRequest,
      advice: record.content.assessment as AdviceSide,
    };
  };

  /** The questionnaire's values for a reassessment: the case's last answers and dates. */
  const reassessFrom = async (actor: Actor, referenceIn: string) => {
    const reference = checkReference(referenceIn, "reference");
    const last = await lastAdvice(reference);
    return logged(actor, reference, "read-case", {
      reference,
      record: last.record,
      values: formValuesOf(last.request, reference),
    });
  };

  /**
   * New advice for a case on what is now known, beside its last advice: what changed in the
   * answers and in the advice. Nothing is stored; saving is recordAdvice's.
   */
  const reassess = async (actor: Actor, referenceIn: string, body: unknown) => {
    const reference = checkReference(referenceIn, "reference");
    const input = parseAssessment(body);
    const last = await lastAdvice(reference);
    const advice = await advise(input);
    const dates = Object.fromEntries(
      Object.entries(input.dates).map(([k, v]) => [k, formatIsoDate(v as Date)]),
    );
    const changes = compareAdvice(
      last,
      { request: { edition: input.edition, answers: input.answers, dates }, advice: advice.assessment },
      wordings,
      DATE_WORDS,
    );
    return logged(actor, reference, "read-case", { reference, previous: last.record, advice, changes });
  };

  /**
   * Everything a decision's record holds, checked, before anything is stored: the check-answers
   * page shows it (previewDecision), and recording stores exactly it (recordDecision). The date may
   * not be in the future nor before the referral the advice was given on (decision-flow.ts).
   * `decidedBy` is only the capacity the chair decided in, if given: who recorded the decision is
   * the actor, kept with the record.
   */
  const prepareDecision = async (referenceIn: string, body: unknown) => {
    const reference = checkReference(referenceIn, "reference");
    const parsed = decisionSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const d = parsed.data;
    const records = openStore();
    if (!(await records.exists(reference))) throw notFound(reference);
    const advice = await findAdvice(records, reference, d.adviceId);
    if (!advice)
      throw new InvalidInput([{ pointer: "/adviceId", detail: "is not advice recorded for this case" }]);
    let corrected: StoredRecord | null = null;
    if (d.corrects !== undefined) {
      corrected = await records.record(reference, d.corrects);
      if (!corrected || corrected.kind !== "decision")
        throw new InvalidInput([
          { pointer: "/corrects", detail: "is not a decision recorded for this case" },
        ]);
    }
    const referral = (advice.content.request as { dates?: { referral?: string } } | undefined)?.dates
      ?.referral;
    const dateErrors = decisionDateErrors(d.decidedOn, referral, todayInEngland(now()));
    if (dateErrors.length > 0) throw new InvalidInput(dateErrors);
    const given = (advice.content.assessment ?? {}) as AdviceGiven & {
      edition: { id: string };
      ruleset: { version: string; hash: string };
    };
    const { library } = core;
    const edition = library.editions.get(given.edition.id) ?? library.editions.get(library.defaultEdition)!;
    const { option, recommendation, caution } = editionDecision(edition, d);
    const { departs, text } = departure(
      given,
      option.review,
      edition,
      { outcome: option.outcome, caution, recommendation },
      unquotedDocuments(library.sources.values()),
    );
    const content = {
      adviceId: d.adviceId,
      decision: d.decision,
      decisionText: option.text,
      ...(recommendation ? { recommendation } : {}),
      decidedOn: d.decidedOn,
      ...(d.decidedBy ? { decidedBy: d.decidedBy } : {}),
      reasons: d.reasons,
      ...(d.corrects ? { corrects: d.corrects } : {}),
      advice: {
        adviceId: given.adviceId ?? given.decisionId,
        edition: given.edition,
        ruleset: given.ruleset,
        outcome: given.outcome,
        determined: given.determined,
        possibleOutcomes: given.possibleOutcomes,
      },
      departsFromAdvice: departs,
      departure: text,
      deadlines: deadlinesFrom(d.decidedOn, option.review, edition.timescales),
    };
    return { reference, content, advice, corrected, request: d };
  };

  /**
   * What recording the decision would store, shown to the chair first; nothing is stored. Reading
   * the case's advice to show it is an access, logged as a read.
   */
  const previewDecision = async (
    actor: Actor,
    referenceIn: string,
    body: unknown,
  ): Promise<DecisionPreview> => {
    const { reference, content, advice, corrected } = await prepareDecision(referenceIn, body);
    return logged(actor, reference, "read-case", { reference, decision: content, advice, corrected });
  };

  /**
   * Records the chair's decision. Who recorded it is the actor (the signed-in chair, or the API
   * key's name), kept with the record. With an idempotency key, the same key returns the first
   * record again (`replayed`) and adds nothing.
   */
  const recordDecision = async (
    actor: Actor,
    referenceIn: string,
    body: unknown,
    options: RecordOptions = {},
  ): Promise<Recorded> => {
    const { reference, content, request } = await prepareDecision(referenceIn, body);
    try {
      const record = await appendRecord(actor, reference, "decision", content, request, options);
      return await logged(actor, reference, "record-decision", record);
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  };

  /** Appends a record made by the actor, once per idempotency key when one is given. */
  const appendRecord = async (
    actor: Actor,
    reference: string,
    kind: "assessment" | "decision",
    content: Record<string, unknown>,
    request: unknown,
    options: RecordOptions,
    recordId?: string,
  ): Promise<Recorded> => {
    const records = openStore();
    const pointer = options.keyPointer ?? "Idempotency-Key";
    const key = readIdempotencyKey(options.idempotencyKey, pointer);
    if (typeof key === "object") throw new InvalidInput([key]);
    if (key === undefined)
      return {
        ...(await records.append(reference, kind, content, madeBy(actor), recordId)),
        replayed: false,
      };
    try {
      const { record, replayed } = await records.appendOnce(
        reference,
        kind,
        content,
        madeBy(actor),
        { key, requestHash: requestHash(request) },
        recordId,
      );
      return { ...record, replayed };
    } catch (e) {
      if (e instanceof IdempotencyKeyReusedError)
        throw new Conflict(
          "this idempotency key was used for a different request to this case: send a new key for a new request",
          [{ pointer, detail: "was used for a different request" }],
        );
      throw e;
    }
  };

  /**
   * The decision checked against the options of the advice's edition (its decisions.yaml): a
   * Welsh case takes a child practice review's options, a case since 2018 the partners', with the
   * rapid review's recommendation recorded beside it.
   */
  const editionDecision = (
    edition: Edition,
    d: { decision: string; recommendation?: string | undefined },
  ) => {
    const own = core.decisions.byEdition.get(edition.id)!;
    const option = own.options.find((o) => o.id === d.decision);
    if (!option)
      throw new InvalidInput([
        {
          pointer: "/decision",
          detail: `is not a decision one records under ${edition.title}: one of ${own.options.map((o) => o.id).join(", ")}`,
        },
      ]);
    const asked = own.recommendation;
    if (!asked && d.recommendation !== undefined)
      throw new InvalidInput([
        { pointer: "/recommendation", detail: `is not recorded under ${edition.title}: leave it out` },
      ]);
    let recommendation: { id: string; text: string; review?: boolean } | undefined;
    if (asked) {
      const found = asked.options.find((o) => o.id === d.recommendation);
      if (!found)
        throw new InvalidInput([
          {
            pointer: "/recommendation",
            detail: `must say ${asked.label.replace(/\?$/, "").replace(/^What/, "what")}: one of ${asked.options.map((o) => o.id).join(", ")}`,
          },
        ]);
      recommendation = {
        id: found.id,
        text: found.text,
        ...(found.review !== undefined ? { review: found.review } : {}),
      };
    }
    return { option, recommendation, caution: own.caution };
  };

  /** The deadlines a decision sets, a date the calendar cannot count from named as the decision's. */
  const deadlinesFrom = (decidedOn: string, review: boolean, timescales: Timescale[]) => {
    try {
      return decisionDeadlines(timescales, parseIsoDate(decidedOn)!, review, core.calendar);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      throw new InvalidInput(
        e.errors.map((f) => ({ pointer: "/decidedOn", detail: f.detail })),
        e.code,
      );
    }
  };

  const pageOf = async (reference: string, from: number, limit: number): Promise<Page<StoredRecord>> => {
    const page = await openStore().page(reference, from, limit);
    if (!page) throw notFound(reference);
    return page;
  };

  /**
   * The case page's content: one page of the history, the check of the whole chain, and the latest
   * advice. Bounded: a page holds at most MAX_PAGE_SIZE records whatever the case's length.
   */
  const caseFile = async (actor: Actor, referenceIn: string, page?: PageRequest): Promise<CaseFile> => {
    const reference = checkReference(referenceIn, "reference");
    const { from, limit } = checkPage(page);
    // One read serves the chain's check and what the page shows of the case.
    const view = await openStore().caseView(reference, from, limit);
    if (!view) throw notFound(reference);
    const { page: history, verification, latestAdvice, decisions } = view;
    return logged(actor, reference, "read-case", {
      reference,
      records: history.items,
      page: { from: history.from, limit: history.limit, total: history.total },
      verification,
      latestAdvice,
      decisions: decisions.items,
      decisionTotal: decisions.total,
    });
  };

  /**
   * One decision of a case (its confirmation, its correction): the record, the advice it was made
   * on, the decision it corrects and those that correct it. NotFound when the case has no such
   * decision.
   */
  const caseDecision = async (actor: Actor, referenceIn: string, recordId: string): Promise<CaseDecision> => {
    const reference = checkReference(referenceIn, "reference");
    const records = openStore();
    if (!(await records.exists(reference))) throw notFound(reference);
    const record = await records.record(reference, recordId);
    if (!record || record.kind !== "decision")
      throw new NotFound(`case "${reference}" has no decision "${recordId}"`, [
        { pointer: "recordId", detail: "is not a decision recorded for this case" },
      ]);
    const d = record.content as { adviceId?: string; assessmentId?: string; corrects?: string };
    const advice = await findAdvice(records, reference, String(d.adviceId ?? d.assessmentId));
    const corrected = d.corrects ? await records.record(reference, d.corrects) : null;
    return logged(actor, reference, "read-case", { reference, record, advice, corrected });
  };

  /** Checks the case's chain; given a kept anchor, also that the case still holds all it covered. */
  const verifyCase = async (
    actor: Actor,
    referenceIn: string,
    anchorBody?: unknown,
  ): Promise<VerifyResult> => {
    const reference = checkReference(referenceIn, "reference");
    let anchor: Anchor | undefined;
    if (anchorBody !== undefined) {
      const parsed = anchorSchema.safeParse(anchorBody);
      if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
      if (parsed.data.reference !== reference)
        throw new InvalidInput([{ pointer: "/reference", detail: "is not the case named in the path" }]);
      anchor = parsed.data;
    }
    const result = await openStore().verify(reference, anchor);
    if (!result) throw notFound(reference);
    // A case whose records are all gone has nothing left to log against; the finding is the answer.
    return (await openStore().exists(reference)) ? logged(actor, reference, "verify", result) : result;
  };

  /** A signed anchor of the case's head; refused (409) while the chain does not hold. */
  const caseAnchor = async (actor: Actor, referenceIn: string): Promise<Anchor> => {
    const reference = checkReference(referenceIn, "reference");
    const anchor = await openStore().anchor(reference);
    if (!anchor) throw notFound(reference);
    if ("broken" in anchor)
      throw new Conflict(`no anchor is signed over a chain that does not hold: ${anchor.broken.summary}`);
    return logged(actor, reference, "anchor", anchor);
  };

  /** One page of a case's records, in order. */
  const caseRecords = async (
    actor: Actor,
    referenceIn: string,
    page?: PageRequest,
  ): Promise<Page<StoredRecord>> => {
    const reference = checkReference(referenceIn, "reference");
    const { from, limit } = checkPage(page);
    return logged(actor, reference, "read-records", await pageOf(reference, from, limit));
  };

  /** Every record, for the archive (JSON Lines). */
  const exportCase = async (actor: Actor, referenceIn: string): Promise<StoredRecord[]> => {
    const reference = checkReference(referenceIn, "reference");
    const file = await openStore().caseFile(reference);
    if (!file) throw notFound(reference);
    return logged(actor, reference, "export", file.records);
  };

  /**
   * The case's minutes as blocks: the whole history (a document, like the export, is not paged).
   * Free text is escaped for Markdown; the other renderers escape or never interpret it.
   */
  const caseMinutesDoc = async (actor: Actor, referenceIn: string, type: MinutesType) => {
    const reference = checkReference(referenceIn, "reference");
    const file = await openStore().caseFile(reference);
    if (!file) throw notFound(reference);
    const free = type === "text/markdown" ? markdownText : (t: string) => t;
    const blocks = caseMinutesDocument(reference, file.records, file.verification, wordings, {
      free,
      timeline: timelineOf(reference, file.records),
    });
    return logged(actor, reference, "read-minutes", blocks);
  };

  /** The case's minutes in one of the minutes' formats (Markdown, HTML, plain text, .docx). */
  const caseMinutesAs = async (actor: Actor, reference: string, type: MinutesType): Promise<Buffer> => {
    const blocks = await caseMinutesDoc(actor, reference, type);
    if (type === "text/markdown") return Buffer.from(toMarkdown(blocks));
    if (type === "text/html") return Buffer.from(toHtml(blocks));
    if (type === "text/plain") return Buffer.from(toText(blocks));
    return toDocx(blocks);
  };

  /** The case's minutes as HTML to sit inside a page (the print view). */
  const caseMinutesHtml = async (actor: Actor, reference: string): Promise<string> =>
    toHtmlFragment(await caseMinutesDoc(actor, reference, "text/html"));

  /** Who read or wrote the case, newest first; a chair's to see. */
  const accessLog = async (actor: Actor, referenceIn: string, page?: PageRequest): Promise<AccessLog> => {
    const reference = checkReference(referenceIn, "reference");
    const { from, limit } = checkPage(page);
    const log = await openStore().accessLog(reference, from, limit);
    if (!log) throw notFound(reference);
    return logged(actor, reference, "read-access-log", {
      reference,
      entries: log.items,
      page: { from: log.from, limit: log.limit, total: log.total },
      valid: log.valid,
      problems: log.problems,
    });
  };

  return {
    openCase,
    recordAdvice,
    saveAdvice,
    recordDecision,
    previewDecision,
    caseDecision,
    reassessFrom,
    reassess,
    caseMinutesAs,
    caseMinutesHtml,
    caseFile,
    caseRecords,
    exportCase,
    verifyCase,
    caseAnchor,
    accessLog,
  };
}
