/**
 * npm run bench:load: the service under sustained load, on loopback only, bounded in time.
 *
 * 1. A realistic mix for LOAD_SECONDS (default 60): assessments with full and partial answers in
 *    both editions, rule-set reads, timelines (JSON and iCalendar). Reports throughput, p50/p99,
 *    errors, 5xx, and the server's resident memory, comparing the first and last 10 seconds.
 * 2. Assessments alone, then GET /healthz alone, on the same server (RATIO_SECONDS each, default 10),
 *    for the throughput ratio.
 *
 * Targets: zero errors and zero 5xx; assessment throughput at least a tenth of /healthz's;
 * memory flat (the last 10 s no higher than the first 10 s beyond noise).
 */
import autocannon from "autocannon";
import { defaultRulesDir } from "../src/config.js";
import { loadRules } from "../src/rulesets/load.js";
import { answerSets, benchDataDir, startServer } from "./support.js";

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const RATIO_SECONDS = Number(process.env.RATIO_SECONDS ?? 10);
const CONNECTIONS = 50;

const json = { "content-type": "application/json" };

function mix(ids: string[]): autocannon.Request[] {
  const full = answerSets(ids, 0, 11, 60);
  const partial = answerSets(ids, 0.5, 12, 60);
  const requests: autocannon.Request[] = [];
  for (let i = 0; i < 60; i++) {
    const edition = i % 3 === 0 ? "wt2010" : "wt2015";
    requests.push({
      method: "POST",
      path: "/v1/assessments",
      headers: json,
      body: JSON.stringify({ edition, answers: full[i] }),
    });
    requests.push({
      method: "POST",
      path: "/v1/assessments",
      headers: json,
      body: JSON.stringify({
        edition,
        answers: partial[i],
        dates: { becameAware: "2024-03-25", referral: "2024-03-27" },
      }),
    });
    if (i % 2 === 0) requests.push({ method: "GET", path: `/v1/rulesets/${edition}` });
    if (i % 4 === 0) requests.push({ method: "GET", path: "/v1/rulesets" });
    if (i % 3 === 0) {
      requests.push({
        method: "POST",
        path: "/v1/timelines",
        headers: json,
        body: JSON.stringify({
          dates: {
            becameAware: "2023-12-22",
            referral: "2024-01-31",
            decision: "2024-03-26",
            publication: "2025-01-08",
          },
          asOf: "2024-04-02",
        }),
      });
    }
    if (i % 6 === 0) {
      requests.push({
        method: "GET",
        path: "/v1/timelines.ics?reference=B-1&referral=2024-01-31&decision=2024-03-26",
      });
    }
  }
  return requests;
}

function fiveHundreds(r: autocannon.Result): number {
  const stats =
    (r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return Object.entries(stats)
    .filter(([code]) => code.startsWith("5"))
    .reduce((n, [, s]) => n + s.count, 0);
}

const line = (r: autocannon.Result) =>
  `${Math.round(r.requests.average).toLocaleString("en-GB").padStart(8)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors}   timeouts ${r.timeouts}   non-2xx ${r.non2xx}   5xx ${fiveHundreds(r)}`;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const library = loadRules(defaultRulesDir());
  const ids = library.questions.map((q) => q.id);
  // A limit no single load client reaches, so the limiter's own cost is part of the measurement.
  const server = await startServer({ RATE_LIMIT_PER_MINUTE: "10000000", THRESHOLD_DATA_DIR: benchDataDir() });
  try {
    const samples: number[] = [];
    const sampler = setInterval(() => {
      const rss = server.rssMiB();
      if (rss !== null) samples.push(rss);
    }, 1000);
    const requests = mix(ids);
    console.log(
      `Mixed load: ${LOAD_SECONDS} s, ${CONNECTIONS} connections, ${requests.length} distinct requests (assessments, rule sets, timelines, iCalendar)\n`,
    );
    const mixed = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: LOAD_SECONDS,
      requests,
    });
    clearInterval(sampler);
    console.log(`    mix                   ${line(mixed)}`);
    const window = Math.min(10, Math.floor(samples.length / 2));
    const first = mean(samples.slice(0, window));
    const last = mean(samples.slice(-window));
    console.log(
      `    server memory (RSS)   first ${window} s ${first.toFixed(1)} MiB, last ${window} s ${last.toFixed(1)} MiB (${(((last - first) / first) * 100).toFixed(1)}%), peak ${Math.max(...samples).toFixed(1)} MiB\n`,
    );

    const bodies = [...answerSets(ids, 0, 21, 200), ...answerSets(ids, 0.5, 22, 200)].map((answers) => ({
      method: "POST" as const,
      path: "/v1/assessments",
      headers: json,
      body: JSON.stringify({ answers }),
    }));
    const assessments = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: RATIO_SECONDS,
      requests: bodies,
    });
    const health = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: RATIO_SECONDS,
      requests: [{ method: "GET", path: "/healthz" }],
    });
    console.log(`Ratio: ${RATIO_SECONDS} s each, same server\n`);
    console.log(`    POST /v1/assessments  ${line(assessments)}`);
    console.log(`    GET /healthz          ${line(health)}`);
    console.log(
      `    assessments / healthz: ${((100 * assessments.requests.average) / health.requests.average).toFixed(1)}% (target >= 10%)`,
    );
    const failures = [mixed, assessments, health].reduce(
      (n, r) => n + r.errors + r.timeouts + fiveHundreds(r),
      0,
    );
    console.log(`\n    errors, timeouts and 5xx across the run: ${failures} (target 0)`);
  } finally {
    await server.stop();
  }
}

await main();
