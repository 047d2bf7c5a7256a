/**
 * Copies of migrated embedded databases for the tests (test/support/databases.ts, app.ts): creating
 * one (initdb, then the migrations) takes PGlite seconds of CPU, and the tests open dozens. Each
 * template (a closed data folder, and an in-memory database's dump) is made once, kept in
 * node_modules/.cache under a name made of PGlite's version and the migrations' contents (a changed
 * migration makes new ones), and copied for each test: as empty and as separate as a new database.
 * openDb still checks the migrations on each copy (finding none to apply).
 *
 * test/support/global-setup.ts makes both before the test files start, so that parallel workers
 * do not each make their own on a fresh clone.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dumpInMemory, migrations, openDb } from "../../src/cases/db.js";
import { projectRoot } from "../../src/config.js";

const CACHE = path.join(projectRoot(), "node_modules", ".cache", "threshold-pglite");

/**
 * Names a migrated embedded database by what makes it: PGlite's version (its own package.json,
 * which its "exports" do not list) and the migrations' contents. A change to either names another.
 */
function migratedDatabaseKey(): string {
  return createHash("sha256")
    .update(readFileSync(path.join(projectRoot(), "node_modules", "@electric-sql", "pglite", "package.json")))
    .update(JSON.stringify(migrations()))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Makes `target` once (written aside, then renamed into place, so parallel workers never see half
 * of it), unless it is already there; returns it.
 */
export async function cachedOnce(target: string, make: (partial: string) => Promise<void>): Promise<string> {
  if (existsSync(target)) return target;
  mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}-${Date.now()}`;
  try {
    await make(partial);
    try {
      renameSync(partial, target);
    } catch (e) {
      if (!existsSync(target)) throw e; // another worker made it first: use theirs
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}

/** A migrated, closed data folder, to copy into a folder of a test's own. */
export function migratedFolder(): Promise<string> {
  return cachedOnce(path.join(CACHE, `folder-${migratedDatabaseKey()}`), async (partial) => {
    // The migrated in-memory database, written out as a folder: one initdb for both templates
    // (some 2 s of CPU on a fresh clone, before any file starts). openDb opens a copy as it opens
    // any folder, checking the migrations.
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create({ dataDir: partial, loadDataDir: await migratedMemoryDump() });
    await pglite.close();
  });
}

let memoryDump: Promise<Blob> | undefined;

/** A migrated in-memory database's dump (read once per worker), for `openDb({ fromDump })`. */
export function migratedMemoryDump(): Promise<Blob> {
  memoryDump ??= cachedOnce(path.join(CACHE, `memory-${migratedDatabaseKey()}.tar`), async (partial) => {
    const db = await openDb({});
    try {
      writeFileSync(partial, Buffer.from(await (await dumpInMemory(db)).arrayBuffer()));
    } finally {
      await db.close();
    }
  }).then((file) => new Blob([readFileSync(file)]));
  return memoryDump;
}

/**
 * For test/support/global-setup.ts: both templates, once, before the files start. A failure here
 * is left to the tests that need a database to report (each tries again), so the others still run.
 */
export default async function setup(): Promise<void> {
  await Promise.all([migratedFolder(), migratedMemoryDump()]).catch(() => undefined);
}
