/**
 * The decision records' store, on each database: append-only, chained under a key kept outside the
 * database, kept across restarts, unbroken when two instances write to the same case at once; and
 * what someone with database access can do to it (edit, recompute without the key, delete the last
 * records, empty the tables) is caught by verification, against a kept anchor where the chain alone
 * cannot tell.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrations, RECORD_TABLES, type Db } from "./db.js";
import { recordsKey } from "./keys.js";
import {
  CaseExistsError,
  CaseNotFoundError,
  GENESIS,
  IdempotencyKeyReusedError,
  legacyRecordHash,
  PAGE_SIZE,
  RecordStore,
  type Anchor,
} from "./store.js";
import { BACKENDS } from "../../test/support/databases.js";

const CHAIR = { kind: "person", id: "sub-1", name: "A Chair", roles: ["chair"] } as const;

/** Runs SQL as the tables' owner would, past the append-only triggers. */
async function asOwner(db: Db, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of RECORD_TABLES) await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await tx.query(sql, params);
    for (const table of RECORD_TABLES) await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}

/**
 * What an attacker with database access but without the key can do after editing a record:
 * recompute every hash from `fromSeq` on with the only algorithm open to them, plain SHA-256.
 */
async function recomputeWithoutKey(db: Db, reference: string, fromSeq: number): Promise<void> {
  const rows = await db.query<{
    id: string;
    seq: number;
    kind: "assessment";
    recorded_at: Date | string;
    content: string;
    hash: string;
  }>("SELECT * FROM records WHERE reference = $1 ORDER BY seq", [reference]);
  let previous = rows[fromSeq - 2]?.hash ?? GENESIS;
  for (const r of rows.slice(fromSeq - 1)) {
    const hash = legacyRecordHash({
      recordId: r.id,
      reference,
      seq: r.seq,
      kind: r.kind,
      recordedAt: new Date(r.recorded_at).toISOString(),
      previousHash: previous,
      contentText: r.content,
    });
    await asOwner(db, "UPDATE records SET previous_hash = $3, hash = $4 WHERE reference = $1 AND seq = $2", [
      reference,
      r.seq,
      previous,
      hash,
    ]);
    previous = hash;
  }
}

