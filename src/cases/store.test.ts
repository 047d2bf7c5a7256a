/**
 * The decision records' store, on each database: append-only, hash-chained, kept across restarts,
 * and unbroken when two instances write to the same case at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrations, type Db } from "./db.js";
import { CaseExistsError, GENESIS, RecordStore } from "./store.js";
import { BACKENDS } from "../../test/support/databases.js";

describe.each(BACKENDS)("decision records on $name", (backend) => {
  let db: Db;
  let reopen: () => Promise<Db>;
  let cleanup: () => Promise<void>;
  let store: RecordStore;

  beforeAll(async () => {
    ({ db, reopen, cleanup } = await backend.open());
    store = new RecordStore(db);
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  it("applies the versioned migrations once, and again is a no-op", async () => {
    const applied = await db.query<{ version: number }>(
      "SELECT version FROM schema_migrations ORDER BY version",
    );
    expect(applied.map((r) => r.version)).toEqual(migrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
  });

  it("opens a case with its first record, and refuses the same reference twice", async () => {
    const first = await store.createCase("CASE-1");
    expect(first).toMatchObject({ seq: 1, kind: "case-opened", previousHash: GENESIS });
    await expect(store.createCase("CASE-1")).rejects.toBeInstanceOf(CaseExistsError);
  });

  it("chains each record to the one before it, and verifies the chain", async () => {
    const a = await store.append("CASE-1", "assessment", { outcome: "initiate-scr" });
    const b = await store.append("CASE-1", "decision", { decision: "serious-case-review" });
    expect(a.previousHash).toBe((await store.records("CASE-1"))![0]!.hash);
    expect(b.previousHash).toBe(a.hash);
    expect(await store.verify("CASE-1")).toEqual({
      reference: "CASE-1",
      valid: true,
      records: 3,
      problems: [],
    });
  });

  it("refuses to update or delete a record", async () => {
    await expect(db.query("UPDATE records SET content = '{}' WHERE reference = 'CASE-1'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query("DELETE FROM records WHERE reference = 'CASE-1'")).rejects.toThrow(/append-only/);
  });

  it("detects an edit to stored history, made past the database's own guard", async () => {
    await store.createCase("CASE-TAMPER");
    await store.append("CASE-TAMPER", "assessment", { outcome: "initiate-scr" });
    await store.append("CASE-TAMPER", "decision", { decision: "no-further-action" });
    await db.query("ALTER TABLE records DISABLE TRIGGER records_append_only");
    await db.query(
      `UPDATE records SET content = '{"outcome":"criteria-not-met"}' WHERE reference = 'CASE-TAMPER' AND seq = 2`,
    );
    await db.query("ALTER TABLE records ENABLE TRIGGER records_append_only");
    const result = await store.verify("CASE-TAMPER");
    expect(result!.valid).toBe(false);
    expect(result!.problems).toEqual([
      expect.objectContaining({ seq: 2, problem: expect.stringContaining("does not match its hash") }),
    ]);
  });

  it("detects a removed record", async () => {
    await store.createCase("CASE-GAP");
    await store.append("CASE-GAP", "assessment", { n: 1 });
    await store.append("CASE-GAP", "assessment", { n: 2 });
    await db.query("ALTER TABLE records DISABLE TRIGGER records_append_only");
    await db.query("DELETE FROM records WHERE reference = 'CASE-GAP' AND seq = 3");
    await db.query("ALTER TABLE records ENABLE TRIGGER records_append_only");
    expect((await store.verify("CASE-GAP"))!.valid).toBe(false);
  });

  it("keeps every record across a restart", async () => {
    await store.createCase("CASE-RESTART");
    const before = await store.append("CASE-RESTART", "decision", { reasons: "kept" });
    await db.close();
    db = await reopen();
    store = new RecordStore(db);
    const after = await store.records("CASE-RESTART");
    expect(after!.at(-1)).toEqual(before);
    expect((await store.verify("CASE-RESTART"))!.valid).toBe(true);
  });

  it("keeps one unbroken chain when two instances write to the same case at once", async () => {
    // A second instance: its own connection (PostgreSQL) or the same embedded database (PGlite,
    // which serves one process).
    const other = backend.name === "postgres" ? await reopen() : db;
    const second = new RecordStore(other);
    await store.createCase("CASE-RACE");
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? store : second).append("CASE-RACE", "assessment", { writer: i % 2, i }),
    );
    const written = await Promise.all(writes);
    expect(new Set(written.map((r) => r.seq)).size).toBe(40);
    const result = await store.verify("CASE-RACE");
    expect(result).toMatchObject({ valid: true, records: 41 });
    if (other !== db) await other.close();
  }, 60_000);
});
