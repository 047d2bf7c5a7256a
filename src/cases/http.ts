/**
 * Decision records over HTTP: cases, the advice recorded for them, the chair's decisions, their
 * history (paginated) and Markdown minutes, the keyed chain's verification (against a kept anchor,
 * too), anchors, the access log, and an export as JSON Lines. Append-only: there is no route to
 * change or delete a record; a correction is a new record.
 */
import express, { type Request, type Response } from "express";
import { MINUTES_TYPES, type MinutesType } from "../assessments/minutes.js";
import { negotiate } from "../http/problem.js";
import type { JsonBody } from "../http/api.js";
import { actorOf } from "../middleware/actor.js";
import type { Service } from "../service.js";
import { accessView, nextPage, recordView } from "./views.js";
import type { StoredRecord } from "./store.js";

/** The Idempotency-Key header, for the operations that record (the service checks it). */
function idempotency(req: Request) {
  const key = req.get("idempotency-key");
  return key === undefined ? {} : { idempotencyKey: key, keyPointer: "Idempotency-Key" };
}

/** A record found again by its idempotency key says so; nothing was added. */
function replayed(res: Response, again: boolean): void {
  if (again) res.setHeader("Idempotent-Replayed", "true");
}

/** Only the page parameters, as written: anything else in the query is ignored. */
function pageQuery(req: Request): { from?: string; limit?: string } {
  const q = req.query as Record<string, unknown>;
  return {
    ...(typeof q.from === "string" ? { from: q.from } : q.from !== undefined ? { from: "?" } : {}),
    ...(typeof q.limit === "string" ? { limit: q.limit } : q.limit !== undefined ? { limit: "?" } : {}),
  };
}

function created(res: Response, r: StoredRecord, extra: Record<string, unknown> = {}): void {
  res
    .status(201)
    .location(`/v1/cases/${encodeURIComponent(r.reference)}`)
    .json({
      recordId: r.recordId,
      recordedAt: r.recordedAt,
      hash: r.hash,
      previousHash: r.previousHash,
      seq: r.seq,
      ...extra,
    });
}

export function caseRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();

  router.post("/v1/cases", requireJson, parseJson, async (req, res) => {
    const r = await service.openCase(actorOf(res), req.body);
    created(res, r, { reference: r.reference });
  });

  router.post("/v1/cases/:reference/assessments", requireJson, parseJson, async (req, res) => {
    const { record, assessment } = await service.recordAdvice(
      actorOf(res),
      req.params.reference as string,
      req.body,
      idempotency(req),
    );
    replayed(res, record.replayed);
    created(res, record, { assessment });
  });

  router.post("/v1/cases/:reference/decisions", requireJson, parseJson, async (req, res) => {
    const record = await service.recordDecision(
      actorOf(res),
      req.params.reference as string,
      req.body,
      idempotency(req),
    );
    replayed(res, record.replayed);
    created(res, record, { decision: record.content });
  });

  // A case's records, a page at a time (default 50, at most 200): a long case stays cheap to read.
  const history = async (req: Request, res: Response) => {
    const reference = req.params.reference as string;
    const page = await service.caseRecords(actorOf(res), reference, pageQuery(req));
    res.json({
      reference,
      recordCount: page.total,
      from: page.from,
      limit: page.limit,
      next: nextPage(`/v1/cases/${encodeURIComponent(reference)}/records`, page, page.items.length),
      records: page.items.map(recordView),
    });
  };
  router.get("/v1/cases/:reference", history);
  router.get("/v1/cases/:reference/records", history);

  // The case's minutes as one document, by Accept: Markdown (the default), HTML, plain text, .docx.
  router.get("/v1/cases/:reference/minutes", async (req, res) => {
    const types = Object.keys(MINUTES_TYPES) as MinutesType[];
    const format = negotiate(req, res, types as [MinutesType, ...MinutesType[]]);
    const reference = req.params.reference;
    const body = await service.caseMinutesAs(actorOf(res), reference, format);
    const { extension } = MINUTES_TYPES[format];
    if (extension === "docx") res.attachment(`case-${reference.replace(/\//g, "-")}-minutes.docx`);
    res.type(extension === "docx" ? format : `${format}; charset=utf-8`).send(body);
  });

  router.get("/v1/cases/:reference/verify", async (req, res) => {
    res.json(await service.verifyCase(actorOf(res), req.params.reference));
  });

  // Against a kept anchor: does the case still hold everything the anchor covered?
  router.post("/v1/cases/:reference/verify", requireJson, parseJson, async (req, res) => {
    res.json(await service.verifyCase(actorOf(res), req.params.reference as string, req.body));
  });

  router.get("/v1/cases/:reference/anchor", async (req, res) => {
    res.json(await service.caseAnchor(actorOf(res), req.params.reference));
  });

  router.get("/v1/cases/:reference/access-log", async (req, res) => {
    const reference = req.params.reference;
    const log = await service.accessLog(actorOf(res), reference, pageQuery(req));
    res.json({
      reference,
      valid: log.valid,
      problems: log.problems,
      entryCount: log.page.total,
      from: log.page.from,
      limit: log.page.limit,
      next: nextPage(`/v1/cases/${encodeURIComponent(reference)}/access-log`, log.page, log.entries.length),
      entries: log.entries.map(accessView),
    });
  });

  router.get("/v1/cases/:reference/export", async (req, res) => {
    const reference = req.params.reference;
    const records = await service.exportCase(actorOf(res), reference);
    res
      .type("application/x-ndjson; charset=utf-8")
      .setHeader("Content-Disposition", `attachment; filename="case-${reference.replace(/\//g, "-")}.jsonl"`);
    res.send(records.map((r) => JSON.stringify(recordView(r))).join("\n") + "\n");
  });

  return router;
}

