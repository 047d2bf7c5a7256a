/**
 * The watchdog, on a real process whose main thread stops answering (as PGlite's does when its
 * disk fills while it writes its WAL): the process says why and ends, rather than hang forever
 * deaf to SIGTERM.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the watchdog", () => {
  it("ends a process whose main thread is stuck, saying why", async () => {
    const script = `
      import { startWatchdog } from "./src/cases/watchdog.ts";
      await startWatchdog(1500).ready;
      console.log("stuck");
      const until = Date.now() + 60_000;
      while (Date.now() < until) {}
    `;
    const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (b: Buffer) => (out += b.toString()));
    proc.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const started = Date.now();
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      proc.on("exit", (_c, s) => resolve(s)),
    );
    expect(out).toContain("stuck");
    expect(signal).toBe("SIGKILL");
    expect(out).toMatch(
      /threshold: the process has not answered for \d+ s .*exiting so that it can be restarted/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
