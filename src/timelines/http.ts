/**
 * POST /v1/timelines (JSON or iCalendar), POST /v1/timelines.ics, and GET /v1/timelines.ics: the
 * same request as query parameters, so a calendar or a browser can follow a link.
 */
import express, { type Response } from "express";
import type { components } from "../contract/openapi.js";
import { InvalidInput } from "../errors.js";
import type { JsonBody } from "../http/api.js";
import { methodNotAllowed, negotiate } from "../http/problem.js";
import { actorOf } from "../middleware/actor.js";
import { DATE_NAMES } from "../rulesets/types.js";
import type { Service } from "../service.js";

type Schemas = components["schemas"];

export function timelineRoutes(service: Service, { requireJson, parseJson }: JsonBody): express.Router {
  const router = express.Router();
  const sendCalendar = (res: Response, body: unknown): void => {
    const { filename, text } = service.timelineCalendar(actorOf(res), body);
    res
      .type("text/calendar; charset=utf-8")
      .setHeader("Content-Disposition", `attachment; filename="${filename}"`)
      .send(text);
  };

  router.post("/v1/timelines", requireJson, parseJson, (req, res) => {
    const format = negotiate(req, res, ["application/json", "text/calendar"]);
    if (format === "text/calendar") {
      sendCalendar(res, req.body);
      return;
    }
    const timeline = service.timeline(actorOf(res), req.body);
    const body: Schemas["Timeline"] = {
      ...timeline,
      edition: { id: timeline.edition.id as Schemas["EditionId"], title: timeline.edition.title },
    };
    res.json(body);
  });
  router.post("/v1/timelines.ics", requireJson, parseJson, (req, res) => sendCalendar(res, req.body));
  router.get("/v1/timelines.ics", (req, res) => {
    const body: Record<string, unknown> = {};
    const dates: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const [k, v] of Object.entries(req.query)) {
      if ((DATE_NAMES as readonly string[]).includes(k)) dates[k] = v;
      else if (k === "done") body.done = Array.isArray(v) ? v : String(v).split(",");
      else if (["edition", "incidentDate", "country", "asOf", "agreedExtension", "reference"].includes(k))
        body[k] = v;
      else unknown.push(k);
    }
    if (unknown.length) {
      throw new InvalidInput(
        unknown.map((k) => ({ pointer: k, detail: `"${k}" is not a parameter of this resource` })),
      );
    }
    body.dates = dates;
    sendCalendar(res, body);
  });
  router.all("/v1/timelines", methodNotAllowed("POST"));
  router.all("/v1/timelines.ics", methodNotAllowed("GET, POST"));
  return router;
}
