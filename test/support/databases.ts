/**
 * The databases the record tests run against: the embedded default (PGlite) always, and PostgreSQL
 * when TEST_DATABASE_URL names one (CI starts PostgreSQL from Debian's packages and sets it). Under
 * CI a missing PostgreSQL is an error, not a skipped half of the suite.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDb, type Db } from "../../src/cases/db.js";
import { migratedFolder } from "./pglite-cache.js";

export interface Backend {
  name: "pglite" | "postgres";
  /** A fresh, empty database (a new folder, or a new PostgreSQL schema-free database state). */
  open(): Promise<{ db: Db; reopen: () => Promise<Db>; cleanup: () => Promise<void> }>;
}

const pgUrl = process.env.TEST_DATABASE_URL;
if (process.env.CI && !pgUrl) {
  throw new Error(
    "CI must run the record tests against PostgreSQL too: set TEST_DATABASE_URL (.ci/run does)",
  );
}

let counter = 0;

export const BACKENDS: Backend[] = [
  {
    name: "pglite",
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), "threshold-pglite-"));
      // A copy of one migrated folder (test/support/pglite-cache.ts): as empty and as separate as
      // a new one, in a fraction of the time.
      cpSync(await migratedFolder(), dir, { recursive: true });
      const db = await openDb({ dataDir: dir });
      return {
        db,
        reopen: () => openDb({ dataDir: dir }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(pgUrl
    ? [
        {
          name: "postgres" as const,
          async open() {
            // A database of its own per test file run, created from the server's template.
            const name = `threshold_t${process.pid}_${++counter}_${Date.now() % 100000}`;
            const admin = new pg.Client({ connectionString: pgUrl });
            await admin.connect();
            await admin.query(`CREATE DATABASE ${name}`);
            await admin.end();
            const url = new URL(pgUrl);
            url.pathname = `/${name}`;
            const db = await openDb({ databaseUrl: url.toString() });
            return {
              db,
              reopen: () => openDb({ databaseUrl: url.toString() }),
              cleanup: async () => {
                const a = new pg.Client({ connectionString: pgUrl });
                await a.connect();
                await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
                await a.end();
              },
            };
          },
        },
      ]
    : []),
];
