/**
 * The database behind decision records: PGlite (PostgreSQL compiled to WebAssembly, in a folder
 * under THRESHOLD_DATA_DIR) by default, so a board needs no server; PostgreSQL when DATABASE_URL is
 * set, so several instances can share one store. One SQL dialect serves both, so one schema and one
 * set of versioned migrations (migrations/NNN_name.sql, applied in order at start-up) serve both.
 *
 * The embedded store, on a folder:
 * - is opened by one process at a time (src/cases/lock.ts);
 * - is durable: PGlite starts PostgreSQL with fsync off ("-F") and its file system ignores
 *   fdatasync, so a commit could be lost to a power cut. Here PostgreSQL runs with fsync on and
 *   wal_sync_method=fsync, and the file system's fsync reaches the disk (fs.fsyncSync): one fsync
 *   of the WAL per commit. Measured on the development machine: about 1 ms a commit without, 4-5 ms
 *   with (200 single-row commits: 155-375 ms against 785-1066 ms).
 * - refuses to write when its disk is nearly full (less than `minFreeBytes` free, 64 MiB by
 *   default: a WAL segment is 16 MiB), with Unavailable (503). PGlite meeting ENOSPC while writing
 *   its WAL does not fail: it spins, holding the event loop, so no signal is ever handled again.
 *   Refusing first keeps the process answering; src/cases/watchdog.ts ends it if it wedges anyway.
 *
 * PostgreSQL: migrations run as the owner when DATABASE_OWNER_URL is set, which then grants the
 * runtime role (DATABASE_URL) only SELECT and INSERT on the record tables (see `grantRuntime`).
 * A disk-full or unreachable database answers Unavailable (503), never a 500.
 */
import { mkdirSync, readdirSync, readFileSync, statfsSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { projectRoot } from "../config.js";
import { Unavailable } from "../errors.js";
import { lockDirectory, type DirectoryLock } from "./lock.js";

export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A transaction: queries, and SQL of several statements at once (a migration file). */
export interface Transaction extends Tx {
  /**
   * Runs SQL that may hold several statements, without parameters: PGlite's exec and pg's simple
   * query protocol both accept that, so a migration needs no splitting of our own.
   */
  exec(sql: string): Promise<void>;
}

export interface Db extends Tx {
  readonly kind: "pglite" | "postgres";
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: true when the role the service runs as may UPDATE, DELETE or TRUNCATE the
   * records (it owns them: no DATABASE_OWNER_URL). The service warns; anchors still catch changes.
   */
  readonly runtimeMayRewrite?: boolean;
}

/** Below this much free space on the embedded store's disk, writes are refused (503). */
const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

class PgliteDb implements Db {
  readonly kind = "pglite";
  constructor(
    private readonly db: PGlite,
    private readonly guard: { dataDir?: string; minFreeBytes: number; lock?: DirectoryLock },
  ) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }
  /** Refuses before PGlite can meet a full disk (which it cannot survive). */
  private checkSpace(): void {
    if (!this.guard.dataDir) return;
    const s = statfsSync(this.guard.dataDir);
    const free = s.bavail * s.bsize;
    if (free < this.guard.minFreeBytes)
      throw new Unavailable(
        `the disk that holds the records is full (${Math.floor(free / 1048576)} MiB free, ${Math.floor(this.guard.minFreeBytes / 1048576)} MiB must stay free): nothing was recorded; free some space and try again`,
      );
  }
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.checkSpace();
    // PGlite runs one transaction at a time: others wait, so writers are serialised.
    return this.db.transaction(async (t) =>
      fn({
        query: async <R>(sql: string, params: unknown[] = []) => (await t.query<R>(sql, params)).rows,
        exec: async (sql: string) => {
          await t.exec(sql);
        },
      }),
    );
  }
  get onDisk(): boolean {
    return this.guard.dataDir !== undefined;
  }
  /** A copy of the whole database (PGlite's data folder as a tarball). */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir("none");
  }
  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.guard.lock?.release();
    }
  }
}

