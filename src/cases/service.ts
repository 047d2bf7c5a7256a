/**
 * A case's records: opening a case, recording the advice given for it and the chair's decision on
 * that advice, and reading them back (history, minutes, verification of the hash chain, export).
 * Append-only: nothing here changes or deletes a record; a correction is a new record.
 */
import { z } from "zod";
import type { Core } from "../core.js";
import { caseReference, fieldErrors, isoDate, named, type ContractRegistry } from "../contract/validation.js";
import { Conflict, InvalidInput, NotFound, Unavailable } from "../errors.js";
import { formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import type { Advice } from "../assessments/service.js";
import type { AssessmentRequest } from "../contract/validation.js";
import type { Timescale } from "../rulesets/types.js";
import type { Actor } from "../service.js";
import { decisionDeadlines, departure, type AdviceGiven } from "./decisions.js";
import { toDocx } from "../assessments/docx.js";
import { toHtml, toHtmlFragment, toMarkdown, toText, type MinutesType } from "../assessments/minutes.js";
import { caseMinutesDocument, markdownFree } from "./case-minutes.js";
import { decisionDateErrors, readIdempotencyKey, requestHash, todayInEngland } from "./decision-flow.js";
import { compareAdvice, formValuesOf, type AdviceSide, type RecordedRequest } from "./reassess.js";
import {
  CaseExistsError,
  CaseNotFoundError,
  IdempotencyKeyReusedError,
  type RecordStore,
  type StoredRecord,
  type VerifyResult,
} from "./store.js";

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
  const text = (max: number, what: string) =>
    z
      .string({ error: `must be ${what}` })
      .trim()
      .min(1, { error: `must not be empty` })
      .max(max, { error: `must be at most ${max} characters` });
  return named(
    registry,
    "DecisionRequest",
    z.strictObject(
      {
        adviceId: z
          .string({ error: "must be the adviceId of advice recorded for this case" })
          .describe("The adviceId of the advice the decision was made on, as recorded for this case."),
        decision: z.enum(ids, { error: `must be one of ${ids.join(", ")}` }),
        decidedOn: isoDate,
        decidedBy: text(
          80,
          "the role of the person who decided (for example, Independent Chair), never a name",
        ).describe("A role (for example, Independent Chair), never a name."),
        reasons: text(10_000, "the reasons for the decision").describe("Free text: do not name people."),
        corrects: z.string().describe("The recordId of the decision this one corrects.").optional(),
      },
      {
        error:
          "the request body must be a JSON object with adviceId, decision, decidedOn, decidedBy and reasons",
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
  records: StoredRecord[];
  verification: VerifyResult;
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
  now: () => Date = () => new Date(),
) {
  const decisionSchema = buildDecisionSchema(core.decisions);
  const wordings = new Map(core.library.questions.map((q) => [q.id, q.wording]));
  const openCaseSchema = buildOpenCaseSchema();
  const openStore = (): RecordStore => {
    if (!store) throw new Unavailable("decision records are not configured on this instance");
    return store;
  };
  const notFound = (reference: string) =>
    new NotFound(`there is no case "${reference}"; POST /v1/cases opens one`, [
      { pointer: "reference", detail: "is not a case of this board" },
    ]);

  /** A reference as the board writes it; `pointer` names where it came from (body or path). */
  const checkReference = (reference: unknown, pointer: string): string => {
    const checked = caseReference.safeParse(reference);
    if (!checked.success) throw new InvalidInput([{ pointer, detail: checked.error.issues[0]!.message }]);
    return checked.data;
  };

  const openCase = async (_actor: Actor, body: unknown): Promise<StoredRecord> => {
    const parsed = openCaseSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const reference = parsed.data.reference;
    try {
      return await openStore().createCase(reference);
    } catch (e) {
      if (e instanceof CaseExistsError)
        throw new Conflict(`the case reference "${reference}" is already used`, [
          { pointer: "/reference", detail: "is already used" },
        ]);
      throw e;
    }
  };

  /** Assesses checked input and appends the advice to an open case (once per idempotency key). */
  const appendAdvice = async (reference: string, input: AssessmentRequest, options: RecordOptions = {}) => {
    const { assessment, minutes } = await advise(input);
    const dates = Object.fromEntries(
      Object.entries(input.dates).map(([k, v]) => [k, formatIsoDate(v as Date)]),
    );
    const given = { ...assessment, minutes };
    const request = { edition: input.edition, answers: input.answers, dates };
    try {
      // The record of the advice takes the advice's own id: the one id a decision refers to.
      const record = await appendRecord(
        reference,
        "assessment",
        { request, assessment: given },
        request,
        options,
        assessment.adviceId,
      );
      // A replay answers with the advice first recorded, not the advice just worked out again.
      return {
        record,
        assessment: record.replayed ? (record.content.assessment as typeof given) : given,
      };
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  };

  const recordAdvice = async (
    _actor: Actor,
    referenceIn: string,
    body: unknown,
    options: RecordOptions = {},
  ) => appendAdvice(checkReference(referenceIn, "reference"), parseAssessment(body), options);

  /**
   * Saves advice to a case, opening the case first when it is new (the result page's "save to
   * case"). A case opened by someone else in between is no error: the advice joins it.
   */
  const saveAdvice = async (
    _actor: Actor,
    referenceIn: string,
    body: unknown,
    options: RecordOptions = {},
  ) => {
    const reference = checkReference(referenceIn, "reference");
    const input = parseAssessment(body);
    try {
      await openStore().createCase(reference);
    } catch (e) {
      if (!(e instanceof CaseExistsError)) throw e;
    }
    return appendAdvice(reference, input, options);
  };

  /** The case's last advice: its record, the request it answered and the advice as given. */
  const lastAdvice = async (reference: string) => {
    const records = await openStore().records(reference);
    if (!records) throw notFound(reference);
    const record = [...records].reverse().find((r) => r.kind === "assessment");
    if (!record)
      throw new InvalidInput([{ pointer: "reference", detail: "has no advice recorded yet to reassess" }]);
    return {
      record,
      request: record.content.request as RecordedRequest,
      advice: record.content.assessment as AdviceSide,
    };
  };

  /** The questionnaire's values for a reassessment: the case's last answers and dates. */
  const reassessFrom = async (_actor: Actor, referenceIn: string) => {
    const reference = checkReference(referenceIn, "reference");
    const last = await lastAdvice(reference);
    return { reference, record: last.record, values: formValuesOf(last.request, reference) };
  };

  /**
   * New advice for a case on what is now known, beside its last advice: what changed in the
   * answers and in the advice. Nothing is stored; saving is recordAdvice's.
   */
  const reassess = async (_actor: Actor, referenceIn: string, body: unknown) => {
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
    return { reference, previous: last.record, advice, changes };
  };

  /**
   * Everything a decision's record holds, checked, before anything is stored: the check-answers
   * page shows it (previewDecision), and recording stores exactly it (recordDecision). The date may
   * not be in the future nor before the referral the advice was given on (decision-flow.ts).
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
    const option = core.decisions.options.find((o) => o.id === d.decision)!;
    const { library } = core;
    const edition = library.editions.get(given.edition.id) ?? library.editions.get(library.defaultEdition)!;
    const { departs, text } = departure(given, option.review);
    const content = {
      adviceId: d.adviceId,
      decision: d.decision,
      decisionText: option.text,
      decidedOn: d.decidedOn,
      decidedBy: d.decidedBy,
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

  /** What recording the decision would store, shown to the chair first; nothing is stored. */
  const previewDecision = async (
    _actor: Actor,
    referenceIn: string,
    body: unknown,
  ): Promise<DecisionPreview> => {
    const { reference, content, advice, corrected } = await prepareDecision(referenceIn, body);
    return { reference, decision: content, advice, corrected };
  };

  /**
   * Records the chair's decision. With an idempotency key, the same key returns the first record
   * again (`replayed`) and adds nothing.
   */
  const recordDecision = async (
    _actor: Actor,
    referenceIn: string,
    body: unknown,
    options: RecordOptions = {},
  ): Promise<Recorded> => {
    const { reference, content, request } = await prepareDecision(referenceIn, body);
    try {
      return await appendRecord(reference, "decision", content, request, options);
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  };

  /** Appends a record, once per idempotency key when one is given. */
  const appendRecord = async (
    reference: string,
    kind: "assessment" | "decision",
    content: Record<string, unknown>,
    request: unknown,
    options: RecordOptions,
    recordId?: string,
  ): Promise<Recorded> => {
    const records = openStore();
    const key = readIdempotencyKey(options.idempotencyKey, options.keyPointer ?? "Idempotency-Key");
    if (typeof key === "object") throw new InvalidInput([key]);
    if (key === undefined)
      return { ...(await records.append(reference, kind, content, recordId)), replayed: false };
    try {
      const { record, replayed } = await records.appendOnce(
        reference,
        kind,
        content,
        { key, requestHash: requestHash(request) },
        recordId,
      );
      return { ...record, replayed };
    } catch (e) {
      if (e instanceof IdempotencyKeyReusedError)
        throw new Conflict(
          "this idempotency key was used for a different request to this case: send a new key for a new request",
          [{ pointer: options.keyPointer ?? "Idempotency-Key", detail: "was used for a different request" }],
        );
      throw e;
    }
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

  /** A case's records and the check of their chain. */
  const caseFile = async (_actor: Actor, referenceIn: string): Promise<CaseFile> => {
    const reference = checkReference(referenceIn, "reference");
    const file = await openStore().caseFile(reference);
    if (!file) throw notFound(reference);
    return { reference, ...file };
  };

  const verifyCase = async (_actor: Actor, referenceIn: string): Promise<VerifyResult> => {
    const reference = checkReference(referenceIn, "reference");
    const result = await openStore().verify(reference);
    if (!result) throw notFound(reference);
    return result;
  };

  const caseRecords = async (_actor: Actor, referenceIn: string): Promise<StoredRecord[]> => {
    const reference = checkReference(referenceIn, "reference");
    const records = await openStore().records(reference);
    if (!records) throw notFound(reference);
    return records;
  };

  const caseMinutesDoc = async (actor: Actor, reference: string, type: MinutesType) => {
    const file = await caseFile(actor, reference);
    const free = type === "text/markdown" ? markdownFree : (t: string) => t;
    return {
      reference: file.reference,
      blocks: caseMinutesDocument(file.reference, file.records, file.verification, wordings, {
        free,
        today: todayInEngland(now()),
      }),
    };
  };

  /** The case's minutes as one document, in Markdown. */
  const caseMinutes = async (actor: Actor, reference: string): Promise<string> =>
    toMarkdown((await caseMinutesDoc(actor, reference, "text/markdown")).blocks);

  /** The case's minutes in one of the minutes' formats (Markdown, HTML, plain text, .docx). */
  const caseMinutesAs = async (actor: Actor, reference: string, type: MinutesType): Promise<Buffer> => {
    const { blocks } = await caseMinutesDoc(actor, reference, type);
    if (type === "text/markdown") return Buffer.from(toMarkdown(blocks));
    if (type === "text/html") return Buffer.from(toHtml(blocks));
    if (type === "text/plain") return Buffer.from(toText(blocks));
    return toDocx(blocks);
  };

  /** The case's minutes as HTML to sit inside a page (the print view). */
  const caseMinutesHtml = async (actor: Actor, reference: string): Promise<string> =>
    toHtmlFragment((await caseMinutesDoc(actor, reference, "text/html")).blocks);

  return {
    openCase,
    recordAdvice,
    saveAdvice,
    recordDecision,
    previewDecision,
    reassessFrom,
    reassess,
    caseMinutesAs,
    caseMinutesHtml,
    caseFile,
    caseRecords,
    caseMinutes,
    verifyCase,
  };
}
