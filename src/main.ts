/**
 * Starts the service: read the configuration, load and check the rules (a broken file stops
 * start-up with the file and field named), then listen.
 *
 * SIGTERM or SIGINT: /readyz turns 503 so a load balancer stops sending work, the server stops
 * accepting connections, requests in flight finish (their connections close after the response),
 * and the process exits 0; if that takes longer than 10 s it exits 1.
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { ConfigError, loadConfig } from "./config.js";
import { RuleFileError } from "./errors.js";
import { CompilationMismatch } from "./assessments/proof.js";
import { createApp } from "./app.js";
import { answerClientError } from "./http/problem.js";
import { createLogger } from "./middleware/logging.js";
import { openDb } from "./cases/db.js";
import { RecordsKeyError, resolveKey, type RecordsKey } from "./cases/keys.js";
import { StoreLockedError } from "./cases/lock.js";
import { RecordStore } from "./cases/store.js";
import { SessionStore } from "./auth/sessions.js";
import { startWatchdog } from "./cases/watchdog.js";
import { loadCore } from "./core.js";

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`threshold: cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const cannotStart = (message: string): never => {
    console.error(`threshold: cannot start: ${message}`);
    process.exit(1);
  };

  // The records' database opens while the rules load and are proved: most of the database's
  // start-up is WebAssembly compiling on other threads.
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  // The records key, from outside the database: given, read from its file, or (embedded, on
  // loopback, nothing configured) made beside the data folder.
  let recordsKey: RecordsKey;
  try {
    const resolved = resolveKey(config.recordsKey, true);
    recordsKey = resolved.key;
    if (resolved.created) {
      logger.warn({ keyFile: resolved.created }, "made a records key");
      console.log(
        `threshold: made a records key in ${resolved.created} (mode 0600), beside the data folder: keep a copy of it apart from the data; without it the records cannot be verified`,
      );
    }
  } catch (e) {
    if (e instanceof RecordsKeyError) cannotStart(e.message);
    throw e;
  }
  const opening = openDb(
    config.databaseUrl
      ? {
          databaseUrl: config.databaseUrl,
          ...(config.databaseOwnerUrl ? { ownerUrl: config.databaseOwnerUrl } : {}),
        }
      : { dataDir: config.dataDir, minFreeBytes: config.recordsMinFreeBytes },
  );
  // A folder another process holds is refused at once, not after the rules have loaded.
  opening.catch((e: unknown) => {
    if (e instanceof StoreLockedError) cannotStart(e.message);
  });

  let service;
  try {
    service = await loadCore(config.rulesDir);
  } catch (e) {
    if (e instanceof RuleFileError) {
      logger.fatal({ file: e.file, field: e.field }, `cannot start: rule file ${e.message}`);
      cannotStart(`rule file ${e.message}`);
    }
    if (e instanceof CompilationMismatch) {
      logger.fatal(`cannot start: ${e.message}`);
      cannotStart(`the compiled rules differ from json-rules-engine: ${e.message}`);
    }
    throw e;
  }

  const where = config.databaseUrl
    ? "the PostgreSQL database in DATABASE_URL"
    : `the embedded database in ${config.dataDir}`;
  const db = await opening.catch((e: Error) =>
    cannotStart(e instanceof StoreLockedError ? e.message : `cannot open ${where}: ${e.message}`),
  );
  const records = new RecordStore(db, { key: recordsKey! });
  const sealed = await records.sealLegacy();
  if (sealed.length)
    console.log(
      `threshold: sealed the unkeyed (legacy) records of ${sealed.length} case(s) with the records key`,
    );
  if (db.runtimeMayRewrite)
    console.warn(
      "threshold: warning: the database role in DATABASE_URL may UPDATE, DELETE or TRUNCATE the records (it owns them). Set DATABASE_OWNER_URL to the owner and DATABASE_URL to a role of its own: the service then grants that role only SELECT and INSERT. Kept anchors still reveal any change",
    );
  // The embedded database runs on this thread: if it ever wedges, exit rather than hang.
  if (db.kind === "pglite" && config.watchdogMs > 0) await startWatchdog(config.watchdogMs).ready;
  const sessions = config.oidc ? new SessionStore(db, config.session) : undefined;

  const lifecycle = { draining: false };
  const app = createApp(service, {
    bodyLimit: config.bodyLimit,
    apiKeys: config.apiKeys,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.oidc && sessions ? { signIn: { oidc: config.oidc, sessions } } : {}),
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitPerAddressPerMinute: config.rateLimitPerAddressPerMinute,
    trustProxy: config.trustProxy,
    logger,
    lifecycle,
    records,
    caseFile: config.caseFile,
  });
  const server = app.listen(config.port, config.host, () => {
    const { address, port } = server.address() as AddressInfo;
    const editions = [...service.library.editions.values()]
      .map((e) => `${e.id} ${e.hash.slice(0, 19)}`)
      .join(", ");
    const keys = config.apiKeys.length
      ? `${config.apiKeys.length} API key(s) configured (${config.apiKeys.map((k) => `${k.name}: ${k.roles.join("+")}`).join(", ")})`
      : "no API keys configured";
    const access = config.oidc
      ? `sign-in with ${config.oidc.issuer.href} for the pages and /v1 (roles from the "${config.oidc.rolesClaim}" claim${config.oidc.roleMap ? " through OIDC_ROLE_MAP" : ""}); ${keys}`
      : config.apiKeys.length
        ? `no sign-in: the pages work without it on loopback only, and never show a case; /v1 needs a key; ${keys}`
        : "no sign-in and no API keys: open to this machine alone (loopback), as the service refuses to listen further without sign-in";
    logger.info({ address, port, ruleset: service.library.version }, "listening");
    console.log(
      `threshold: listening on http://${address.includes(":") ? `[${address}]` : address}:${port} (rule set ${service.library.version}: ${editions})`,
    );
    console.log(`threshold: ${access}`);
    console.log(
      `threshold: serving ${config.publicUrl ? `Host ${config.publicUrl.host} only (PUBLIC_URL)` : "loopback names (127.x.x.x, localhost, [::1]) only; set PUBLIC_URL for any other"}`,
    );
    const store =
      db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `the embedded database at ${config.dataDir}`;
    console.log(`threshold: decision records in ${store}, chained with records key ${records.keyId}`);
    console.log(
      `threshold: rate limit ${config.rateLimitPerMinute ? `${config.rateLimitPerMinute} requests a minute per key, person or anonymous address, and ${config.rateLimitPerAddressPerMinute} per address, on pages and /v1` : "off"}`,
    );
  });
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.keepAliveTimeout = 5_000;
  server.on("clientError", answerClientError);
  server.on("error", (e) => {
    console.error(`threshold: cannot listen on ${config.host}:${config.port}: ${e.message}`);
    process.exit(1);
  });

  const stop = (signal: string): void => {
    if (lifecycle.draining) return;
    lifecycle.draining = true;
    logger.info({ signal }, "shutting down: finishing requests in flight");
    console.log(`threshold: ${signal}: no new connections; finishing requests in flight`);
    server.close(() => {
      void db.close().finally(() => {
        console.log("threshold: stopped");
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      console.error("threshold: requests still in flight after the grace period; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
