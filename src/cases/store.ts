/**
 * Decision records: per case, an append-only list of records, each chained to the one before it by
 * an HMAC-SHA256 under the records key (src/cases/keys.ts), which lives outside the database. The
 * content is stored as canonical JSON (RFC 8785, with the `canonicalize` library) so the chain can
 * be recomputed exactly from what is stored. A record is never re-evaluated: an assessment record
 * keeps the full answer as it was given.
 *
 * Why keyed: a plain hash chain shows accidental change, but anyone who can write to the database
 * can edit a record and recompute every later hash. Without the key they cannot make an HMAC that
 * verifies. Deleting the last records, or emptying the table, leaves a shorter chain that is still
 * whole; that is what anchors are for: a signed (reference, record count, head hash) a board keeps
 * elsewhere, against which `verify` shows that records it covered are gone or different.
 *
 * Records made before the chain was keyed keep their plain SHA-256 hashes ("unkeyed, legacy").
 * Opening the store with a key seals each case whose last record is unkeyed with a keyed record
 * ("sealed") over that head; from then on a case that ends with an unkeyed record, or has an
 * unkeyed record after a keyed one, was written without the key, and verification says so.
 *
 * Writers serialise per case on a transaction-scoped advisory lock, so two instances appending to
 * one case at once still build one unbroken chain (UNIQUE (reference, seq) backs it up). Nothing
 * here updates or deletes: the runtime role needs only INSERT and SELECT.
 *
 * Every read and write of a case is also logged (access_log): who, when, what, from which address,
 * chained with the same key, in the same store. The log never holds a request body.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import canonicalizeModule from "canonicalize";
import type { MadeBy } from "../service.js";
import type { Db, Tx } from "./db.js";
import { recordsKey, type RecordsKey } from "./keys.js";

// canonicalize 2 is CommonJS (module.exports = serialize) but its types declare an ES default export;
// under NodeNext the default import is the function itself at run time.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

export const GENESIS = `sha256:${"0".repeat(64)}`;

export type RecordKind = "case-opened" | "assessment" | "decision" | "sealed" | CaseFileKind;
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
  /** Who made the record; null for records made before records kept it. */
  madeBy: MadeBy | null;
  content: Record<string, unknown>;
}

/** What a case's access log keeps: never a body, only who, when, what and from where. */
export type AccessOperation =
  | "open-case"
  | "record-advice"
  | "record-decision"
  | "read-case"
  | "read-records"
  | "read-minutes"
  | "export"
  | "verify"
  | "anchor"
  | "read-access-log"
  // The case file (issue 14): its timeline and calendar read, its dates, milestones and closing.
  | "read-timeline"
  | "read-calendar"
  | "record-dates"
  | "mark-done"
  | "close-case";

export interface AccessEntry {
  entryId: string;
  reference: string;
  seq: number;
  at: string;
  operation: AccessOperation;
  madeBy: MadeBy;
  address: string | null;
  previousHash: string;
  hash: string;
}

export class CaseExistsError extends Error {}
export class CaseNotFoundError extends Error {}
/** An idempotency key already used, for this case and operation, with a different request. */
export class IdempotencyKeyReusedError extends Error {}

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("cannot canonicalise an undefined value");
  return text;
}

const KEYED = "hmac-sha256:";
const LEGACY = "sha256:";

/** A record as its hash covers it: who made it and its content as the canonical text stored. */
interface HashInput extends Omit<StoredRecord, "hash" | "madeBy" | "content"> {
  madeByText: string | null;
  contentText: string;
}

/** The record fields both hashes cover (canonical JSON sorts keys, so their order does not matter). */
function chainedFields(r: Omit<HashInput, "madeByText" | "contentText">) {
  return {
    id: r.recordId,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: r.recordedAt,
    previousHash: r.previousHash,
  };
}

