/**
 * The embedded store as processes meet it: the service makes its records key beside (not inside)
 * its data folder; one process at a time opens the folder, a second refuses and names the first,
 * and so does `npm run export`; a lock left by a killed process is taken over; `npm run anchor`
 * writes anchors a board keeps elsewhere, and checks them later. (That an anchor finds a deleted
 * record is the store's test, src/cases/store.test.ts, on both stores.)
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initialisedRecords, kill, run, startService, type Running } from "./support/process.js";

const root = mkdtempSync(path.join(tmpdir(), "threshold-process-"));
const dataDir = path.join(root, "records");
const env = { THRESHOLD_DATA_DIR: dataDir, RECORDS_KEY: "", RECORDS_KEY_FILE: "" };
const running: Running[] = [];
afterAll(async () => {
  for (const r of running) await kill(r);
  rmSync(root, { recursive: true, force: true });
});

const api = (r: Running, p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${r.port}${p}`, init);
const post = (r: Running, p: string, body: unknown) =>
  api(r, p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the embedded store, one process at a time", () => {
  let first: Running;

  it("makes a records key beside the data folder, readable by its owner alone, and says so", async () => {
    // The records folder as a first start leaves it (this test is about the key beside it).
    await initialisedRecords(dataDir);
    first = await startService(env);
    running.push(first);
    const keyFile = path.join(root, "records.key");
    expect(first.output()).toContain(`made a records key in ${keyFile} (mode 0600)`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await post(first, "/v1/cases", { reference: "PROC/1" })).status).toBe(201);
  }, 120_000);

  it("refuses a second process on the same folder, naming the first", async () => {
    const second = await startService(env).then(
      (r) => {
        running.push(r);
        throw new Error("a second process started on a live folder");
      },
      (e: { output: string; code: number }) => e,
    );
    expect(second.code).toBe(1);
    expect(second.output).toContain(
      `the embedded records store ${dataDir} is in use by process ${first.child.pid} on ${hostname()}`,
    );
  }, 120_000);

  it("refuses npm run export and npm run anchor on the live folder, pointing at the API", async () => {
    for (const script of ["scripts/export.ts", "scripts/anchor.ts"] as const) {
      const res = await run([script, path.join(root, "out.json")], env);
      expect(res.code, script).toBe(1);
      expect(res.stderr).toContain(`is in use by process ${first.child.pid}`);
      expect(res.stderr).toContain("GET /v1/cases/{reference}/export");
    }
  }, 120_000);

  it("takes over the lock of a process that was killed, and its records still verify with the kept key", async () => {
    await kill(first);
    const again = await startService(env);
    running.push(again);
    expect(again.output()).not.toContain("made a records key");
    const verify = (await (await api(again, `/v1/cases/${encodeURIComponent("PROC/1")}/verify`)).json()) as {
      valid: boolean;
    };
    expect(verify.valid).toBe(true);
    const advised = await post(again, `/v1/cases/${encodeURIComponent("PROC/1")}/assessments`, {
      answers: { childDied: "yes", abuseOrNeglect: "yes" },
    });
    expect(advised.status).toBe(201);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  }, 150_000);

  it("writes anchors with npm run anchor, and checks them later", async () => {
    const file = path.join(root, "anchors.json");
    const made = await run(["scripts/anchor.ts", file], env);
    expect(made.stderr).toContain(`wrote 1 anchors to ${file}`);
    expect(made.code).toBe(0);
    const kept = JSON.parse(readFileSync(file, "utf8")) as { anchors: Array<{ recordCount: number }> };
    expect(kept.anchors[0]).toMatchObject({ reference: "PROC/1", recordCount: 2 });
    const checked = await run(["scripts/anchor.ts", "--verify", file], env);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain("holds  PROC/1");
    const exported = await run(["scripts/export.ts"], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split("\n")).toHaveLength(2);
  }, 150_000);
});
