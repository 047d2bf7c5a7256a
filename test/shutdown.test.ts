/**
 * Graceful shutdown, on the real process: SIGTERM while a request is in flight. The server stops
 * accepting connections, the request in flight still gets its full answer, and the process exits 0.
 * And with the embedded store's disk full: writes answer 503 (problem+json, and a clear page),
 * reads go on where they can, and SIGTERM still stops the process.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { initialisedRecords, kill, startService, type Running } from "./support/process.js";

let current: Running | undefined;
// The process keeps its decision records in a folder of its own, never the project's var/records.
let dataDir: string | undefined;
afterEach(async () => {
  await kill(current);
  current = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function start(): Promise<Running> {
  // The records folder inside a folder of its own: its key file and lock sit beside it, in there.
  // The folder as a first start leaves it: this test is about stopping, not the first start.
  dataDir = mkdtempSync(path.join(tmpdir(), "threshold-shutdown-"));
  const records = path.join(dataDir, "records");
  await initialisedRecords(records);
  current = await startService({ THRESHOLD_DATA_DIR: records, RECORDS_KEY: "", RECORDS_KEY_FILE: "" });
  return current;
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
  });
}

/** True once a new connection is refused, trying every 50 ms; false if it is still accepted after `ms`. */
async function refusedWithin(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!(await connectionRefused(port))) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe("graceful shutdown", () => {
  it("on SIGTERM, refuses new connections, finishes the request in flight, and exits 0", async () => {
    const server = await start();
    const body = JSON.stringify({ answers: { childDied: "yes", abuseOrNeglect: "yes" } });
    const half = Math.floor(body.length / 2);

    const answer = new Promise<{ status: number; connection: string | undefined; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port: server.port,
            method: "POST",
            path: "/v1/assessments",
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
            agent: false,
          },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }),
            );
          },
        );
        req.on("error", reject);
        req.write(body.slice(0, half));
        // The request is in flight (half its body sent) when the signal comes.
        setTimeout(async () => {
          server.child.kill("SIGTERM");
          try {
            // The server stops listening as soon as it handles the signal (later on a busy machine).
            expect(await refusedWithin(server.port, 10_000)).toBe(true);
            req.end(body.slice(half));
          } catch (e) {
            reject(e);
          }
        }, 200);
      },
    );

    const res = await answer;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).outcome).toBe("initiate-scr");
    expect(res.connection).toBe("close");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("SIGTERM: no new connections; finishing requests in flight");
  }, 120_000);
});

/**
 * A disk of its own, small and really full: a 160 MiB tmpfs (mount needs root, as in CI's
 * container). Where mounting is not allowed, the same refusal is reached by asking for more free
 * space than the disk has (RECORDS_MIN_FREE_MB), which is the guard a full disk trips.
 */
function smallDisk(): { dir: string; real: boolean; release: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "threshold-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=160m", "tmpfs", dir], { stdio: "ignore" });
    return {
      dir,
      real: true,
      release: () => {
        execFileSync("umount", ["-l", dir], { stdio: "ignore" });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch {
    return { dir, real: false, release: () => rmSync(dir, { recursive: true, force: true }) };
  }
}

/** Writes zeros into a file until the disk refuses: ENOSPC. */
function fill(dir: string): void {
  const fd = openSync(path.join(dir, "filler"), "w");
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
}

describe("a full disk", () => {
  let service: Running | undefined;
  afterEach(async () => kill(service));

  it("answers writes with 503 problem+json and a clear page, and SIGTERM still stops the process", async () => {
    const disk = smallDisk();
    try {
      // The records folder as a first start leaves it, copied onto the small disk.
      const records = path.join(disk.dir, "records");
      await initialisedRecords(records);
      service = await startService({
        THRESHOLD_DATA_DIR: records,
        RECORDS_KEY: "cd".repeat(32),
        // Without a real full disk, a guard larger than any disk: the same refusal.
        ...(disk.real ? {} : { RECORDS_MIN_FREE_MB: "1000000" }),
      });
      const base = `http://127.0.0.1:${service.port}`;
      if (disk.real) {
        expect((await fetch(`${base}/v1/cases`, jsonPost({ reference: "FULL/1" }))).status).toBe(201);
        fill(disk.dir);
      }
      const res = await fetch(`${base}/v1/cases`, jsonPost({ reference: "FULL/2" }));
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { detail: string };
      expect(problem.detail).toMatch(/^the disk that holds the records is full .*nothing was recorded/);

      const page = await fetch(`${base}/cases/${encodeURIComponent("FULL/1")}`, {
        headers: { accept: "text/html" },
      });
      expect(page.status).toBe(503);
      const html = await page.text();
      expect(html).toContain("Sorry, the service is unavailable");
      expect(html).toContain("the disk that holds the records is full");

      // Advice needs no disk: it still answers.
      const advice = await fetch(`${base}/v1/assessments`, jsonPost({ answers: { childDied: "yes" } }));
      expect(advice.status).toBe(200);

      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    } finally {
      await kill(service);
      disk.release();
    }
  }, 150_000);
});

function jsonPost(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
