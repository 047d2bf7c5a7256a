/**
 * Decision records over HTTP: cases, the advice recorded for them, the chair's decisions, their
 * history as Markdown minutes, the hash chain's verification, and an export as JSON Lines.
 * Append-only: there is no route to change or delete a record; a correction is a new record.
 */
import express, { type Request, type Response } from "express";
import { MINUTES_TYPES, type MinutesType } from "../assessments/minutes.js";
import { negotiate } from "../http/problem.js";
import type { JsonBody } from "../http/api.js";
import { actorOf } from "../http/security.js";
import type { Service } from "../service.js";
import { recordView } from "./views.js";
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

  router.get("/v1/cases/:reference", async (req, res) => {
    const records = await service.caseRecords(actorOf(res), req.params.reference);
    res.json({ reference: req.params.reference, records: records.map(recordView) });
  });

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
