/** How records are shown outside the service: the same fields for the API and the export. */
import type { StoredRecord } from "./store.js";

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
    content: r.content,
  };
}
