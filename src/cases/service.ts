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
import { renderCaseMinutes } from "./minutes.js";
import {
  CaseExistsError,
  CaseNotFoundError,
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

export function caseOperations(
  core: Core,
  store: RecordStore | undefined,
  advise: (input: AssessmentRequest) => Promise<Advice>,
  parseAssessment: (body: unknown) => AssessmentRequest,
) {
  const decisionSchema = buildDecisionSchema(core.decisions);
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

  /** Assesses checked input and appends the advice to an open case. */
  const appendAdvice = async (reference: string, input: AssessmentRequest) => {
    const { assessment, minutes } = await advise(input);
    const dates = Object.fromEntries(
      Object.entries(input.dates).map(([k, v]) => [k, formatIsoDate(v as Date)]),
    );
    const given = { ...assessment, minutes };
    try {
      // The record of the advice takes the advice's own id: the one id a decision refers to.
      const record = await openStore().append(
        reference,
        "assessment",
        { request: { edition: input.edition, answers: input.answers, dates }, assessment: given },
        assessment.adviceId,
      );
      return { record, assessment: given };
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  };

  const recordAdvice = async (_actor: Actor, referenceIn: string, body: unknown) =>
    appendAdvice(checkReference(referenceIn, "reference"), parseAssessment(body));

  /**
   * Saves advice to a case, opening the case first when it is new (the result page's "save to
   * case"). A case opened by someone else in between is no error: the advice joins it.
   */
  const saveAdvice = async (_actor: Actor, referenceIn: string, body: unknown) => {
    const reference = checkReference(referenceIn, "reference");
    const input = parseAssessment(body);
    try {
      await openStore().createCase(reference);
    } catch (e) {
      if (!(e instanceof CaseExistsError)) throw e;
    }
    return appendAdvice(reference, input);
  };

  const recordDecision = async (_actor: Actor, referenceIn: string, body: unknown): Promise<StoredRecord> => {
    const reference = checkReference(referenceIn, "reference");
    const parsed = decisionSchema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
    const d = parsed.data;
    const records = openStore();
    if (!(await records.exists(reference))) throw notFound(reference);
    const advice = await findAdvice(records, reference, d.adviceId);
    if (!advice)
      throw new InvalidInput([{ pointer: "/adviceId", detail: "is not advice recorded for this case" }]);
    if (d.corrects !== undefined) {
      const corrected = await records.record(reference, d.corrects);
      if (!corrected || corrected.kind !== "decision")
        throw new InvalidInput([
          { pointer: "/corrects", detail: "is not a decision recorded for this case" },
        ]);
    }
    const given = (advice.content.assessment ?? {}) as AdviceGiven & {
      edition: { id: string };
      ruleset: { version: string; hash: string };
    };
    const option = core.decisions.options.find((o) => o.id === d.decision)!;
    const { library } = core;
    const edition = library.editions.get(given.edition.id) ?? library.editions.get(library.defaultEdition)!;
    const { departs, text } = departure(given, option.review, edition);
    try {
      return await records.append(reference, "decision", {
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
      });
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
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

  const caseMinutes = async (actor: Actor, reference: string): Promise<string> => {
    const file = await caseFile(actor, reference);
    return renderCaseMinutes(file.reference, file.records, file.verification);
  };

  return {
    openCase,
    recordAdvice,
    saveAdvice,
    recordDecision,
    caseFile,
    caseRecords,
    caseMinutes,
    verifyCase,
  };
}
