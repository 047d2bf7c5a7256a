/**
 * Decision records over HTTP: cases, the advice recorded for them, the chair's decisions, their
 * history as Markdown minutes, the hash chain's verification, and an export as JSON Lines.
 * Append-only: there is no route to change or delete a record; a correction is a new record.
 */
import express, { type RequestHandler, type Response } from "express";
import { z } from "zod";
import { ProblemError } from "../errors.js";
import { assess } from "../assessments/assess.js";
import { departure, decisionDeadlines, type AdviceGiven } from "./decisions.js";
import { CaseExistsError, CaseNotFoundError, type RecordStore, type StoredRecord } from "./store.js";
import { renderCaseMinutes } from "./minutes.js";
import { renderMinutes } from "../assessments/minutes.js";
import type { RuleLibrary } from "../rulesets/types.js";
import type { Service } from "../service.js";
import { formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import {
  buildAssessmentSchema,
  CASE_REFERENCE,
  fieldErrors,
  isoDate,
  parseAssessmentRequest,
} from "../contract/validation.js";

export function recordView(r: StoredRecord) {
  return {
    recordId: r.recordId,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: r.recordedAt,
    hash: r.hash,
    previousHash: r.previousHash,
    content: r.content,
  };
}

function checkReference(reference: string): string {
  if (!CASE_REFERENCE.test(reference)) {
    throw ProblemError.invalid([
      {
        pointer: "reference",
        detail:
          'must be the board\'s case reference: letters, digits, "-" and "/", at most 40 (never a name)',
      },
    ]);
  }
  return reference;
}

const notFound = (reference: string) =>
  new ProblemError(404, "not-found", `there is no case "${reference}"; POST /v1/cases opens one`);

/** Built once per rule library, not per request. */
const libraryCache = new WeakMap<
  RuleLibrary,
  { schema: ReturnType<typeof buildAssessmentSchema>; wordings: Map<string, string> }
>();
function perLibrary(library: RuleLibrary) {
  let entry = libraryCache.get(library);
  if (!entry) {
    entry = {
      schema: buildAssessmentSchema(library),
      wordings: new Map(library.questions.map((q) => [q.id, q.wording])),
    };
    libraryCache.set(library, entry);
  }
  return entry;
}

/** Shared by the API and the pages: record the advice for a case. */
export async function recordAssessment(
  service: Service,
  store: RecordStore,
  reference: string,
  body: unknown,
) {
  const { library, editions, calendar } = service;
  const { schema, wordings } = perLibrary(library);
  const input = parseAssessmentRequest(schema, body, library.defaultEdition);
  if (!(await store.exists(reference))) throw notFound(reference);
  const assessment = await assess(library, editions.get(input.edition)!, calendar, input);
  const minutes = renderMinutes(assessment, wordings);
  const dates = Object.fromEntries(
    Object.entries(input.dates).map(([k, v]) => [k, formatIsoDate(v as Date)]),
  );
  const record = await store.append(reference, "assessment", {
    request: { edition: input.edition, answers: input.answers, dates },
    assessment: { ...assessment, minutes },
  });
  return { record, assessment: { ...assessment, minutes } };
}

export function buildDecisionSchema(options: Service["decisions"]) {
  const ids = options.options.map((o) => o.id) as [string, ...string[]];
  const text = (max: number, what: string) =>
    z
      .string({ error: `must be ${what}` })
      .trim()
      .min(1, { error: `must not be empty` })
      .max(max, { error: `must be at most ${max} characters` });
  return z.strictObject(
    {
      assessmentId: z.string({ error: "must be the recordId of an assessment recorded for this case" }),
      decision: z.enum(ids, { error: `must be one of ${ids.join(", ")}` }),
      decidedOn: isoDate,
      decidedBy: text(
        80,
        "the role of the person who decided (for example, Independent Chair), never a name",
      ),
      reasons: text(10_000, "the reasons for the decision"),
      corrects: z.string().optional(),
    },
    {
      error:
        "the request body must be a JSON object with assessmentId, decision, decidedOn, decidedBy and reasons",
    },
  );
}

const decisionSchemas = new WeakMap<Service["decisions"], ReturnType<typeof buildDecisionSchema>>();

/** Shared by the API and the pages: record the chair's decision on recorded advice. */
export async function recordDecision(service: Service, store: RecordStore, reference: string, body: unknown) {
  let schema = decisionSchemas.get(service.decisions);
  if (!schema) decisionSchemas.set(service.decisions, (schema = buildDecisionSchema(service.decisions)));
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw ProblemError.invalid(fieldErrors(parsed.error));
  const d = parsed.data;
  if (!(await store.exists(reference))) throw notFound(reference);
  const advice = await store.record(reference, d.assessmentId);
  if (!advice || advice.kind !== "assessment") {
    throw ProblemError.invalid([
      { pointer: "/assessmentId", detail: "is not an assessment recorded for this case" },
    ]);
  }
  if (d.corrects !== undefined) {
    const corrected = await store.record(reference, d.corrects);
    if (!corrected || corrected.kind !== "decision") {
      throw ProblemError.invalid([
        { pointer: "/corrects", detail: "is not a decision recorded for this case" },
      ]);
    }
  }
  const given = (advice.content.assessment ?? {}) as AdviceGiven & {
    edition: { id: string };
    ruleset: { version: string; hash: string };
  };
  const option = service.decisions.options.find((o) => o.id === d.decision)!;
  const decidedOn = parseIsoDate(d.decidedOn)!;
  const edition =
    service.library.editions.get(given.edition.id) ??
    service.library.editions.get(service.library.defaultEdition)!;
  const { departs, text } = departure(given, option.review);
  const record = await store.append(reference, "decision", {
    assessmentId: d.assessmentId,
    decision: d.decision,
    decisionText: option.text,
    decidedOn: d.decidedOn,
    decidedBy: d.decidedBy,
    reasons: d.reasons,
    ...(d.corrects ? { corrects: d.corrects } : {}),
    advice: {
      decisionId: given.decisionId,
      edition: given.edition,
      ruleset: given.ruleset,
      outcome: given.outcome,
      determined: given.determined,
      possibleOutcomes: given.possibleOutcomes,
    },
    departsFromAdvice: departs,
    departure: text,
    deadlines: decisionDeadlines(edition.timescales, decidedOn, option.review, service.calendar),
  });
  return record;
}

export function casesRouter(
  service: Service,
  store: RecordStore | undefined,
  parseJson: RequestHandler,
  requireJson: RequestHandler,
): express.Router {
  const router = express.Router();
  const need = (): RecordStore => {
    if (!store)
      throw new ProblemError(503, "unavailable", "decision records are not configured on this instance");
    return store;
  };
  const created = (
    res: Response,
    reference: string,
    r: StoredRecord,
    extra: Record<string, unknown> = {},
  ) => {
    res
      .status(201)
      .location(`/v1/cases/${encodeURIComponent(reference)}`)
      .json({
        recordId: r.recordId,
        recordedAt: r.recordedAt,
        hash: r.hash,
        previousHash: r.previousHash,
        seq: r.seq,
        ...extra,
      });
  };

  router.post("/v1/cases", requireJson, parseJson, async (req, res) => {
    const parsed = z
      .strictObject(
        { reference: z.string({ error: "must be the board's case reference" }) },
        { error: "the request body must be a JSON object with a reference" },
      )
      .safeParse(req.body);
    if (!parsed.success) throw ProblemError.invalid(fieldErrors(parsed.error));
    const reference = parsed.data.reference;
    if (!CASE_REFERENCE.test(reference)) {
      throw ProblemError.invalid([
        {
          pointer: "/reference",
          detail:
            'must be the board\'s case reference: letters, digits, "-" and "/", at most 40 (never a name)',
        },
      ]);
    }
    try {
      const r = await need().createCase(reference);
      created(res, reference, r, { reference });
    } catch (e) {
      if (e instanceof CaseExistsError)
        throw new ProblemError(409, "conflict", `the case reference "${reference}" is already used`, [
          { pointer: "/reference", detail: "is already used" },
        ]);
      throw e;
    }
  });

  router.post("/v1/cases/:reference/assessments", requireJson, parseJson, async (req, res) => {
    const reference = checkReference(req.params.reference as string);
    const { record, assessment } = await recordAssessment(service, need(), reference, req.body);
    created(res, reference, record, { assessment });
  });

  router.post("/v1/cases/:reference/decisions", requireJson, parseJson, async (req, res) => {
    const reference = checkReference(req.params.reference as string);
    try {
      const record = await recordDecision(service, need(), reference, req.body);
      created(res, reference, record, { decision: record.content });
    } catch (e) {
      if (e instanceof CaseNotFoundError) throw notFound(reference);
      throw e;
    }
  });

  router.get("/v1/cases/:reference", async (req, res) => {
    const reference = checkReference(req.params.reference as string);
    const records = await need().records(reference);
    if (!records) throw notFound(reference);
    res.json({ reference, records: records.map(recordView) });
  });

  router.get("/v1/cases/:reference/minutes", async (req, res) => {
    const reference = checkReference(req.params.reference as string);
    const records = await need().records(reference);
    if (!records) throw notFound(reference);
    const verification = (await need().verify(reference))!;
    res.type("text/markdown; charset=utf-8").send(renderCaseMinutes(reference, records, verification));
  });

  router.get("/v1/cases/:reference/verify", async (req, res) => {
    const reference = checkReference(req.params.reference as string);
    const result = await need().verify(reference);
    if (!result) throw notFound(reference);
    res.json(result);
  });

  router.get("/v1/cases/:reference/export", async (req, res) => {
    const reference = checkReference(req.params.reference as string);
    const records = await need().records(reference);
    if (!records) throw notFound(reference);
    res
      .type("application/x-ndjson; charset=utf-8")
      .setHeader("Content-Disposition", `attachment; filename="case-${reference.replace(/\//g, "-")}.jsonl"`);
    res.send(records.map((r) => JSON.stringify(recordView(r))).join("\n") + "\n");
  });

  return router;
}
