/**
 * One writer for the embedded store: a lock file beside the data folder (var/records →
 * var/records.lock), created exclusively (O_EXCL), holding the pid, host and start time of the
 * process that holds it. PGlite is one PostgreSQL in one process: two processes on one folder each
 * believe they own it, and acknowledged records are lost. A second process therefore refuses to
 * open the folder and names the first.
 *
 * A lock left by a process that died (same host, pid no longer running) is stale and is taken
 * over. A lock from another host cannot be checked from here: the message says how to clear it.
 */
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export class StoreLockedError extends Error {}

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DirectoryLock {
  readonly file: string;
  release(): void;
}

function lockFileFor(dataDir: string): string {
  const real = realpathSync(dataDir);
  return path.join(path.dirname(real), `${path.basename(real)}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof h.pid === "number" && typeof h.host === "string"
      ? { pid: h.pid, host: h.host, startedAt: String(h.startedAt ?? "") }
      : null;
  } catch {
    return null;
  }
}

/** Takes the folder's lock or throws StoreLockedError naming the process that holds it. */
export function lockDirectory(dataDir: string): DirectoryLock {
  const file = lockFileFor(dataDir);
  const me: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const other = readHolder(file);
      if (other && other.host === me.host && other.pid !== process.pid && !alive(other.pid)) {
        // The process that held it has gone: a stale lock, taken over once.
        try {
          unlinkSync(file);
        } catch {
          /* another process took it over first; the next attempt finds out */
        }
        continue;
      }
      throw new StoreLockedError(
        other
          ? `the embedded records store ${dataDir} is in use by process ${other.pid} on ${other.host} (since ${other.startedAt}); one process at a time may open it. Stop that process, or, if it is no longer running, delete ${file}`
          : `the embedded records store ${dataDir} is locked by ${file}, which does not say by whom; if no Threshold process is using it, delete that file`,
      );
    }
    try {
      writeSync(fd, JSON.stringify(me) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off("exit", release);
      // Only our own lock: never one a later process has taken over.
      if (readHolder(file)?.pid === me.pid) {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      }
    };
    process.on("exit", release);
    return { file, release };
  }
  throw new StoreLockedError(`cannot take the lock ${file} on the embedded records store ${dataDir}`);
}
