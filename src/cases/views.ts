/** How records are shown outside the service: the same fields for the API and the export. */
import type { AccessEntry, StoredRecord } from "./store.js";

/** A record as the API and the export show it. */
export function recordView(r: StoredRecord) {
  return {
    recordId: r.recordId,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: r.recordedAt,
    hash: r.hash,
    previousHash: r.previousHash,
    madeBy: r.madeBy,
    content: r.content,
  };
}

/** An access-log entry as the API shows it. */
export function accessView(e: AccessEntry) {
  return {
    seq: e.seq,
    at: e.at,
    operation: e.operation,
    madeBy: e.madeBy,
    address: e.address,
    hash: e.hash,
  };
}

/** Where the next page of a paginated list starts, or null at its end. */
export function nextPage(path: string, page: { from: number; limit: number; total: number }, shown: number) {
  const next = page.from + shown;
  return shown > 0 && next <= page.total ? `${path}?from=${next}&limit=${page.limit}` : null;
}