/**
 * PostgreSQL's own refusals that are no client's fault and no bug: the disk full or memory short
 * (class 53), the server shutting down (57P01-03), the server unreachable. They answer 503.
 */
function unavailable(e: unknown): unknown {
  const code = (e as { code?: string }).code ?? "";
  if (code.startsWith("53"))
    return new Unavailable("the records database has run out of room (disk or memory): nothing was recorded");
  if (/^57P0[123]$/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND"].includes(code))
    return new Unavailable("the records database cannot be reached");
  return e;
}

class PostgresDb implements Db {
  readonly kind = "postgres";
  runtimeMayRewrite?: boolean;
  constructor(private readonly pool: pg.Pool) {
    // An idle connection the server drops must not bring the process down.
    pool.on("error", () => undefined);
  }
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query(sql, params)).rows as T[];
    } catch (e) {
      throw unavailable(e);
    }
  }
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((e: unknown) => {
      throw unavailable(e);
    });
    try {
      await client.query("BEGIN");
      const result = await fn({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as R[],
        // No values, so pg uses the simple query protocol, which runs several statements.
        exec: async (sql: string) => {
          await client.query(sql);
        },
      });
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw unavailable(e);
    } finally {
      client.release();
    }
  }
  close(): Promise<void> {
    return this.pool.end();
  }
}

export interface DbOptions {
  databaseUrl?: string;
  /**
   * PostgreSQL: the owner's connection, used only to migrate and to grant the runtime role
   * (DATABASE_URL) SELECT and INSERT on the record tables. Absent, DATABASE_URL migrates (and owns).
   */
  ownerUrl?: string;
  /** Folder for the embedded database; absent means in memory (tests). */
  dataDir?: string;
  /**
   * In memory only: start as a copy of this database (from `dumpInMemory`) instead of creating
   * one, which takes PGlite seconds; tests open many from one migrated copy. Migrations still run.
   */
  fromDump?: Blob;
  /** Embedded, on a folder: writes are refused below this much free disk (default 64 MiB). */
  minFreeBytes?: number;
}

/**
 * PGlite's start parameters (@electric-sql/pglite 0.5.16 defaultStartParams) without "-F" (fsync
 * off), and with the WAL synced by fsync, which reaches the disk; PGlite's fdatasync does not.
 */
const DURABLE_START_PARAMS = [
  "--single",
  "-O",
  "-j",
  "-c",
  "search_path=public",
  "-c",
  "exit_on_error=false",
  "-c",
  "log_checkpoints=false",
  "-c",
  "max_worker_processes=0",
  "-c",
  "max_parallel_workers=0",
  "-c",
  "max_parallel_workers_per_gather=0",
  "-c",
  "io_method=sync",
  "-c",
  "max_parallel_maintenance_workers=0",
  "-c",
  "fsync=on",
  "-c",
  "wal_sync_method=fsync",
];

/** PGlite's Node file system, with an fsync that reaches the disk. */
async function durableFs(dataDir: string) {
  const { NodeFS } = await import("@electric-sql/pglite/nodefs");
  const fs = await import("node:fs");
  type Init = InstanceType<typeof NodeFS>["init"];
  class DurableNodeFS extends NodeFS {
    override async init(...args: Parameters<Init>): ReturnType<Init> {
      const result = await super.init(...args);
      const opts = result.emscriptenOpts as { preRun: Array<(m: unknown) => void> };
      opts.preRun.push((m) => {
        const ops = (m as { NODEFS: { stream_ops: Record<string, unknown> } }).NODEFS.stream_ops;
        // Emscripten's NODEFS has no fsync of its own: without this, fsync is a no-op.
        ops.fsync = (stream: { nfd?: number }) => {
          if (stream.nfd !== undefined) fs.fsyncSync(stream.nfd);
          return 0;
        };
      });
      return result;
    }
  }
  return new DurableNodeFS(dataDir);
}