/** The plain SHA-256 of records made before the chain was keyed (kept to verify them). */
export function legacyRecordHash(r: Omit<HashInput, "madeByText">): string {
  const body = canonical(chainedFields(r));
  return `${LEGACY}${createHash("sha256").update(r.previousHash).update("\n").update(body).update("\n").update(r.contentText).digest("hex")}`;
}

/** The keyed hash of a record: an HMAC over the previous hash, its fields, who made it, its content. */
function keyedRecordHash(key: RecordsKey, r: HashInput): string {
  const body = canonical({
    ...chainedFields(r),
    madeBy: r.madeByText === null ? null : (JSON.parse(r.madeByText) as unknown),
  });
  return `${KEYED}${createHmac("sha256", key.bytes)
    .update("threshold-record\n")
    .update(r.previousHash)
    .update("\n")
    .update(body)
    .update("\n")
    .update(r.contentText)
    .digest("hex")}`;
}

function accessHash(
  key: RecordsKey,
  e: Omit<AccessEntry, "hash" | "madeBy"> & { madeByText: string },
): string {
  const body = canonical({
    id: e.entryId,
    reference: e.reference,
    seq: e.seq,
    at: e.at,
    operation: e.operation,
    madeBy: JSON.parse(e.madeByText) as unknown,
    address: e.address,
    previousHash: e.previousHash,
  });
  return `${KEYED}${createHmac("sha256", key.bytes).update("threshold-access\n").update(body).digest("hex")}`;
}

/** A case's head as an anchor states it. */
export interface AnchorBody {
  reference: string;
  recordCount: number;
  headHash: string;
}
export interface Anchor extends AnchorBody {
  signature: string;
}

