/**
 * Configuration, read from the environment in this one module and nowhere else.
 *
 *   PORT, HOST                 where to listen (default 127.0.0.1:3000)
 *   THRESHOLD_API_KEY_SHA256   comma-separated SHA-256 hashes (hex) of the API keys; when set, every
 *                              /v1 route needs "Authorization: Bearer <key>". Only hashes are kept:
 *                              `npm run api-key` makes a key and its hash.
 *   RATE_LIMIT_PER_MINUTE      requests per client per minute on /v1 (default 300; 0 turns it off)
 *   TRUST_PROXY                express "trust proxy" setting, for a service behind a load balancer
 *                              (e.g. "1" or "loopback"); default off, so X-Forwarded-For is ignored
 *   LOG_LEVEL                  pino level (default info; "silent" for none)
 *   RULES_DIR                  the rule sets (default rules/ in the project)
 *   DATABASE_URL               PostgreSQL for decision records, shared by several instances
 *   THRESHOLD_DATA_DIR         without DATABASE_URL, the folder of the embedded database (PGlite)
 *                              that keeps decision records (default var/records in the project)
 *   DATABASE_OWNER_URL         PostgreSQL as the role that owns the record tables: migrations run
 *                              as it, and it grants the DATABASE_URL role only SELECT and INSERT on
 *                              them. Without it, DATABASE_URL migrates and owns (a warning says so)
 *   RECORDS_KEY                the key of the records' chain and anchors: 32 or more random bytes
 *                              as hex or base64 (openssl rand -hex 32). Kept outside the database
 *   RECORDS_KEY_FILE           or a file holding it. Without either, the embedded store on loopback
 *                              makes var/records.key beside its data folder (mode 0600) and says so;
 *                              with DATABASE_URL, or beyond loopback, one of them is required
 *   RECORDS_MIN_FREE_MB        the embedded store refuses writes (503) with less free disk than this
 *                              (default 64)
 *   THRESHOLD_WATCHDOG_SECONDS the embedded store: exit if the process stops answering this long
 *                              (its database wedged), so a supervisor restarts it (default 30)
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defaultKeyFile, parseKeyText, RecordsKeyError, type KeySource } from "./cases/keys.js";

export interface Config {
  port: number;
  host: string;
  /** True when HOST asked for a non-loopback address but no API keys are configured. */
  hostRestrictedToLoopback: boolean;
  /** The address HOST asked for. */
  requestedHost: string;
  rulesDir: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  apiKeyHashes: string[];
  rateLimitPerMinute: number;
  trustProxy: string | number | boolean;
  logLevel: string;
  /** Longest a request may take, headers and body included (Node's requestTimeout). */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL: the owner's connection, for migrations and grants to the runtime role. */
  databaseOwnerUrl?: string;
  /**
   * Where the records key comes from: given (RECORDS_KEY), a file (RECORDS_KEY_FILE), or the
   * embedded default's file beside its data folder, made when it is not there.
   */
  recordsKey: KeySource;
  /** The embedded store refuses writes below this much free disk. */
  recordsMinFreeBytes: number;
  /** The embedded store: how long the process may stop answering before it exits. */
  watchdogMs: number;
}

export class ConfigError extends Error {}

/**
 * The largest request body or uploaded file the service reads: JSON, forms and CSV alike. A full
 * assessment request is under 3 kB and a 500-row action plan well under this.
 */
export const BODY_LIMIT_BYTES = 100 * 1024;
export const BODY_LIMIT_WORDS = "100 kB";

function intFromEnv(name: string, value: string | undefined, fallback: number, max = 65535): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new ConfigError(`${name} must be a whole number from 0 to ${max}, not "${value}"`);
  }
  return n;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

function apiKeyHashes(value: string | undefined): string[] {
  if (!value) return [];
  const hashes = value
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of hashes) {
    if (!/^[0-9a-f]{64}$/.test(h)) {
      throw new ConfigError(
        "THRESHOLD_API_KEY_SHA256 must hold SHA-256 hashes (64 hex digits), comma-separated; never the keys themselves",
      );
    }
  }
  return hashes;
}

function trustProxy(value: string | undefined): string | number | boolean {
  if (value === undefined || value === "" || value === "false") return false;
  if (value === "true") return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The records key's source. Required with PostgreSQL (several instances must share one key, and
 * a key made on one machine is no key for the others) and beyond loopback; on loopback, the
 * embedded store makes its own beside its data folder.
 */
function recordsKeySource(env: NodeJS.ProcessEnv, dataDir: string, host: string): Config["recordsKey"] {
  if (env.RECORDS_KEY && env.RECORDS_KEY_FILE)
    throw new ConfigError("set RECORDS_KEY or RECORDS_KEY_FILE, not both");
  if (env.RECORDS_KEY) {
    try {
      return { key: parseKeyText(env.RECORDS_KEY, "RECORDS_KEY") };
    } catch (e) {
      if (e instanceof RecordsKeyError) throw new ConfigError(e.message);
      throw e;
    }
  }
  if (env.RECORDS_KEY_FILE) return { file: path.resolve(env.RECORDS_KEY_FILE) };
  if (env.DATABASE_URL || !isLoopback(host))
    throw new ConfigError(
      `${env.DATABASE_URL ? "with DATABASE_URL" : `listening on ${host}`}, a records key must be configured: set RECORDS_KEY (32 or more random bytes as hex or base64, e.g. from "openssl rand -hex 32") or RECORDS_KEY_FILE, kept outside the database. Without it, anyone who can write to the database could rewrite the records undetected`,
    );
  return { defaultFile: defaultKeyFile(dataDir) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const keys = apiKeyHashes(env.THRESHOLD_API_KEY_SHA256);
  const requested = env.HOST || "127.0.0.1";
  // Without API keys the service must not be reachable from other machines.
  const restricted = keys.length === 0 && !isLoopback(requested);
  const dataDir = env.THRESHOLD_DATA_DIR
    ? path.resolve(env.THRESHOLD_DATA_DIR)
    : path.join(projectRoot(), "var", "records");
  return {
    port: intFromEnv("PORT", env.PORT, 3000),
    host: restricted ? "127.0.0.1" : requested,
    hostRestrictedToLoopback: restricted,
    requestedHost: requested,
    rulesDir: env.RULES_DIR ? path.resolve(env.RULES_DIR) : defaultRulesDir(),
    bodyLimit: BODY_LIMIT_BYTES,
    apiKeyHashes: keys,
    rateLimitPerMinute: intFromEnv("RATE_LIMIT_PER_MINUTE", env.RATE_LIMIT_PER_MINUTE, 300, 10_000_000),
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL || "info",
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 10_000,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir,
    ...(env.DATABASE_URL && env.DATABASE_OWNER_URL ? { databaseOwnerUrl: env.DATABASE_OWNER_URL } : {}),
    recordsKey: recordsKeySource(env, dataDir, restricted ? "127.0.0.1" : requested),
    recordsMinFreeBytes:
      intFromEnv("RECORDS_MIN_FREE_MB", env.RECORDS_MIN_FREE_MB, 64, 1_000_000) * 1024 * 1024,
    watchdogMs: intFromEnv("THRESHOLD_WATCHDOG_SECONDS", env.THRESHOLD_WATCHDOG_SECONDS, 30, 3600) * 1000,
  };
}

/** The folder holding package.json, whether running from src/ (tsx) or dist/src/ (compiled). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("cannot find the project root (no package.json above src/)");
    dir = up;
  }
  return dir;
}

export function defaultRulesDir(): string {
  return path.join(projectRoot(), "rules");
}
