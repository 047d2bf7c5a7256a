/**
 * Decision records over HTTP: cases, the advice recorded for them, the chair's decisions, their
 * history as Markdown minutes, the hash chain's verification, and an export as JSON Lines.
 * Append-only: there is no route to change or delete a record; a correction is a new record.
 */
import express, { type Response } from "express";
import type { JsonBody } from "../http/api.js";
import { actorOf } from "../http/security.js";
import type { Service } from "../service.js";
import { recordView } from "./views.js";
import type { StoredRecord } from "./store.js";

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
    );
    created(res, record, { assessment });
  });

  router.post("/v1/cases/:reference/decisions", requireJson, parseJson, async (req, res) => {
    const record = await service.recordDecision(actorOf(res), req.params.reference as string, req.body);
    created(res, record, { decision: record.content });
  });

  router.get("/v1/cases/:reference", async (req, res) => {
    const records = await service.caseRecords(actorOf(res), req.params.reference);
    res.json({ reference: req.params.reference, records: records.map(recordView) });
  });

  router.get("/v1/cases/:reference/minutes", async (req, res) => {
    res
      .type("text/markdown; charset=utf-8")
      .send(await service.caseMinutes(actorOf(res), req.params.reference));
  });

  router.get("/v1/cases/:reference/verify", async (req, res) => {
    res.json(await service.verifyCase(actorOf(res), req.params.reference));
  });

  router.get("/v1/cases/:reference/export", async (req, res) => {
    const reference = req.params.reference;
    const records = await service.caseRecords(actorOf(res), reference);
    res
      .type("application/x-ndjson; charset=utf-8")
      .setHeader("Content-Disposition", `attachment; filename="case-${reference.replace(/\//g, "-")}.jsonl"`);
    res.send(records.map((r) => JSON.stringify(recordView(r))).join("\n") + "\n");
  });

  return router;
}

/**
 * The case file over HTTP (issue 14): the board's list of cases, a page at a time, and a case's
 * deadlines as an iCalendar feed a calendar can follow.
 */
export function caseFileRoutes(service: Service): express.Router {
  const router = express.Router();

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
