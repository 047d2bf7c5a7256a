/**
 * The real service as a separate process (src/main.ts under tsx), for what only a process shows:
 * start-up refusals, the embedded store's lock, signals, a full disk.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts src/main.ts with `env` over a quiet default; resolves once it listens. */
export function startService(env: NodeJS.ProcessEnv): Promise<Running> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    // Start-up compiles TypeScript (tsx) and opens the embedded database: slow on a busy machine
    // (on the shared 2-core machine, with the browser tests alongside, it has taken 30 s).
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

/** Runs a command to its end: its exit code and everything it wrote. */
export function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", ...args], {
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