describe.each(BACKENDS)("decision records on $name", (backend) => {
  const key = recordsKey(randomBytes(32));
  let db: Db;
  let reopen: () => Promise<Db>;
  let cleanup: () => Promise<void>;
  let store: RecordStore;

  beforeAll(async () => {
    ({ db, reopen, cleanup } = await backend.open());
    store = new RecordStore(db, { key });
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  /** A case with `n` assessment records after its opening, and an anchor kept of it. */
  const caseWith = async (reference: string, n: number): Promise<Anchor> => {
    await store.createCase(reference, CHAIR);
    for (let i = 1; i <= n; i++) await store.append(reference, "assessment", { n: i }, CHAIR);
    const anchor = await store.anchor(reference);
    if (!anchor || "broken" in anchor) throw new Error("no anchor");
    return anchor;
  };

  it("applies the versioned migrations once, and again is a no-op", async () => {
    const applied = await db.query<{ version: number }>(
      "SELECT version FROM schema_migrations ORDER BY version",
    );
    expect(applied.map((r) => r.version)).toEqual(migrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
  });

  it("opens a case with its first record, naming who opened it, and refuses the same reference twice", async () => {
    const first = await store.createCase("CASE-1", CHAIR);
    expect(first).toMatchObject({ seq: 1, kind: "case-opened", previousHash: GENESIS, madeBy: CHAIR });
    await expect(store.createCase("CASE-1", CHAIR)).rejects.toBeInstanceOf(CaseExistsError);
  });

  it("chains each record to the one before it with an HMAC under the key, and verifies the chain", async () => {
    const a = await store.append("CASE-1", "assessment", { outcome: "initiate-scr" }, CHAIR);
    const b = await store.append("CASE-1", "decision", { decision: "serious-case-review" }, CHAIR);
    expect(a.previousHash).toBe((await store.records("CASE-1"))![0]!.hash);
    expect(b.previousHash).toBe(a.hash);
    expect(b.hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(await store.verify("CASE-1")).toMatchObject({
      reference: "CASE-1",
      valid: true,
      records: 3,
      unkeyedLegacyRecords: 0,
      problems: [],
    });
  });

  it("refuses to update, delete or truncate records, cases, the access log or idempotency keys", async () => {
    await store.logAccess("CASE-1", "read-case", CHAIR, "127.0.0.1");
    await store.appendOnce("CASE-1", "assessment", { n: 0 }, CHAIR, { key: "k-guard", requestHash: "h" });
    for (const sql of [
      "UPDATE records SET content = '{}' WHERE reference = 'CASE-1'",
      "DELETE FROM records WHERE reference = 'CASE-1'",
      // The idempotency keys reference records (migration 004), so a plain TRUNCATE is refused by
      // that foreign key first; with CASCADE, the triggers refuse it, as for cases.
      "TRUNCATE records CASCADE",
      "UPDATE cases SET created_at = now() WHERE reference = 'CASE-1'",
      "DELETE FROM cases WHERE reference = 'CASE-1'",
      "TRUNCATE cases CASCADE",
      "UPDATE access_log SET address = 'elsewhere'",
      "DELETE FROM access_log",
      "TRUNCATE access_log",
      "UPDATE idempotency_keys SET request_hash = 'other'",
      "DELETE FROM idempotency_keys",
      "TRUNCATE idempotency_keys",
    ])
      await expect(db.query(sql), sql).rejects.toThrow(/append-only/);
    expect((await store.verify("CASE-1"))!.valid).toBe(true);
  });

  it("detects an edit made past the database's own guard, naming the record", async () => {
    await caseWith("CASE-EDIT", 3);
    await asOwner(db, `UPDATE records SET content = '{"n":99}' WHERE reference = 'CASE-EDIT' AND seq = 2`);
    const result = (await store.verify("CASE-EDIT"))!;
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatchObject({ seq: 2, problem: expect.stringContaining("records key") });
    expect(result.summary).toMatch(/^The chain does not hold: record 2 /);
  });

  it("detects a chain recomputed without the key after an edit", async () => {
    const anchor = await caseWith("CASE-RECOMPUTED", 3);
    await asOwner(
      db,
      `UPDATE records SET content = '{"n":99}' WHERE reference = 'CASE-RECOMPUTED' AND seq = 2`,
    );
    await recomputeWithoutKey(db, "CASE-RECOMPUTED", 2);
    const alone = (await store.verify("CASE-RECOMPUTED"))!;
    expect(alone.valid).toBe(false);
    expect(alone.problems[0]).toMatchObject({ seq: 2, problem: expect.stringContaining("without the key") });
    const against = (await store.verify("CASE-RECOMPUTED", anchor))!;
    expect(against.valid).toBe(false);
    expect(against.anchor).toMatchObject({ signatureValid: true, holds: false });
  });

  it("detects a whole chain rewritten as if it were unkeyed, legacy records", async () => {
    await caseWith("CASE-ALL-PLAIN", 2);
    await recomputeWithoutKey(db, "CASE-ALL-PLAIN", 1);
    const result = (await store.verify("CASE-ALL-PLAIN"))!;
    expect(result.valid).toBe(false);
    expect(result.problems.at(-1)).toMatchObject({ seq: 3, problem: expect.stringContaining("unkeyed") });
  });

  it("detects a removed record in the middle", async () => {
    await caseWith("CASE-GAP", 3);
    await asOwner(db, "DELETE FROM records WHERE reference = 'CASE-GAP' AND seq = 2");
    const result = (await store.verify("CASE-GAP"))!;
    expect(result.valid).toBe(false);
    expect(result.problems[0]!.seq).toBe(3);
  });

  it("against a kept anchor, detects the last records deleted, which the chain alone cannot show", async () => {
    const anchor = await caseWith("CASE-TAIL", 4);
    expect(anchor).toMatchObject({ reference: "CASE-TAIL", recordCount: 5 });
    await asOwner(db, "DELETE FROM records WHERE reference = 'CASE-TAIL' AND seq >= 4");
    // What is left is a whole, shorter chain.
    expect((await store.verify("CASE-TAIL"))!.valid).toBe(true);
    const result = (await store.verify("CASE-TAIL", anchor))!;
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatchObject({
      seq: 4,
      problem: expect.stringMatching(
        /^is missing: the kept anchor covers 5 records and the case now holds 3/,
      ),
    });
    expect(result.summary).toContain("record 4 is missing");
  });

  it("against a kept anchor, holds when records have been added since", async () => {
    const anchor = await caseWith("CASE-GROWN", 1);
    await store.append("CASE-GROWN", "decision", { decision: "serious-case-review" }, CHAIR);
    const result = (await store.verify("CASE-GROWN", anchor))!;
    expect(result).toMatchObject({ valid: true, records: 3, anchor: { holds: true, signatureValid: true } });
  });

  it("refuses an anchor whose figures were changed: its signature no longer verifies", async () => {
    const anchor = await caseWith("CASE-FORGED", 2);
    const result = (await store.verify("CASE-FORGED", { ...anchor, recordCount: 2 }))!;
    expect(result.valid).toBe(false);
    expect(result.anchor).toMatchObject({ signatureValid: false });
    // An anchor signed with another key is no evidence either.
    const other = new RecordStore(db, { key: recordsKey(randomBytes(32)) });
    expect((await other.verify("CASE-FORGED", anchor))!.anchor!.signatureValid).toBe(false);
  });

  it("against a kept anchor, detects emptied tables, cases and all", async () => {
    const anchor = await caseWith("CASE-TRUNCATED", 2);
    // The triggers refuse TRUNCATE; an owner who drops them empties every table (the idempotency
    // keys too: they reference records, and PostgreSQL truncates a referenced table only with them).
    await asOwner(db, "TRUNCATE records, access_log, idempotency_keys, cases");
    expect(await store.verify("CASE-TRUNCATED")).toBeNull();
    const result = (await store.verify("CASE-TRUNCATED", anchor))!;
    expect(result).toMatchObject({ valid: false, records: 0 });
    expect(result.problems[0]).toMatchObject({ seq: 1, problem: expect.stringContaining("is missing") });
    // Cases made before are gone too: start again for the tests that follow.
    await store.createCase("CASE-1", CHAIR);
  });

  it("signs no anchor over a chain that does not hold", async () => {
    await caseWith("CASE-NO-ANCHOR", 1);
    await asOwner(
      db,
      `UPDATE records SET content = '{"n":5}' WHERE reference = 'CASE-NO-ANCHOR' AND seq = 2`,
    );
    expect(await store.anchor("CASE-NO-ANCHOR")).toMatchObject({ broken: { valid: false } });
  });

  it("verifies records made before the chain was keyed as unkeyed, legacy, once a keyed store has sealed them", async () => {
    // Two records as the service made them before: plain SHA-256, nobody named.
    await db.query("INSERT INTO cases (reference, created_at) VALUES ('CASE-LEGACY', now())");
    let previous = GENESIS;
    for (const seq of [1, 2]) {
      const r = {
        recordId: randomUUID(),
        reference: "CASE-LEGACY",
        seq,
        kind: (seq === 1 ? "case-opened" : "assessment") as "assessment",
        recordedAt: new Date(Date.UTC(2024, 0, seq)).toISOString(),
        previousHash: previous,
        contentText: JSON.stringify({ seq }),
      };
      const hash = legacyRecordHash(r);
      await db.query(
        "INSERT INTO records (id, reference, seq, kind, recorded_at, content, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [r.recordId, r.reference, seq, r.kind, r.recordedAt, r.contentText, previous, hash],
      );
      previous = hash;
    }
    // Unsealed, a chain that ends unkeyed is not trusted.
    expect((await store.verify("CASE-LEGACY"))!.valid).toBe(false);
    expect(await store.sealLegacy()).toEqual(["CASE-LEGACY"]);
    expect(await store.sealLegacy()).toEqual([]);
    const result = (await store.verify("CASE-LEGACY"))!;
    expect(result).toMatchObject({ valid: true, records: 3, unkeyedLegacyRecords: 2 });
    expect(result.summary).toContain("Records 1 to 2 are unkeyed, legacy");
    expect((await store.records("CASE-LEGACY"))!.at(-1)).toMatchObject({
      kind: "sealed",
      madeBy: null,
      content: { sealedRecords: 2, sealedHead: previous },
    });
  });

  it("logs accesses in a chain of their own, newest first, and detects an edited entry", async () => {
    await store.createCase("CASE-LOG", CHAIR);
    await store.logAccess("CASE-LOG", "open-case", CHAIR, "10.0.0.1");
    await store.logAccess("CASE-LOG", "read-case", { kind: "anyone" }, undefined);
    const log = (await store.accessLog("CASE-LOG"))!;
    expect(log).toMatchObject({ total: 2, valid: true });
    expect(log.items.map((e) => [e.seq, e.operation, e.madeBy.kind, e.address])).toEqual([
      [2, "read-case", "anyone", null],
      [1, "open-case", "person", "10.0.0.1"],
    ]);
    expect(await store.logAccess("NO-SUCH-CASE", "read-case", CHAIR, undefined)).toBeNull();
    await asOwner(db, "UPDATE access_log SET address = '192.0.2.1' WHERE reference = 'CASE-LOG' AND seq = 1");
    expect((await store.accessLog("CASE-LOG"))!).toMatchObject({ valid: false, problems: [{ seq: 1 }] });
  });

  it("reads a long case a bounded page at a time", async () => {
    await caseWith("CASE-LONG", 120);
    const first = (await store.page("CASE-LONG"))!;
    expect(first).toMatchObject({ total: 121, from: 1, limit: PAGE_SIZE });
    expect(first.items.map((r) => r.seq)).toEqual(Array.from({ length: PAGE_SIZE }, (_, i) => i + 1));
    const last = (await store.page("CASE-LONG", 101, 1000))!;
    expect(last.limit).toBe(200);
    expect(last.items.map((r) => r.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 101));
  });

  it("appends once per idempotency key: the same key and request return the first record, adding nothing", async () => {
    await store.createCase("CASE-ONCE", CHAIR);
    const key = { key: "7d1c6f0e-key", requestHash: "sha256:aaa" };
    const first = await store.appendOnce("CASE-ONCE", "decision", { d: 1 }, CHAIR, key);
    expect(first.replayed).toBe(false);
    expect(first.record).toMatchObject({ seq: 2, kind: "decision", madeBy: CHAIR });
    // Sent again (a second click), even by someone else: the first record, as it was made.
    const OTHER = { kind: "api-client", id: "app", name: "app", roles: ["chair"] } as const;
    const again = await store.appendOnce("CASE-ONCE", "decision", { d: 1 }, OTHER, key);
    expect(again).toEqual({ record: first.record, replayed: true });
    // The same key with a different request is refused, and adds nothing.
    await expect(
      store.appendOnce("CASE-ONCE", "decision", { d: 2 }, CHAIR, { ...key, requestHash: "sha256:bbb" }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    // A key is scoped to its case and to what it records.
    const advice = await store.appendOnce("CASE-ONCE", "assessment", { a: 1 }, CHAIR, key);
    expect(advice).toMatchObject({ replayed: false, record: { seq: 3, kind: "assessment" } });
    await expect(store.appendOnce("CASE-NONE", "decision", { d: 1 }, CHAIR, key)).rejects.toBeInstanceOf(
      CaseNotFoundError,
    );
    expect((await store.records("CASE-ONCE"))!.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect((await store.verify("CASE-ONCE"))!.valid).toBe(true);
  });

  it("makes one record when two instances append with the same idempotency key at once", async () => {
    const other = backend.name === "postgres" ? await reopen() : db;
    const second = new RecordStore(other, { key });
    await store.createCase("CASE-ONCE-RACE", CHAIR);
    const idem = { key: "same-key", requestHash: "sha256:same" };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? store : second).appendOnce("CASE-ONCE-RACE", "decision", { d: 1 }, CHAIR, idem),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.recordId)).size).toBe(1);
    expect((await store.records("CASE-ONCE-RACE"))!).toHaveLength(2);
    if (other !== db) await other.close();
  }, 60_000);

  it("keeps every record across a restart, and verifies them only with the same key", async () => {
    await store.createCase("CASE-RESTART", CHAIR);
    const before = await store.append("CASE-RESTART", "decision", { reasons: "kept" }, CHAIR);
    await db.close();
    db = await reopen();
    store = new RecordStore(db, { key });
    const after = await store.records("CASE-RESTART");
    expect(after!.at(-1)).toEqual(before);
    expect((await store.verify("CASE-RESTART"))!.valid).toBe(true);
    const otherKey = new RecordStore(db, { key: recordsKey(randomBytes(32)) });
    expect((await otherKey.verify("CASE-RESTART"))!.valid).toBe(false);
  });

  it("keeps one unbroken chain when two instances write to the same case at once", async () => {
    // A second instance: its own connection (PostgreSQL) or the same embedded database (PGlite,
    // which serves one process).
    const other = backend.name === "postgres" ? await reopen() : db;
    const second = new RecordStore(other, { key });
    await store.createCase("CASE-RACE", CHAIR);
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? store : second).append("CASE-RACE", "assessment", { writer: i % 2, i }, CHAIR),
    );
    const written = await Promise.all(writes);
    expect(new Set(written.map((r) => r.seq)).size).toBe(40);
    const result = await store.verify("CASE-RACE");
    expect(result).toMatchObject({ valid: true, records: 41 });
    if (other !== db) await other.close();
  }, 60_000);
});
