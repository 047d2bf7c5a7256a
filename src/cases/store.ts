/**
 * Decision records: per case, an append-only list of records, each hashed over its content and the
 * previous record's hash (a hash chain). Content is stored as canonical JSON (RFC 8785, with the
 * `canonicalize` library) so the hash can be recomputed exactly from what is stored. A record is
 * never re-evaluated: an assessment record keeps the full answer as it was given.
 *
 * Writers serialise per case: appending takes a row lock on the case (SELECT … FOR UPDATE), so two
 * instances writing to the same case at once still build one unbroken chain.
 */
import { createHash, randomUUID } from "node:crypto";
import canonicalizeModule from "canonicalize";
import type { Db, Tx } from "./db.js";

// canonicalize 2 is CommonJS (module.exports = serialize) but its types declare an ES default export;
// under NodeNext the default import is the function itself at run time.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

export const GENESIS = `sha256:${"0".repeat(64)}`;

export type RecordKind = "case-opened" | "assessment" | "decision" | CaseFileKind;
/** The case file's records (issue 14, migrations/005_case_file.sql): dates, milestones done, closing. */
export type CaseFileKind = "case-dates" | "milestone-done" | "case-closed";

export interface StoredRecord {
  recordId: string;
  reference: string;
  seq: number;
  kind: RecordKind;
  recordedAt: string;
  previousHash: string;
  hash: string;
  content: Record<string, unknown>;
}

export class CaseExistsError extends Error {}
export class CaseNotFoundError extends Error {}

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("cannot canonicalise an undefined value");
  return text;
}

/** The hash of a record: over the previous hash and the record's canonical fields. */
function recordHash(r: Omit<StoredRecord, "hash" | "content"> & { contentText: string }): string {
  const body = canonical({
    id: r.recordId,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: r.recordedAt,
    previousHash: r.previousHash,
  });
  return `sha256:${createHash("sha256").update(r.previousHash).update("\n").update(body).update("\n").update(r.contentText).digest("hex")}`;
}

