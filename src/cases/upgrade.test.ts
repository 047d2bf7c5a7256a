/**
 * Upgrading a store whose records were made before the chain was keyed (migration 001 only, plain
 * SHA-256, the head kept in `cases`): the migrations that follow apply over its data, the first
 * keyed store seals each case, and the old records verify as what they are, unkeyed and legacy.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { migrate, migrations, type Db, type Transaction } from "./db.js";
import { recordsKey } from "./keys.js";
import { GENESIS, legacyRecordHash, RecordStore } from "./store.js";

/** An in-memory PGlite as a Db, without the migrations openDb would apply. */
function bare(pglite: PGlite): Db {
  return {
    kind: "pglite",
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) =>
      pglite.transaction((t) =>
        fn({
          query: async <R>(sql: string, params: unknown[] = []) => (await t.query<R>(sql, params)).rows,
          exec: async (sql: string) => {
            await t.exec(sql);
          },
        }),
      ),
    close: () => pglite.close(),
  };
}

describe("a store made before the chain was keyed", () => {
  it("migrates with its data, is sealed, and verifies its old records as unkeyed, legacy", async () => {
    const pglite = await PGlite.create();
    const db = bare(pglite);
    const first = migrations()[0]!;
    await pglite.exec(first.sql);
    await pglite.exec(
      "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    await pglite.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
      first.version,
      first.name,
    ]);
    // Two records as the service of migration 001 wrote them, head in cases.
    let previous = GENESIS;
    const rows = [];
    for (const seq of [1, 2]) {
      const r = {
        recordId: randomUUID(),
        reference: "OLD/1",
        seq,
        kind: (seq === 1 ? "case-opened" : "decision") as "decision",
        recordedAt: new Date(Date.UTC(2023, 5, seq)).toISOString(),
        previousHash: previous,
        contentText: JSON.stringify(
          seq === 1 ? { reference: "OLD/1" } : { decidedBy: "Chair", reasons: "r" },
        ),
      };
      previous = legacyRecordHash(r);
      rows.push({ ...r, hash: previous });
    }
    await pglite.query(
      "INSERT INTO cases (reference, created_at, head_hash, record_count) VALUES ($1, now(), $2, 2)",
      ["OLD/1", previous],
    );
    for (const r of rows)
      await pglite.query(
        "INSERT INTO records (id, reference, seq, kind, recorded_at, content, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [r.recordId, r.reference, r.seq, r.kind, r.recordedAt, r.contentText, r.previousHash, r.hash],
      );

    expect(await migrate(db)).toEqual(
      migrations()
        .slice(1)
        .map((m) => m.name),
    );
    const store = new RecordStore(db, { key: recordsKey(randomBytes(32)) });
    expect(await store.sealLegacy()).toEqual(["OLD/1"]);
    const result = (await store.verify("OLD/1"))!;
    expect(result).toMatchObject({ valid: true, records: 3, unkeyedLegacyRecords: 2 });
    const records = (await store.records("OLD/1"))!;
    expect(records.map((r) => [r.kind, r.madeBy])).toEqual([
      ["case-opened", null],
      ["decision", null],
      ["sealed", null],
    ]);
    // New records follow, keyed, and the chain holds across the seal.
    await store.append("OLD/1", "decision", { reasons: "later" }, { kind: "anyone" });
    expect((await store.verify("OLD/1"))!).toMatchObject({ valid: true, records: 4 });
    await db.close();
  });
});
