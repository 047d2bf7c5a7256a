/**
 * What every case operation starts and ends with, in one place for the case service and the case
 * file (cases/service.ts, case-timeline.ts): the records store or why there is none, the board's
 * reference checked, "no such case" said one way, and the access log written once an operation
 * has succeeded (issue 12: every read and write of a case, who, when and from where).
 */
import { caseReference } from "../contract/validation.js";
import { InvalidInput, NotFound, Unavailable } from "../errors.js";
import { madeBy, type Actor } from "../service.js";
import type { AccessOperation, RecordStore } from "./store.js";

export function caseGuards(store: RecordStore | undefined) {
  const openStore = (): RecordStore => {
    if (!store) throw new Unavailable("decision records are not configured on this instance");
    return store;
  };
  const notFound = (reference: string) =>
    new NotFound(`there is no case "${reference}"; POST /v1/cases opens one`, [
      { pointer: "reference", detail: "is not a case of this board" },
    ]);
  /** A reference as the board writes it; `pointer` names where it came from (body or path). */
  const checkReference = (reference: unknown, pointer = "reference"): string => {
    const checked = caseReference.safeParse(reference);
    if (!checked.success) throw new InvalidInput([{ pointer, detail: checked.error.issues[0]!.message }]);
    return checked.data;
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
  return { openStore, notFound, checkReference, logged };
}