interface Row {
  id: string;
  reference: string;
  seq: number;
  kind: RecordKind;
  recorded_at: Date | string;
  content: string;
  previous_hash: string;
  hash: string;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function fromRow(r: Row): StoredRecord {
  return {
    recordId: r.id,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: iso(r.recorded_at),
    previousHash: r.previous_hash,
    hash: r.hash,
    content: JSON.parse(r.content) as Record<string, unknown>,
  };
}

export interface VerifyResult {
  reference: string;
  valid: boolean;
  records: number;
  problems: Array<{ seq: number; recordId: string; problem: string }>;
}

export class RecordStore {
  constructor(
    readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Opens a case with its first record. */
  async createCase(reference: string): Promise<StoredRecord> {
    return this.db.transaction(async (tx) => {
      const recordedAt = this.now().toISOString();
      const inserted = await tx.query(
        "INSERT INTO cases (reference, created_at, head_hash, record_count) VALUES ($1, $2, $3, 0) ON CONFLICT (reference) DO NOTHING RETURNING reference",
        [reference, recordedAt, GENESIS],
      );
      if (inserted.length === 0) throw new CaseExistsError(reference);
      return this.appendIn(tx, reference, "case-opened", { reference });
    });
  }

  /**
   * Appends a record to a case. `recordId` lets a record keep the id its content already has (the
   * advice's id), so that one thing has one id; otherwise a new one is made.
   */
  async append(
    reference: string,
    kind: RecordKind,
    content: Record<string, unknown>,
    recordId: string = randomUUID(),
  ): Promise<StoredRecord> {
    return this.db.transaction((tx) => this.appendIn(tx, reference, kind, content, recordId));
  }

  private async appendIn(
    tx: Tx,
    reference: string,
    kind: RecordKind,
    content: Record<string, unknown>,
    recordId: string = randomUUID(),
  ): Promise<StoredRecord> {
    const [head] = await tx.query<{ head_hash: string; record_count: number }>(
      "SELECT head_hash, record_count FROM cases WHERE reference = $1 FOR UPDATE",
      [reference],
    );
    if (!head) throw new CaseNotFoundError(reference);
    const contentText = canonical(content);
    const base = {
      recordId,
      reference,
      seq: head.record_count + 1,
      kind,
      recordedAt: this.now().toISOString(),
      previousHash: head.head_hash,
    };
    const hash = recordHash({ ...base, contentText });
    await tx.query(
      "INSERT INTO records (id, reference, seq, kind, recorded_at, content, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [base.recordId, reference, base.seq, kind, base.recordedAt, contentText, base.previousHash, hash],
    );
    await tx.query("UPDATE cases SET head_hash = $2, record_count = $3 WHERE reference = $1", [
      reference,
      hash,
      base.seq,
    ]);
    return { ...base, hash, content: JSON.parse(contentText) as Record<string, unknown> };
  }

  async exists(reference: string): Promise<boolean> {
    return (await this.db.query("SELECT 1 FROM cases WHERE reference = $1", [reference])).length > 0;
  }

  /** Every record of a case, in order; null when there is no such case. */
  async records(reference: string): Promise<StoredRecord[] | null> {
    return (await this.caseFile(reference))?.records ?? null;
  }

  async record(reference: string, recordId: string): Promise<StoredRecord | null> {
    const [row] = await this.db.query<Row>("SELECT * FROM records WHERE reference = $1 AND id = $2", [
      reference,
      recordId,
    ]);
    return row ? fromRow(row) : null;
  }

  async references(): Promise<string[]> {
    return (
      await this.db.query<{ reference: string }>("SELECT reference FROM cases ORDER BY created_at, reference")
    ).map((r) => r.reference);
  }

  /** Recomputes every hash from what is stored and checks each link of the chain. */
  async verify(reference: string): Promise<VerifyResult | null> {
    return (await this.caseFile(reference))?.verification ?? null;
  }

  /** A case's records and the check of their chain, from one read of the case. */
  async caseFile(reference: string): Promise<{ records: StoredRecord[]; verification: VerifyResult } | null> {
    // One snapshot for the head and the rows: a record appended between two separate reads would
    // otherwise look like a broken chain.
    return this.db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const [head] = await tx.query<{ head_hash: string; record_count: number }>(
        "SELECT head_hash, record_count FROM cases WHERE reference = $1",
        [reference],
      );
      if (!head) return null;
      const rows = await tx.query<Row>("SELECT * FROM records WHERE reference = $1 ORDER BY seq", [
        reference,
      ]);
      return { records: rows.map(fromRow), verification: checkChain(reference, rows, head) };
    });
  }
}

function checkChain(
  reference: string,
  rows: Row[],
  head: { head_hash: string; record_count: number },
): VerifyResult {
  const problems: VerifyResult["problems"] = [];
  let previous = GENESIS;
  rows.forEach((r, i) => {
    const record = fromRow(r);
    if (r.seq !== i + 1)
      problems.push({
        seq: r.seq,
        recordId: r.id,
        problem: `sequence number ${r.seq} where ${i + 1} was expected`,
      });
    if (r.previous_hash !== previous)
      problems.push({
        seq: r.seq,
        recordId: r.id,
        problem: "does not point at the hash of the record before it",
      });
    if (recordHash({ ...record, contentText: r.content }) !== r.hash) {
      problems.push({
        seq: r.seq,
        recordId: r.id,
        problem: "its content does not match its hash: it has been changed since it was recorded",
      });
    }
    previous = r.hash;
  });
  if (head.head_hash !== previous || head.record_count !== rows.length) {
    problems.push({
      seq: rows.length,
      recordId: rows.at(-1)?.id ?? "",
      problem: "the case's last hash does not match its last record: records are missing",
    });
  }
  return { reference, valid: problems.length === 0, records: rows.length, problems };
}
