/**
 * The real service as a separate process, for what only a process shows: start-up refusals, the
 * embedded store's lock, signals, a full disk.
 *
 * The process runs the project's own source, bundled by esbuild (the TypeScript compiler tsx uses):
 * src/main.ts and the scripts, with every package left to Node to load from node_modules as in
 * production. Under `node --import tsx` each start spent about 0.7 s of CPU in tsx's loader thread
 * (resolving and transforming module by module); the bundle starts with plain `node`. The bundle sits under node_modules/.cache/threshold/ (named by a hash of the
 * sources, so any change makes a new one), inside the project, so src/config.ts's projectRoot()
 * finds the project (rules/, migrations/, views) as it does from src/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { projectRoot } from "../../src/config.js";
import { cachedOnce, migratedFolder } from "./pglite-cache.js";

export interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

const root = projectRoot();
const cache = path.join(root, "node_modules", ".cache", "threshold");
/** What a test may run: the service and the scripts that open the records. */
const ENTRIES = ["src/main.ts", "scripts/export.ts", "scripts/anchor.ts"] as const;
type Entry = (typeof ENTRIES)[number];

/** Every file under `dir` (recursively) whose name ends in `.ts`, sorted. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** A folder under the cache named by what went into it; made (once) by `make` if missing. */
async function cached(
  name: string,
  inputs: Buffer[],
  make: (folder: string) => Promise<void>,
): Promise<string> {
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(input);
  const done = await cachedOnce(path.join(cache, `${name}-${hash.digest("hex").slice(0, 16)}`), make);
  // Older ones (of sources since changed) go once they are an hour old: no run still uses them.
  for (const other of readdirSync(cache)) {
    const at = path.join(cache, other);
    if (other.startsWith(`${name}-`) && at !== done && Date.now() - statSync(at).mtimeMs > 3_600_000)
      rmSync(at, { recursive: true, force: true });
  }
  return done;
}

let bundled: Promise<string> | undefined;
/** The folder holding the bundle (src/main.js, scripts/export.js, ...), named by the sources. */
function bundle(): Promise<string> {
  bundled ??= cached(
    "process",
    [
      path.join(root, "tsconfig.json"),
      ...sources(path.join(root, "src")),
      ...sources(path.join(root, "scripts")),
    ].flatMap((f) => [Buffer.from(f), readFileSync(f)]),
    async (outdir) => {
      await build({
        entryPoints: ENTRIES.map((e) => path.join(root, e)),
        outbase: root,
        outdir,
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: "node20",
        packages: "external",
        logLevel: "warning",
      });
    },
  );
  return bundled;
}

async function entry(file: Entry): Promise<string> {
  return path.join(await bundle(), file.replace(/\.ts$/, ".js"));
}

/**
 * A fresh embedded records folder at `dir` (which must not exist), as the service leaves it after
 * its first start: PostgreSQL's initdb run and the migrations applied, no records. A copy of the
 * migrated folder test/support/pglite-cache.ts makes once (initdb costs seconds of CPU), for tests
 * about something else than a first start; the first start itself (initdb on an empty folder) is
 * what pglite-cache.ts runs, through the real openDb.
 */
export async function initialisedRecords(dir: string): Promise<void> {
  cpSync(await migratedFolder(), dir, { recursive: true });
}

/** Starts src/main.ts with `env` over a quiet default; resolves once it listens. */
export async function startService(env: NodeJS.ProcessEnv): Promise<Running> {
  const proc = spawn(process.execPath, [await entry("src/main.ts")], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    // Start-up opens the embedded database: slow on a busy machine (on the shared 2-core machine,
    // with the browser tests alongside, it has taken 30 s).
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${out}`)), 90_000);
    proc.stdout!.on("data", () => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child: proc, port: Number(m[1]), output: () => out, exited });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`exited with ${code} before listening:\n${out}`), { output: out, code }),
      );
    });
  });
}

/** Runs a script (scripts/export.ts or scripts/anchor.ts) to its end: its exit code and everything it wrote. */
export async function run(
  [script, ...args]: [Entry, ...string[]],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [await entry(script), ...args], {
    env: { ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  proc.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => proc.on("exit", (code) => resolve({ code, stdout, stderr })));
}

/** Stops a process for good (SIGKILL), waiting for it to go. */
export async function kill(r: Running | undefined): Promise<void> {
  if (!r || r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill("SIGKILL");
  await r.exited;
}