function anchorSignature(key: RecordsKey, a: AnchorBody): string {
  const body = canonical({ reference: a.reference, recordCount: a.recordCount, headHash: a.headHash });
  return `${KEYED}${createHmac("sha256", key.bytes).update("threshold-anchor\n").update(body).digest("hex")}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A record's row as both the store and the case file's own reads select it. */
export interface RecordRow {
  id: string;
  reference: string;
  seq: number;
  kind: string;
  recorded_at: Date | string;
  content: string;
  /** Who made the record (canonical JSON); null for records made before records kept it. */
  made_by: string | null;
}

interface Row extends RecordRow {
  kind: RecordKind;
  previous_hash: string;
  hash: string;
}

interface AccessRow {
  id: string;
  reference: string;
  seq: number;
  at: Date | string;
  operation: AccessOperation;
  made_by: string;
  address: string | null;
  previous_hash: string;
  hash: string;
}

/** A database time as ISO 8601, whichever form the driver gives it. */
export const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** The fields every reader of a record row shares: ids, kind, time, content and who made it. */
export function recordFields(r: RecordRow) {
  return {
    recordId: r.id,
    reference: r.reference,
    seq: r.seq,
    kind: r.kind,
    recordedAt: iso(r.recorded_at),
    madeBy: r.made_by === null ? null : (JSON.parse(r.made_by) as MadeBy),
    content: JSON.parse(r.content) as Record<string, unknown>,
  };
}

function fromRow(r: Row): StoredRecord {
  return { ...recordFields(r), kind: r.kind, previousHash: r.previous_hash, hash: r.hash };
}

function fromAccessRow(r: AccessRow): AccessEntry {
  return {
    entryId: r.id,
    reference: r.reference,
    seq: r.seq,
    at: iso(r.at),
    operation: r.operation,
    madeBy: JSON.parse(r.made_by) as MadeBy,
    address: r.address,
    previousHash: r.previous_hash,
    hash: r.hash,
  };
}

export interface Problem {
  seq: number;
  recordId: string;
  problem: string;
}

export interface VerifyResult {
  reference: string;
  /** True when every record checks and, given an anchor, the case still holds all it covered. */
  valid: boolean;
  records: number;
  /**
   * Records made before the chain was keyed: their plain SHA-256 shows accidental change, not a
   * deliberate recomputation; the keyed seal after them (and a kept anchor) covers them.
   */
  unkeyedLegacyRecords: number;
  /** Every problem, in record order: the first is the first record that fails. */
  problems: Problem[];
  /** One sentence saying what was found. */
  summary: string;
  /** Present when checked against a kept anchor. */
  anchor?: { recordCount: number; headHash: string; signatureValid: boolean; holds: boolean };
}

/** How many records a page of a case's history or access log holds, at most and by default. */
export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  /** How many there are in all. */
  total: number;
  /** The seq the page starts at (1-based). */
  from: number;
  limit: number;
}

export interface StoreOptions {
  /**
   * The records key. Absent, a random key for this object's life is made: records it writes
   * verify only while it lives. For in-memory stores in tests; the service always passes the
   * configured key (src/main.ts).
   */
  key?: RecordsKey;
  now?: () => Date;
}

export class RecordStore {
  private readonly key: RecordsKey;
  private readonly now: () => Date;

  constructor(
    readonly db: Db,
    options: StoreOptions = {},
  ) {
    this.key = options.key ?? recordsKey(randomBytes(32));
    this.now = options.now ?? (() => new Date());
  }

  /** The key's fingerprint, naming which key signed a chain without revealing it. */
  get keyId(): string {
    return this.key.id;
  }

  /** Opens a case with its first record. */
  async createCase(reference: string, madeBy: MadeBy): Promise<StoredRecord> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        "INSERT INTO cases (reference, created_at) VALUES ($1, $2) ON CONFLICT (reference) DO NOTHING RETURNING reference",
        [reference, this.now().toISOString()],
      );
      if (inserted.length === 0) throw new CaseExistsError(reference);
      return this.appendIn(tx, reference, "case-opened", { reference }, madeBy);
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
    madeBy: MadeBy,
    recordId: string = randomUUID(),
  ): Promise<StoredRecord> {
    return this.db.transaction((tx) => this.appendIn(tx, reference, kind, content, madeBy, recordId));
  }

  private async lockCase(tx: Tx, space: number, reference: string): Promise<void> {
    // A transaction-scoped advisory lock per case: needs no privilege on any table.
    await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [space, reference]);
  }

  private async appendIn(
    tx: Tx,
    reference: string,
    kind: RecordKind,
    content: Record<string, unknown>,
    madeBy: MadeBy | null,
    recordId: string = randomUUID(),
  ): Promise<StoredRecord> {
    await this.lockCase(tx, 727275, reference);
    const exists = await tx.query("SELECT 1 FROM cases WHERE reference = $1", [reference]);
    if (exists.length === 0) throw new CaseNotFoundError(reference);
    const [last] = await tx.query<{ seq: number; hash: string }>(
      "SELECT seq, hash FROM records WHERE reference = $1 ORDER BY seq DESC LIMIT 1",
      [reference],
    );
    const contentText = canonical(content);
    const madeByText = madeBy === null ? null : canonical(madeBy);
    const base = {
      recordId,
      reference,
      seq: (last?.seq ?? 0) + 1,
      kind,
      recordedAt: this.now().toISOString(),
      previousHash: last?.hash ?? GENESIS,
    };
    const hash = keyedRecordHash(this.key, { ...base, madeByText, contentText });
    await tx.query(
      "INSERT INTO records (id, reference, seq, kind, recorded_at, content, previous_hash, hash, made_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      [
        base.recordId,
        reference,
        base.seq,
        kind,
        base.recordedAt,
        contentText,
        base.previousHash,
        hash,
        madeByText,
      ],
    );
    return {
      ...base,
      hash,
      madeBy: madeByText === null ? null : (JSON.parse(madeByText) as MadeBy),
      content: JSON.parse(contentText) as Record<string, unknown>,
    };
  }

  /**
   * Seals each case whose last record is unkeyed (made before the chain was keyed) with a keyed
   * record over that head, so that a chain later rewritten without the key cannot pass for a
   * legacy one. Idempotent; safe with several instances (each case is sealed under its lock).
   * Returns the references sealed.
   */
  async sealLegacy(): Promise<string[]> {
    const unsealed = await this.db.query<{ reference: string }>(
      `SELECT r.reference FROM records r
         JOIN (SELECT reference, max(seq) AS seq FROM records GROUP BY reference) h
           ON h.reference = r.reference AND h.seq = r.seq
        WHERE r.hash NOT LIKE 'hmac-sha256:%' ORDER BY r.reference`,
    );
    const sealed: string[] = [];
    for (const { reference } of unsealed) {
      await this.db.transaction(async (tx) => {
        await this.lockCase(tx, 727275, reference);
        const [last] = await tx.query<{ seq: number; hash: string }>(
          "SELECT seq, hash FROM records WHERE reference = $1 ORDER BY seq DESC LIMIT 1",
          [reference],
        );
        if (!last || last.hash.startsWith(KEYED)) return;
        await this.appendIn(
          tx,
          reference,
          "sealed",
          {
            sealedRecords: last.seq,
            sealedHead: last.hash,
            keyId: this.key.id,
            note: "Records before this one were made before the chain was keyed: their plain SHA-256 chain is sealed here with the records key.",
          },
          null,
        );
        sealed.push(reference);
      });
    }
    return sealed;
  }

  /**
   * Appends a record once per idempotency key (issue 14): under the case's lock (the one every
   * append takes, so no other writer can slip between the look-up and the insert), a key already
   * used for this case and operation returns the record it made (`replayed`) and adds nothing; a key
   * used for a different request is refused. The key's row is written in the record's own
   * transaction, so a record and its key exist together or not at all. Only SELECT and INSERT.
   */
  async appendOnce(
    reference: string,
    kind: "assessment" | "decision",
    content: Record<string, unknown>,
    madeBy: MadeBy,
    idempotency: { key: string; requestHash: string },
    recordId: string = randomUUID(),
  ): Promise<{ record: StoredRecord; replayed: boolean }> {
    return this.db.transaction(async (tx) => {
      await this.lockCase(tx, 727275, reference);
      const [used] = await tx.query<{ request_hash: string; record_id: string }>(
        "SELECT request_hash, record_id FROM idempotency_keys WHERE reference = $1 AND operation = $2 AND key = $3",
        [reference, kind, idempotency.key],
      );
      if (used) {
        if (used.request_hash !== idempotency.requestHash)
          throw new IdempotencyKeyReusedError(idempotency.key);
        const [row] = await tx.query<Row>("SELECT * FROM records WHERE reference = $1 AND id = $2", [
          reference,
          used.record_id,
        ]);
        return { record: fromRow(row!), replayed: true };
      }
      const record = await this.appendIn(tx, reference, kind, content, madeBy, recordId);
      await tx.query(
        "INSERT INTO idempotency_keys (reference, operation, key, request_hash, record_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [reference, kind, idempotency.key, idempotency.requestHash, record.recordId, record.recordedAt],
      );
      return { record, replayed: false };
    });
  }

  async exists(reference: string): Promise<boolean> {
    return (await this.db.query("SELECT 1 FROM cases WHERE reference = $1", [reference])).length > 0;
  }

  /** Every record of a case, in order; null when there is no such case. */
  async records(reference: string): Promise<StoredRecord[] | null> {
    // Without the chain's check: callers that want it read caseFile or verify.
    return (await this.readAll(reference))?.map(fromRow) ?? null;
  }

  /** One page of a case's records, in order; null when there is no such case. */
  async page(reference: string, from = 1, limit = PAGE_SIZE): Promise<Page<StoredRecord> | null> {
    const bounded = Math.min(Math.max(1, limit), MAX_PAGE_SIZE);
    return this.db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      if ((await tx.query("SELECT 1 FROM cases WHERE reference = $1", [reference])).length === 0) return null;
      const [count] = await tx.query<{ n: number }>(
        "SELECT count(*)::integer AS n FROM records WHERE reference = $1",
        [reference],
      );
      const rows = await tx.query<Row>(
        "SELECT * FROM records WHERE reference = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
        [reference, from, bounded],
      );
      return { items: rows.map(fromRow), total: count!.n, from, limit: bounded };
    });
  }

  /** The latest record of a kind in a case, or null. */
  async latest(reference: string, kind: RecordKind): Promise<StoredRecord | null> {
    const [row] = await this.db.query<Row>(
      "SELECT * FROM records WHERE reference = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1",
      [reference, kind],
    );
    return row ? fromRow(row) : null;
  }

  /**
   * The latest `limit` records of a kind in a case, in order, and how many there are in all: the
   * case page lists its decisions whichever page of the history they are on, bounded all the same.
   */
  async latestOfKind(
    reference: string,
    kind: RecordKind,
    limit = MAX_PAGE_SIZE,
  ): Promise<{ items: StoredRecord[]; total: number }> {
    const bounded = Math.min(Math.max(1, limit), MAX_PAGE_SIZE);
    return this.db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const [count] = await tx.query<{ n: number }>(
        "SELECT count(*)::integer AS n FROM records WHERE reference = $1 AND kind = $2",
        [reference, kind],
      );
      const rows = await tx.query<Row>(
        "SELECT * FROM records WHERE reference = $1 AND kind = $2 ORDER BY seq DESC LIMIT $3",
        [reference, kind, bounded],
      );
      return { items: rows.map(fromRow).reverse(), total: count!.n };
    });
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

  /**
   * Recomputes every hash from what is stored and checks each link; given a kept anchor, also that
   * the case still holds every record the anchor covered, unchanged. Null when there is no such
   * case and no valid anchor says there was one.
   */
  async verify(reference: string, anchor?: Anchor): Promise<VerifyResult | null> {
    const file = await this.readAll(reference);
    if (!anchor) return file ? checkChain(this.key, reference, file) : null;
    const signatureValid = sameText(anchorSignature(this.key, anchor), anchor.signature);
    // A case that is gone altogether is a finding, not "not found", when a valid anchor says it was.
    if (!file && !signatureValid) return null;
    const rows = file ?? [];
    const result = checkChain(this.key, reference, rows);
    const problems = [...result.problems];
    let holds = signatureValid;
    if (!signatureValid) {
      holds = false;
    } else if (rows.length < anchor.recordCount) {
      holds = false;
      problems.push({
        seq: rows.length + 1,
        recordId: "",
        problem: `is missing: the kept anchor covers ${anchor.recordCount} records and the case now holds ${rows.length} (records deleted from the end, or the table emptied)`,
      });
    } else if (anchor.recordCount > 0) {
      const at = rows[anchor.recordCount - 1]!;
      if (at.seq !== anchor.recordCount || at.hash !== anchor.headHash) {
        holds = false;
        problems.push({
          seq: anchor.recordCount,
          recordId: at.id,
          problem:
            "does not have the hash the kept anchor holds for it: the history the anchor covered has been rewritten",
        });
      }
    }
    problems.sort((a, b) => a.seq - b.seq);
    const valid = result.valid && holds;
    return {
      ...result,
      valid,
      problems,
      summary: !signatureValid
        ? "The anchor's signature does not verify with this service's records key: it was not made by this service with this key, or it has been altered. Nothing can be concluded from it."
        : valid
          ? `${result.summary} The case still holds all ${anchor.recordCount} records the kept anchor covers, unchanged.`
          : `The case does not hold what the kept anchor covers: record ${problems[0]!.seq} ${problems[0]!.problem}.`,
      anchor: { recordCount: anchor.recordCount, headHash: anchor.headHash, signatureValid, holds },
    };
  }

  /**
   * A signed statement of the case's head, for the board to keep elsewhere. Null when there is no
   * such case; `broken` when the chain does not hold now (no anchor is signed over a broken chain).
   */
  async anchor(reference: string): Promise<Anchor | { broken: VerifyResult } | null> {
    const rows = await this.readAll(reference);
    if (!rows) return null;
    const check = checkChain(this.key, reference, rows);
    if (!check.valid) return { broken: check };
    const body: AnchorBody = {
      reference,
      recordCount: rows.length,
      headHash: rows.at(-1)?.hash ?? GENESIS,
    };
    return { ...body, signature: anchorSignature(this.key, body) };
  }

  /** A case's records and the check of their chain, from one read of the case. */
  async caseFile(reference: string): Promise<{ records: StoredRecord[]; verification: VerifyResult } | null> {
    const rows = await this.readAll(reference);
    if (!rows) return null;
    return { records: rows.map(fromRow), verification: checkChain(this.key, reference, rows) };
  }

  /**
   * What the case page shows, from the one read its chain's check needs: a page of the history
   * (bounded as `page` is), the latest advice, the latest MAX_PAGE_SIZE decisions and how many there
   * are. Only the records shown are parsed. Null when there is no such case.
   */
  async caseView(
    reference: string,
    from: number,
    limit: number,
  ): Promise<{
    page: Page<StoredRecord>;
    latestAdvice: StoredRecord | null;
    decisions: { items: StoredRecord[]; total: number };
    verification: VerifyResult;
  } | null> {
    const rows = await this.readAll(reference);
    if (!rows) return null;
    const bounded = Math.min(Math.max(1, limit), MAX_PAGE_SIZE);
    const decisions = rows.filter((r) => r.kind === "decision");
    const advice = [...rows].reverse().find((r) => r.kind === "assessment");
    return {
      page: {
        items: rows
          .filter((r) => r.seq >= from)
          .slice(0, bounded)
          .map(fromRow),
        total: rows.length,
        from,
        limit: bounded,
      },
      latestAdvice: advice ? fromRow(advice) : null,
      decisions: { items: decisions.slice(-MAX_PAGE_SIZE).map(fromRow), total: decisions.length },
      verification: checkChain(this.key, reference, rows),
    };
  }

  /** The check of a case's chain, reading what the check needs and nothing else. */
  private async readAll(reference: string): Promise<Row[] | null> {
    // One snapshot for the case and its rows: a record appended between two separate reads would
    // otherwise look like a broken chain.
    return this.db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      if ((await tx.query("SELECT 1 FROM cases WHERE reference = $1", [reference])).length === 0) return null;
      return tx.query<Row>("SELECT * FROM records WHERE reference = $1 ORDER BY seq", [reference]);
    });
  }

  /** Logs one access to a case: who, what, from where. Nothing of what was sent or read. */
  async logAccess(
    reference: string,
    operation: AccessOperation,
    madeBy: MadeBy,
    address: string | undefined,
  ): Promise<AccessEntry | null> {
    return this.db.transaction(async (tx) => {
      await this.lockCase(tx, 727276, reference);
      if ((await tx.query("SELECT 1 FROM cases WHERE reference = $1", [reference])).length === 0) return null;
      const [last] = await tx.query<{ seq: number; hash: string }>(
        "SELECT seq, hash FROM access_log WHERE reference = $1 ORDER BY seq DESC LIMIT 1",
        [reference],
      );
      const madeByText = canonical(madeBy);
      const entry = {
        entryId: randomUUID(),
        reference,
        seq: (last?.seq ?? 0) + 1,
        at: this.now().toISOString(),
        operation,
        address: address ?? null,
        previousHash: last?.hash ?? GENESIS,
      };
      const hash = accessHash(this.key, { ...entry, madeByText });
      await tx.query(
        "INSERT INTO access_log (id, reference, seq, at, operation, made_by, address, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
          entry.entryId,
          reference,
          entry.seq,
          entry.at,
          operation,
          madeByText,
          entry.address,
          entry.previousHash,
          hash,
        ],
      );
      return { ...entry, madeBy: JSON.parse(madeByText) as MadeBy, hash };
    });
  }

  /**
   * One page of a case's access log, newest first, with whether the log's own chain holds (the
   * whole log is read to check it, but only hashes and the small fields it keeps).
   */
  async accessLog(
    reference: string,
    from = 1,
    limit = PAGE_SIZE,
  ): Promise<(Page<AccessEntry> & { valid: boolean; problems: Problem[] }) | null> {
    const bounded = Math.min(Math.max(1, limit), MAX_PAGE_SIZE);
    return this.db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      if ((await tx.query("SELECT 1 FROM cases WHERE reference = $1", [reference])).length === 0) return null;
      const rows = await tx.query<AccessRow>("SELECT * FROM access_log WHERE reference = $1 ORDER BY seq", [
        reference,
      ]);
      const problems: Problem[] = [];
      let previous = GENESIS;
      rows.forEach((r, i) => {
        const e = fromAccessRow(r);
        if (r.seq !== i + 1 || r.previous_hash !== previous)
          problems.push({ seq: r.seq, recordId: r.id, problem: "does not follow the entry before it" });
        else if (!sameText(accessHash(this.key, { ...e, madeByText: r.made_by }), r.hash))
          problems.push({
            seq: r.seq,
            recordId: r.id,
            problem: "does not match its hash under the records key: it was changed after it was logged",
          });
        previous = r.hash;
      });
      const newestFirst = rows.map(fromAccessRow).reverse();
      return {
        items: newestFirst.slice(from - 1, from - 1 + bounded),
        total: rows.length,
        from,
        limit: bounded,
        valid: problems.length === 0,
        problems,
      };
    });
  }
}

function checkChain(key: RecordsKey, reference: string, rows: Row[]): VerifyResult {
  const problems: Problem[] = [];
  let previous = GENESIS;
  let keyedSeen = false;
  let legacy = 0;
  rows.forEach((r, i) => {
    const problem = (text: string) => problems.push({ seq: r.seq, recordId: r.id, problem: text });
    if (r.seq !== i + 1)
      problem(`has sequence number ${r.seq} where ${i + 1} was expected: records are missing`);
    if (r.previous_hash !== previous) problem("does not point at the hash of the record before it");
    const fields = { ...fromRow(r), contentText: r.content, madeByText: r.made_by };
    if (r.hash.startsWith(KEYED)) {
      keyedSeen = true;
      if (!sameText(keyedRecordHash(key, fields), r.hash))
        problem(
          "does not match its hash under the records key: it was changed after it was recorded, or its hash was recomputed without the key",
        );
    } else if (r.hash.startsWith(LEGACY)) {
      if (keyedSeen)
        problem(
          "is unkeyed (plain SHA-256) after records made with the key: it was written or rewritten without the key",
        );
      else {
        legacy++;
        if (legacyRecordHash(fields) !== r.hash)
          problem("does not match its hash: it has been changed since it was recorded");
      }
    } else problem("has a hash of no kind this service makes");
    previous = r.hash;
  });
  const last = rows.at(-1);
  if (!last)
    problems.push({
      seq: 1,
      recordId: "",
      problem: "is missing: every case begins with a record of its opening, and this case holds none",
    });
  else if (!last.hash.startsWith(KEYED) && !problems.some((p) => p.seq === last.seq))
    problems.push({
      seq: last.seq,
      recordId: last.id,
      problem:
        "is the case's last record and is unkeyed: a keyed service seals every unkeyed chain, so this one was rewritten without the key (or no keyed service has opened it since)",
    });
  problems.sort((a, b) => a.seq - b.seq);
  const valid = problems.length === 0;
  const legacyWords = legacy
    ? ` Records 1 to ${legacy} are unkeyed, legacy (made before the chain was keyed): their plain SHA-256 shows accidental change, and the keyed record after them seals them.`
    : "";
  return {
    reference,
    valid,
    records: rows.length,
    unkeyedLegacyRecords: legacy,
    problems,
    summary: valid
      ? `The chain of all ${rows.length} records holds under the records key: no record has been changed since it was made.${legacyWords}`
      : `The chain does not hold: record ${problems[0]!.seq} ${problems[0]!.problem}.`,
  };
}