/**
 * The case file over HTTP (issue 14): the board's list of cases, a page at a time, a case's
 * deadlines as an iCalendar feed a calendar can follow, and what the case file's pages record, for
 * applications too: the case's dates, a milestone done, and the case closed (a chair's).
 */
export function caseFileRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();

  router.post("/v1/cases/:reference/dates", requireJson, parseJson, async (req, res) => {
    created(res, await service.recordCaseDates(actorOf(res), req.params.reference as string, req.body));
  });
  router.post("/v1/cases/:reference/milestones/done", requireJson, parseJson, async (req, res) => {
    created(res, await service.markMilestoneDone(actorOf(res), req.params.reference as string, req.body));
  });
  router.post("/v1/cases/:reference/close", requireJson, parseJson, async (req, res) => {
    created(res, await service.closeCase(actorOf(res), req.params.reference as string, req.body));
  });

  router.get("/v1/cases", async (req, res) => {
    const list = await service.listCases(actorOf(res), { ...req.query });
    const next = new URLSearchParams();
    for (const k of ["stage", "deadline", "limit"] as const) {
      const v = req.query[k];
      if (typeof v === "string") next.set(k, v);
    }
    if (list.next) next.set("cursor", list.next);
    res.json({
      asOf: list.asOf,
      dueSoonWorkingDays: list.dueSoonWorkingDays,
      items: list.items.map((i) => ({
        reference: i.reference,
        href: `/v1/cases/${encodeURIComponent(i.reference)}`,
        openedAt: i.openedAt,
        edition: i.edition,
        stage: i.stage,
        closed: i.closed,
        nextDeadline: i.nextDeadline,
        deadline: i.deadline,
      })),
      cursor: list.next,
      next: list.next ? `/v1/cases?${next.toString()}` : null,
    });
  });

  router.get("/v1/cases/:reference/timeline.ics", async (req, res) => {
    const { filename, text } = await service.caseTimelineCalendar(actorOf(res), req.params.reference);
    res
      .type("text/calendar; charset=utf-8")
      .setHeader("Content-Disposition", `inline; filename="${filename}"`)
      .send(text);
  });

  return router;
}
