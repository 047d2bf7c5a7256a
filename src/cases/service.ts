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
 * rendered (minutes.ts for Markdown; the pages' templates escape HTML).
 */
import { z } from "zod";
import type { Core } from "../core.js";
import { caseReference, fieldErrors, isoDate, named, type ContractRegistry } from "../contract/validation.js";
import { Conflict, InvalidInput, NotFound, Unavailable } from "../errors.js";
import { formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import type { Advice } from "../assessments/service.js";
import type { AssessmentRequest } from "../contract/validation.js";
import type { Timescale } from "../rulesets/types.js";
import { madeBy, type Actor } from "../service.js";
import { decisionDeadlines, departure, type AdviceGiven } from "./decisions.js";
import { renderCaseMinutes } from "./minutes.js";
import {
  CaseExistsError,
  CaseNotFoundError,
  MAX_PAGE_SIZE,
  PAGE_SIZE,
  type AccessEntry,
  type AccessOperation,
  type Anchor,
  type Page,
  type Problem,
  type RecordStore,
  type StoredRecord,
  type VerifyResult,
} from "./store.js";

const INVISIBLE = new RegExp(
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069]",
  "g",
);

/**
 * Free text as it is kept: CR and CRLF line breaks become \n, other control characters go (a tab
 * becomes a space), and runs of blank lines shrink to one. A single-line field keeps one line.
 */
export function normaliseFreeText(text: string, singleLine = false): string {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    // Control characters, and the invisible ones that reorder or hide text (bidi overrides).
    .replace(INVISIBLE, "");
  const out = singleLine ? lines.replace(/\n+/g, " ") : lines.replace(/\n{3,}/g, "\n\n");
  return out.trim();
}

/** A page of a case's history or log: `from` (1-based) and `limit` (default 50, at most 200). */
export const pageSchema = z.strictObject({
  from: z.coerce
    .number({ error: "must be a whole number from 1" })
    .int({ error: "must be a whole number from 1" })
    .min(1, { error: "must be a whole number from 1" })
    .max(1_000_000_000, { error: "must be a whole number from 1" })
    .default(1),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .int({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .max(MAX_PAGE_SIZE, { error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .default(PAGE_SIZE),
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
        decision: z.enum(ids, { error: `must be one of ${ids.join(", ")}` }),
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
}

export interface AccessLog {
  reference: string;
  entries: AccessEntry[];
  page: { from: number; limit: number; total: number };
  valid: boolean;
  problems: Problem[];
}

export function caseOperations(
  core: Core,
  store: RecordStore | undefined,
  advise: (input: AssessmentRequest) => Promise<Advice>,
  parseAssessment: (body: unknown) => AssessmentRequest,
) {
  const decisionSchema = buildDecisionSchema(core.decisions);
  const openCaseSchema = buildOpenCaseSchema();
  const anchorSchema = buildAnchorSchema();
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

  const checkPage = (page: PageRequest | undefined) => {
    const parsed = pageSchema.safeParse(page ?? {});
    // Query parameters are named as they are written, not as JSON Pointers.
    if (!parsed.success)
      throw new InvalidInput(
        fieldErrors(parsed.error).map((f) => ({ ...f, pointer: f.pointer.replace(/^\//, "") })),
      );
    return parsed.data;
  };

  /** Logs an access to a case once the operation has succeeded; the operation fails if it cannot. */
  const logged = async <T>(
    actor: Actor,
    reference: string,
    operation: AccessOperation,
    result: T,
  ): Promise<T> => {
    await openStore().logAccess(reference, operation, madeBy(actor), actor.address);
    return result;
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

  /** Assesses checked input and appends the advice to an open case. */
  const appendAdvice = async (actor: Actor, reference: string, input: AssessmentRequest) => {
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
        madeBy(actor),
        assessment.adviceId,
      );
      return await logged(actor, reference, "record-advice", { record, assessment: given });
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  };

  const recordAdvice = async (actor: Actor, referenceIn: string, body: unknown) =>
    appendAdvice(actor, checkReference(referenceIn, "reference"), parseAssessment(body));

  /**
   * Saves advice to a case, opening the case first when it is new (the result page's "save to
   * case"). A case opened by someone else in between is no error: the advice joins it.
   */
  const saveAdvice = async (actor: Actor, referenceIn: string, body: unknown) => {
    const reference = checkReference(referenceIn, "reference");
    const input = parseAssessment(body);
    try {
      await logged(actor, reference, "open-case", await openStore().createCase(reference, madeBy(actor)));
    } catch (e) {
      if (!(e instanceof CaseExistsError)) throw e;
    }
    return appendAdvice(actor, reference, input);
  };

  /**
   * Records the chair's decision. Who recorded it is the actor (the signed-in chair, or the API
   * key's name), kept with the record; `decidedBy` is only the capacity they decided in, if given.
   */
  const recordDecision = async (actor: Actor, referenceIn: string, body: unknown): Promise<StoredRecord> => {
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
      const record = await records.append(
        reference,
        "decision",
        {
          adviceId: d.adviceId,
          decision: d.decision,
          decisionText: option.text,
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
        },
        madeBy(actor),
      );
      return await logged(actor, reference, "record-decision", record);
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
    const records = openStore();
    const history = await pageOf(reference, from, limit);
    const verification = (await records.verify(reference))!;
    const latestAdvice = await records.latest(reference, "assessment");
    return logged(actor, reference, "read-case", {
      reference,
      records: history.items,
      page: { from: history.from, limit: history.limit, total: history.total },
      verification,
      latestAdvice,
    });
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

  const caseMinutes = async (actor: Actor, referenceIn: string): Promise<string> => {
    const reference = checkReference(referenceIn, "reference");
    const file = await openStore().caseFile(reference);
    if (!file) throw notFound(reference);
    return logged(
      actor,
      reference,
      "read-minutes",
      renderCaseMinutes(reference, file.records, file.verification),
    );
  };

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
    caseFile,
    caseRecords,
    caseMinutes,
    exportCase,
    verifyCase,
    caseAnchor,
    accessLog,
  };
}
