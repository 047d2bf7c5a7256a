/**
 * Copies of migrated embedded databases for the tests (test/support/databases.ts, app.ts): creating
 * one (initdb, then the migrations) takes PGlite seconds of CPU, and the tests open dozens.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { migrations } from "../../src/cases/db.js";
import { projectRoot } from "../../src/config.js";

export const CACHE = path.join(projectRoot(), "node_modules", ".cache", "threshold-pglite");

/**
 * Names a migrated embedded database by what makes it: PGlite's version (its own package.json,
 * which its "exports" do not list) and the migrations' contents. A change to either names another.
 */
export function migratedDatabaseKey(): string {
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
