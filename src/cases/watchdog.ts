/**
 * The last resort for a wedged embedded database. PGlite runs PostgreSQL on the main thread: if it
 * ever spins (it does when its disk fills while it writes its WAL, see db.ts), no request and no
 * signal is handled again, and SIGTERM goes unanswered. A worker thread watches a heartbeat the
 * main thread writes every second; if the beat stops for `stalledMs`, it writes why to standard
 * error and kills the process, so that a supervisor restarts it (PostgreSQL then recovers from
 * its WAL, as after a crash). The disk-space guard in db.ts is what keeps this from being needed.
 */
import { Worker } from "node:worker_threads";

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const beat = new Float64Array(workerData.buffer);
setInterval(() => {
  const stalled = Date.now() - beat[0];
  if (stalled > workerData.stalledMs) {
    writeSync(2, "threshold: the process has not answered for " + Math.round(stalled / 1000) + " s (the embedded database is stuck; is its disk full?): exiting so that it can be restarted\\n");
    process.kill(workerData.pid, "SIGKILL");
  }
}, Math.min(1000, workerData.stalledMs / 4));
parentPort.postMessage("watching");
`;

/**
 * Starts watching. `ready` resolves once the worker is watching: a worker's script runs only after
 * the main thread has yielded to it (its 'online' event is not enough), so a main thread that
 * wedged before then would never be watched.
 */
export function startWatchdog(stalledMs: number): { ready: Promise<void>; stop(): Promise<void> } {
  const buffer = new SharedArrayBuffer(8);
  const beat = new Float64Array(buffer);
  beat[0] = Date.now();
  const timer = setInterval(() => (beat[0] = Date.now()), Math.min(1000, stalledMs / 4));
  timer.unref();
  // Plain CommonJS, with none of the parent's flags (a loader, --input-type) that would change how it runs.
  const worker = new Worker(WORKER, {
    eval: true,
    execArgv: [],
    workerData: { buffer, stalledMs, pid: process.pid },
  });
  // Kept referenced until it runs (so awaiting `ready` keeps the process alive), then not: the
  // watchdog alone must never keep a process from exiting.
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("message", () => {
      worker.unref();
      resolve();
    });
    worker.once("error", reject);
  });
  return {
    ready,
    async stop() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}
