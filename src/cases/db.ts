/**
 * The database behind decision records: PGlite (PostgreSQL compiled to WebAssembly, in a folder
 * under THRESHOLD_DATA_DIR) by default, so a board needs no server; PostgreSQL when DATABASE_URL is
 * set, so several instances can share one store. One SQL dialect serves both, so one schema and one
 * set of versioned migrations (migrations/NNN_name.sql, applied in order at start-up) serve both.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { projectRoot } from "../config.js";

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
}

class PgliteDb implements Db {
  readonly kind = "pglite";
  constructor(private readonly db: PGlite) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
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
  close(): Promise<void> {
    return this.db.close();
  }
}

class PostgresDb implements Db {
  readonly kind = "postgres";
  constructor(private readonly pool: pg.Pool) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
      throw e;
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
  /** Folder for the embedded database; absent means in memory (tests). */
  dataDir?: string;
}

export async function openDb(options: DbOptions): Promise<Db> {
  // Each driver is loaded only when it is used: PGlite's WebAssembly is most of the start-up.
  let db: Db;
  if (options.databaseUrl) {
    const { default: pg } = await import("pg");
    db = new PostgresDb(new pg.Pool({ connectionString: options.databaseUrl, max: 10 }));
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    db = new PgliteDb(options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create());
  }
  await migrate(db);
  return db;
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
