/**
 * Who is asking, as an adapter established it: an API key's client, a signed-in person, or anyone
 * (loopback, nothing configured). Each adapter's gate sets it once per request; every operation
 * receives it through `actorOf`, so both adapters hand the seam the same kind of answer.
 */
import type { Request, Response } from "express";
import { ANYONE, type Actor } from "../service.js";

export function actorOf(res: Response): Actor {
  return (res.locals.actor as Actor | undefined) ?? ANYONE;
}

/** Records the request's actor, with the client's address (kept only in a case's access log). */
export function setActor(req: Request, res: Response, actor: Actor): void {
  res.locals.actor = req.ip ? { ...actor, address: req.ip } : actor;
}
