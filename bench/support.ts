/**
 * Shared by the benches: the real server in a child process on loopback, and varied answer sets.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AnswerValue } from "../src/assessments/assess.js";

export interface RunningServer {
  url: string;
  pid: number;
  /** Resident memory of the server process, in MiB (from /proc). */
  rssMiB(): number | null;
  /** CPU time the server process has used so far, user and system, in seconds (from /proc). */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

/**
 * The server as `npm start` runs it: the compiled build (`npm run build`, which `npm run bench`
 * does first), so start-up and throughput are measured without a TypeScript loader in the way.
 * Its records go in a folder of the bench's own (THRESHOLD_DATA_DIR), never the project's.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, ["dist/src/main.js"], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    rssMiB() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        return m ? Number(m[1]) / 1024 : null;
      } catch {
        return null;
      }
    },
    cpuSeconds() {
      try {
        // Fields 14 and 15 of /proc/<pid>/stat, after the command name in brackets: utime, stime,
        // in clock ticks (100 a second on Linux).
        const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return null;
      }
    },
    stop: () =>
      new Promise((resolve) => {
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A small deterministic generator, so every run measures the same answer sets. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function answerSets(
  ids: string[],
  unknownShare: number,
  seed: number,
  count: number,
): Array<Record<string, AnswerValue>> {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const a: Record<string, AnswerValue> = {};
    for (const id of ids) {
      if (r() < unknownShare) a[id] = "unknown";
      else if (id === "ageYears") a[id] = Math.floor(r() * 18);
      else a[id] = r() < 0.25 ? "yes" : "no";
    }
    return a;
  });
}

/** A records folder for a bench run. */
export function benchDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), "threshold-bench-"));
}

/** Milliseconds until GET /readyz answers 200 (polled every 10 ms). */
export async function untilReady(url: string, since: number): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
