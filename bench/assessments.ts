/**
 * npm run bench: what an assessment costs, measured, in one run.
 *
 * In-process, on varied answer sets (all answered, and about half unknown), three ways over the
 * same answers: the full assessment (one engine run, three-valued logic, explanation and minutes),
 * a bare json-rules-engine run of the same rules, and a plain TypeScript function of the same logic
 * (the oracle the property tests use). Then over HTTP: POST /v1/assessments against GET /healthz on
 * the same server (a child process on loopback), 50 connections, with autocannon.
 *
 * Targets (issue 2): full assessment >= 70% of bare engine throughput; in-process p99 < 2 ms; HTTP
 * assessments >= 10% of /healthz throughput. The machine is shared and has 2 cores: read the
 * figures as ranges, not points.
 */
import autocannon from "autocannon";
import { defaultRulesDir } from "../src/config.js";
import { assess } from "../src/assessments/assess.js";
import { renderMinutes } from "../src/assessments/minutes.js";
import { loadCore as loadService } from "../src/core.js";
import { oracleOutcome, type Complete, type Raw } from "../test/support/oracle.js";
import { answerSets, startServer } from "./support.js";

const SETS = 400;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 6000);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

interface Stats {
  opsPerSec: number;
  p50: number;
  p99: number;
}

async function measure(n: number, op: (i: number) => unknown): Promise<Stats> {
  for (let i = 0; i < Math.min(1000, n); i++) await op(i); // warm up
  const times = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  times.sort();
  return { opsPerSec: n / total, p50: times[Math.floor(n * 0.5)]!, p99: times[Math.floor(n * 0.99)]! };
}

const fmt = (s: Stats) =>
  `${Math.round(s.opsPerSec).toLocaleString("en-GB").padStart(10)} /s   p50 ${s.p50.toFixed(3)} ms   p99 ${s.p99.toFixed(3)} ms`;

async function inProcess(): Promise<void> {
  const service = await loadService(defaultRulesDir());
  const edition = "wt2015";
  const compiled = service.editions.get(edition)!;
  const ids = service.library.questions.map((q) => q.id);
  const wordings = new Map(service.library.questions.map((q) => [q.id, q.wording]));
  console.log(
    `In process (${edition}, ${compiled.criteria.length + compiled.triggers.length} rules, ${SETS} answer sets per mix, ${ITERATIONS} operations each)\n`,
  );
  for (const [label, share, seed] of [
    ["all answered", 0, 1],
    ["half unknown", 0.5, 2],
  ] as const) {
    const sets = answerSets(ids, share, seed, SETS);
    const full = await measure(ITERATIONS, async (i) => {
      const a = await assess(service.library, compiled, service.calendar, {
        edition,
        answers: sets[i % SETS]!,
        dates: {},
      });
      return renderMinutes(a, wordings);
    });
    const bare = await measure(ITERATIONS, (i) => compiled.engine.run(sets[i % SETS]!));
    const plain = await measure(ITERATIONS * 10, (i) => {
      const raw = sets[i % SETS]! as Raw;
      const complete: Complete = {};
      for (const id of ids)
        complete[id] =
          raw[id] === "unknown" ? (id === "ageYears" ? 0 : "no") : (raw[id] as "yes" | "no" | number);
      return oracleOutcome(edition, complete, raw);
    });
    console.log(`  ${label}`);
    console.log(`    full assessment + minutes ${fmt(full)}`);
    console.log(`    bare engine.run()         ${fmt(bare)}`);
    console.log(`    plain function            ${fmt(plain)}`);
    console.log(
      `    full / bare throughput: ${((100 * full.opsPerSec) / bare.opsPerSec).toFixed(0)}% (target >= 70%); p99 ${full.p99 < 2 ? "under" : "OVER"} 2 ms\n`,
    );
  }
}

async function overHttp(): Promise<void> {
  // Rate limiting stays on, with a limit no single client reaches, so its cost is measured too.
  const server = await startServer({ RATE_LIMIT_PER_MINUTE: "10000000" });
  try {
    const service = await loadService(defaultRulesDir());
    const ids = service.library.questions.map((q) => q.id);
    const bodies = [...answerSets(ids, 0, 3, SETS), ...answerSets(ids, 0.5, 4, SETS)].map((answers, i) =>
      JSON.stringify({
        edition: i % 3 === 0 ? "wt2010" : "wt2015",
        answers,
        dates: { referral: "2024-03-27", decision: "2024-04-20" },
      }),
    );
    const url = server.url;
    const run = (opts: Partial<autocannon.Options>) =>
      autocannon({ url, connections: 50, duration: HTTP_SECONDS, ...opts } as autocannon.Options);
    const health = await run({ requests: [{ method: "GET", path: "/healthz" }] });
    const assessments = await run({
      requests: bodies.map((body) => ({
        method: "POST",
        path: "/v1/assessments",
        headers: { "content-type": "application/json" },
        body,
      })),
    });
    const minutesOnly = await run({
      requests: bodies.map((body) => ({
        method: "POST",
        path: "/v1/assessments",
        headers: { "content-type": "application/json", accept: "text/markdown" },
        body,
      })),
    });
    const line = (r: autocannon.Result) =>
      `${Math.round(r.requests.average).toLocaleString("en-GB").padStart(8)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors}   non-2xx ${r.non2xx}   ${Math.round(r.throughput.average / r.requests.average / 1024)} kB/response`;
    console.log(
      `Over HTTP (loopback, 50 connections, ${HTTP_SECONDS} s each, ${bodies.length} varied bodies)\n`,
    );
    console.log(`    GET /healthz          ${line(health)}`);
    console.log(`    POST /v1/assessments  ${line(assessments)}`);
    console.log(`    same, minutes only    ${line(minutesOnly)}   (Accept: text/markdown)`);
    console.log(
      `    assessments / healthz: ${((100 * assessments.requests.average) / health.requests.average).toFixed(1)}% (target >= 10%)`,
    );
  } finally {
    await server.stop();
  }
}

await inProcess();
await overHttp();