export async function openDb(options: DbOptions): Promise<Db> {
  // Each driver is loaded only when it is used: PGlite's WebAssembly is most of the start-up.
  if (options.databaseUrl) {
    const { default: pg } = await import("pg");
    const runtime = new PostgresDb(new pg.Pool({ connectionString: options.databaseUrl, max: 10 }));
    try {
      if (options.ownerUrl) {
        const owner = new PostgresDb(new pg.Pool({ connectionString: options.ownerUrl, max: 2 }));
        try {
          await migrate(owner);
          await grantRuntime(owner, runtime, pg.escapeIdentifier);
        } finally {
          await owner.close();
        }
      } else {
        await migrate(runtime);
      }
      const [may] = await runtime.query<{ rewrite: boolean }>(
        "SELECT has_table_privilege('records', 'UPDATE') OR has_table_privilege('records', 'DELETE') OR has_table_privilege('records', 'TRUNCATE') AS rewrite",
      );
      runtime.runtimeMayRewrite = may!.rewrite;
    } catch (e) {
      await runtime.close();
      throw e;
    }
    return runtime;
  }
  if (!options.dataDir) {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create(options.fromDump ? { loadDataDir: options.fromDump } : {});
    const db = new PgliteDb(pglite, { minFreeBytes: 0 });
    await migrate(db);
    return db;
  }
  // The lock first, before the slow part: a second process is refused at once.
  mkdirSync(options.dataDir, { recursive: true });
  const lock = lockDirectory(options.dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create({
      fs: await durableFs(options.dataDir),
      startParams: DURABLE_START_PARAMS,
    });
    const db = new PgliteDb(pglite, {
      dataDir: options.dataDir,
      minFreeBytes: options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES,
      lock,
    });
    await migrate(db);
    return db;
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** A copy of an in-memory embedded database, to open others from (`fromDump`). */
export function dumpInMemory(db: Db): Promise<Blob> {
  if (!(db instanceof PgliteDb) || db.onDisk)
    throw new Error("only an in-memory embedded database is copied");
  return db.dump();
}

/**
 * The tables whose rows are records: the runtime role may only read them and add to them. The
 * idempotency keys (migration 004) say which request made a record, so they are records too.
 */
export const RECORD_TABLES = ["cases", "records", "access_log", "idempotency_keys"] as const;

/**
 * As the owner: the runtime role may use the schema and every other table as it needs (sessions,
 * for example), but on the record tables only SELECT and INSERT, and on the migrations' own table
 * only SELECT. Run after every migration, so a table a later migration adds is covered too.
 */
async function grantRuntime(owner: Db, runtime: Db, quote: (name: string) => string): Promise<void> {
  const [{ who }] = (await runtime.query<{ who: string }>("SELECT current_user AS who")) as [{ who: string }];
  const [{ me }] = (await owner.query<{ me: string }>("SELECT current_user AS me")) as [{ me: string }];
  if (who === me)
    throw new Error(
      `DATABASE_URL and DATABASE_OWNER_URL both sign in as ${who}: the runtime role must be another role, which may only read and add records`,
    );
  const role = quote(who);
  const records = RECORD_TABLES.join(", ");
  await owner.transaction(async (tx) => {
    await tx.exec(`
      GRANT USAGE ON SCHEMA public TO ${role};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role};
      REVOKE ALL ON ${records}, schema_migrations FROM ${role};
      GRANT SELECT, INSERT ON ${records} TO ${role};
      GRANT SELECT ON schema_migrations TO ${role};
    `);
  });
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrations(dir = path.join(projectRoot(), "migrations")): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(path.join(dir, f), "utf8") }));
}

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock so
 * that instances starting together against one PostgreSQL do not race.
 */
export async function migrate(db: Db): Promise<string[]> {
  await db.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const applied: string[] = [];
  for (const m of migrations()) {
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(727274)");
      const done = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [m.version]);
      if (done.length) return;
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.name);
    });
  }
  return applied;
}
