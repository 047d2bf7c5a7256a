/**
 * PostgreSQL's roles: migrations run as the owner (DATABASE_OWNER_URL), which grants the service's
 * runtime role (DATABASE_URL) only SELECT and INSERT on the record tables. The runtime role cannot
 * update, delete or truncate a record; an owner who does (past the triggers) is caught by `verify`
 * against a kept anchor. Needs a PostgreSQL role allowed to create roles (.ci/run grants
 * CREATEROLE to the test role).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, RECORD_TABLES, type Db } from "./db.js";
import { recordsKey } from "./keys.js";
import { RecordStore, type Anchor } from "./store.js";

const pgUrl = process.env.TEST_DATABASE_URL;
const CHAIR = { kind: "api-client", id: "case-app", name: "case-app", roles: ["chair"] } as const;

describe.runIf(pgUrl)("the runtime role on PostgreSQL", () => {
  const suffix = `${process.pid}_${Date.now() % 100000}`;
  const database = `threshold_roles_${suffix}`;
  const role = `threshold_rt_${suffix}`;
  const password = randomBytes(12).toString("hex");
  const key = recordsKey(randomBytes(32));
  let ownerUrl: string;
  let runtimeUrl: string;
  let runtime: Db;
  let owner: pg.Client;
  let store: RecordStore;

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    const url = new URL(pgUrl!);
    url.pathname = `/${database}`;
    ownerUrl = url.toString();
    url.username = role;
    url.password = password;
    runtimeUrl = url.toString();
    runtime = await openDb({ databaseUrl: runtimeUrl, ownerUrl });
    store = new RecordStore(runtime, { key });
    owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await runtime?.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${role}`);
  });

  let anchor: Anchor;
  it("reads and adds records as the runtime role, which may not rewrite them", async () => {
    expect(runtime.runtimeMayRewrite).toBe(false);
    await store.createCase("ROLE-1", CHAIR);
    for (let i = 0; i < 3; i++) await store.append("ROLE-1", "assessment", { i }, CHAIR);
    await store.logAccess("ROLE-1", "read-case", CHAIR, "10.1.1.1");
    // An idempotency key is written and read back with INSERT and SELECT alone.
    const idem = { key: "role-key", requestHash: "sha256:r" };
    const once = await store.appendOnce("ROLE-1", "decision", { d: 1 }, CHAIR, idem);
    expect(await store.appendOnce("ROLE-1", "decision", { d: 1 }, CHAIR, idem)).toEqual({
      record: once.record,
      replayed: true,
    });
    const a = await store.anchor("ROLE-1");
    if (!a || "broken" in a) throw new Error("no anchor");
    anchor = a;
    expect((await store.verify("ROLE-1", anchor))!.valid).toBe(true);
  });

  it.each([
    "UPDATE records SET content = '{}'",
    "DELETE FROM records",
    "TRUNCATE records CASCADE",
    "UPDATE cases SET created_at = now()",
    "DELETE FROM cases",
    "UPDATE access_log SET address = NULL",
    "DELETE FROM access_log",
    "TRUNCATE access_log",
    "UPDATE idempotency_keys SET request_hash = 'other'",
    "DELETE FROM idempotency_keys",
    "TRUNCATE idempotency_keys",
    "ALTER TABLE records DISABLE TRIGGER USER",
    "DROP TABLE records CASCADE",
  ])("the runtime role is refused: %s", async (sql) => {
    await expect(runtime.query(sql)).rejects.toThrow(/permission denied|must be owner/);
  });

  it("refuses to start with the same role as owner and runtime", async () => {
    await expect(openDb({ databaseUrl: ownerUrl, ownerUrl })).rejects.toThrow(/both sign in as/);
  });

  it("says when the runtime role owns the tables (no DATABASE_OWNER_URL)", async () => {
    const owning = await openDb({ databaseUrl: ownerUrl });
    expect(owning.runtimeMayRewrite).toBe(true);
    await owning.close();
  });

  it("catches an owner who edits a record and recomputes the chain, against a kept anchor", async () => {
    await owner.query("BEGIN");
    await owner.query("ALTER TABLE records DISABLE TRIGGER USER");
    await owner.query(`UPDATE records SET content = '{"i":42}' WHERE reference = 'ROLE-1' AND seq = 3`);
    await owner.query("ALTER TABLE records ENABLE TRIGGER USER");
    await owner.query("COMMIT");
    const result = (await store.verify("ROLE-1", anchor))!;
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatchObject({ seq: 3 });
  });

  it("catches an owner who empties the tables, against a kept anchor", async () => {
    await owner.query("BEGIN");
    // The idempotency keys reference records: PostgreSQL truncates a referenced table only with them.
    for (const t of RECORD_TABLES) await owner.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    await owner.query("TRUNCATE records, access_log, idempotency_keys, cases");
    for (const t of RECORD_TABLES) await owner.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
    await owner.query("COMMIT");
    const result = (await store.verify("ROLE-1", anchor))!;
    expect(result).toMatchObject({
      valid: false,
      records: 0,
      anchor: { signatureValid: true, holds: false },
    });
    expect(result.summary).toContain("record 1 is missing");
  });
});
