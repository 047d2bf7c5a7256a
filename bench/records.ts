/**
 * npm run bench:records: what the records cost, measured.
 *
 * 1. Durability: 200 single-record appends to the embedded store on disk, with fsync reaching the
 *    disk (as the service runs it, src/cases/db.ts) and with PGlite's own default (fsync off).
 * 2. A long case: 334 assessment records (the case issue 12 measured at 31 MB and 2.5 s a page),
 *    then the case page (GET /cases/{reference}), the first page of its records over the API,
 *    its minutes and its verification: bytes and time, median of 5.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { PGlite } from "@electric-sql/pglite";
import { createApp } from "../src/app.js";
import { openDb } from "../src/cases/db.js";
import { RecordStore } from "../src/cases/store.js";
import { loadCore } from "../src/core.js";
import { defaultRulesDir } from "../src/config.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const root = mkdtempSync(path.join(tmpdir(), "threshold-bench-records-"));
const WHO = { kind: "anyone" } as const;

try {
  // 1. Durability.
  for (const durable of [true, false]) {
    const dir = path.join(root, durable ? "durable" : "default");
    const db = durable ? await openDb({ dataDir: dir }) : await openDb({});
    // The default: PGlite on disk as it comes, fsync off.
    const plain = durable ? undefined : await PGlite.create(path.join(root, "plain"));
    if (plain) {
      await plain.exec("CREATE TABLE t (id int, body text)");
      const t0 = performance.now();
      for (let i = 0; i < 200; i++)
        await plain.transaction(async (tx) => {
          await tx.query("INSERT INTO t VALUES ($1, $2)", [i, "x".repeat(2000)]);
        });
      const ms = performance.now() - t0;
      console.log(
        `PGlite default on disk (fsync off): 200 commits ${ms.toFixed(0)} ms, ${(ms / 200).toFixed(2)} ms each`,
      );
      await plain.close();
      await db.close();
      continue;
    }
    await db.query("CREATE TABLE t (id int, body text)");
    const t0 = performance.now();
    for (let i = 0; i < 200; i++)
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES ($1, $2)", [i, "x".repeat(2000)]);
      });
    const ms = performance.now() - t0;
    console.log(
      `embedded store, fsync to disk:      200 commits ${ms.toFixed(0)} ms, ${(ms / 200).toFixed(2)} ms each`,
    );
    const store = new RecordStore(db);
    await store.createCase("BENCH/APPEND", WHO);
    const t1 = performance.now();
    for (let i = 0; i < 100; i++)
      await store.append("BENCH/APPEND", "decision", { i, reasons: "r".repeat(500) }, WHO);
    const ms1 = performance.now() - t1;
    console.log(
      `record appends (keyed, fsync):      100 appends ${ms1.toFixed(0)} ms, ${(ms1 / 100).toFixed(2)} ms each`,
    );
    await db.close();
  }

  // 2. A long case.
  const db = await openDb({ dataDir: path.join(root, "long") });
  const app = createApp(await loadCore(defaultRulesDir()), { records: new RecordStore(db) });
  const ref = "BENCH/334";
  await request(app).post("/v1/cases").send({ reference: ref });
  const t0 = performance.now();
  for (let i = 0; i < 333; i++)
    await request(app)
      .post(`/v1/cases/${encodeURIComponent(ref)}/assessments`)
      .send({
        answers: { childDied: "yes", abuseOrNeglect: i % 2 ? "yes" : "unknown" },
        dates: { referral: "2024-03-01" },
      });
  console.log(`334 records written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const measure = async (what: string, url: string, accept = "application/json") => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await request(app).get(url).set("accept", accept);
      times.push(performance.now() - t);
      bytes = Buffer.byteLength(res.text ?? "");
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    }
    console.log(
      `${what.padEnd(36)} ${(bytes / 1024).toFixed(0).padStart(6)} kB  ${median(times).toFixed(0).padStart(5)} ms (median of 5)`,
    );
  };
  const enc = encodeURIComponent(ref);
  await measure("case page, first 50 (GET /cases/..)", `/cases/${enc}`, "text/html");
  await measure("case page, last (page 7)", `/cases/${enc}?page=7`, "text/html");
  await measure("API records, first 50", `/v1/cases/${enc}/records`);
  await measure("API records, 200", `/v1/cases/${enc}/records?limit=200`);
  await measure("verify (whole chain)", `/v1/cases/${enc}/verify`);
  await measure("minutes (whole history, download)", `/v1/cases/${enc}/minutes`, "text/markdown");
  await measure("access log, first 50", `/v1/cases/${enc}/access-log`);
  await db.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
