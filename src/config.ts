/**
 * Configuration, read from the environment in this one module and nowhere else.
 *
 *   PORT, HOST                 where to listen (default 127.0.0.1:3000)
 *   PUBLIC_URL                 the address people use (e.g. https://threshold.board.example); the
 *                              sign-in redirect URI is PUBLIC_URL/auth/callback, and requests whose
 *                              Host or Origin is not this one are refused. Without it, only loopback
 *                              names (127.x.x.x, localhost, [::1]) on the listening port are served.
 *   OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET
 *                              sign-in with the board's OpenID Connect provider (all three, or none)
 *   OIDC_SCOPES                scopes asked for (default "openid profile email")
 *   OIDC_ROLES_CLAIM           the claim holding roles or groups (default "roles"; a dotted path such
 *                              as "realm_access.roles" reads a nested claim), from the ID token, or
 *                              from userinfo when the ID token does not carry it
 *   OIDC_ROLE_MAP              how the claim's values become roles, e.g.
 *                              "threshold-chairs=chair,threshold-members=member"; without it, the
 *                              values "member" and "chair" are the roles themselves
 *   SESSION_IDLE_MINUTES       a signed-in session ends after this long unused (default 30)
 *   SESSION_MAX_HOURS          and this long after signing in, whatever (default 8)
 *   THRESHOLD_API_KEYS         named API keys with their roles, comma-separated
 *                              "name:role[+role]:sha256hex" (e.g. "case-system:member+chair:<hash>")
 *   THRESHOLD_API_KEY_SHA256   comma-separated SHA-256 hashes (hex) of API keys carrying every role.
 *                              With any key, every /v1 route needs "Authorization: Bearer <key>" (or a
 *                              signed-in session). Only hashes are kept: `npm run api-key` makes one.
 *   RATE_LIMIT_PER_MINUTE      requests per minute per identity (an API key, a signed-in person, or
 *                              the address of someone not signed in), pages and API alike (default
 *                              300; 0 turns every rate limit off)
 *   RATE_LIMIT_PER_ADDRESS_PER_MINUTE
 *                              requests per minute per client address, counted before anyone is
 *                              identified, so random Bearer tokens get no fresh allowance (default
 *                              four times RATE_LIMIT_PER_MINUTE: several people may share a proxy)
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
 *   CASE_DUE_SOON_WORKING_DAYS a case's deadline within this many working days (England and Wales
 *                              bank holidays) of today is "due soon" on the case list and timeline
 *                              (default 5)
 *   CASE_RETENTION_YEARS       how many years a closed case's records are kept after a chair closes
 *                              it, before the board reviews them under its records policy (default
 *                              15). Nothing is ever deleted by the service: see the README, "Retention"
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Role } from "./service.js";

/** An API key as configured: its name (what records say wrote them), its roles, its hash. */
export interface ApiKey {
  name: string;
  roles: readonly Role[];
  /** SHA-256 of the key, hex. */
  hash: string;
}

/** Sign-in with the board's OpenID Connect provider. */
export interface OidcConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** The claim holding roles or groups; a dotted path reads a nested claim. */
  rolesClaim: string;
  /** Claim values to roles; absent, "member" and "chair" are taken as they are. */
  roleMap?: ReadonlyMap<string, readonly Role[]>;
}
import { defaultKeyFile, parseKeyText, RecordsKeyError, type KeySource } from "./cases/keys.js";

export interface Config {
  port: number;
  host: string;
  /** The address people use; the Host and Origin checks and the sign-in redirect derive from it. */
  publicUrl?: URL;
  oidc?: OidcConfig;
  session: { idleMinutes: number; maxHours: number };
  rulesDir: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Named keys and bare hashes alike; a bare hash is a key with every role. */
  apiKeys: ApiKey[];
  rateLimitPerMinute: number;
  rateLimitPerAddressPerMinute: number;
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
  /** The case file: when a deadline is due soon, and how long a closed case is kept. */
  caseFile: { dueSoonWorkingDays: number; retentionYears: number };
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

const LOOPBACK = new Set(["::1", "localhost"]);

/**
 * Whether a host name is this machine's own (localhost, any 127.x.x.x address, ::1, bare or
 * bracketed as URL.hostname and a Host header give it): where the service may listen without
 * sign-in, and, without PUBLIC_URL, the only names a request's Host may give (middleware/hosts.ts).
 */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return LOOPBACK.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function apiKeyHashes(value: string | undefined): ApiKey[] {
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
  return hashes.map(bareHashKey);
}

const ROLE_NAMES: readonly Role[] = ["member", "chair"];

/** A bare hash (THRESHOLD_API_KEY_SHA256) as a key: every role, named by the hash's first characters, never by the key. */
export function bareHashKey(hash: string): ApiKey {
  return { name: `key ${hash.slice(0, 8)}`, roles: ROLE_NAMES, hash };
}

function roleList(name: string, value: string): Role[] {
  const roles = value.split("+").map((r) => r.trim());
  if (!roles.length || roles.some((r) => !ROLE_NAMES.includes(r as Role))) {
    throw new ConfigError(`${name}: "${value}" must be member, chair or member+chair`);
  }
  return [...new Set(roles)] as Role[];
}

/** THRESHOLD_API_KEYS: "name:role[+role]:sha256hex", comma-separated. */
function namedApiKeys(value: string | undefined): ApiKey[] {
  if (!value) return [];
  return value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Za-z0-9][A-Za-z0-9 ._-]{0,63}):([a-z+]+):([0-9a-fA-F]{64})$/.exec(entry);
      if (!m) {
        throw new ConfigError(
          'THRESHOLD_API_KEYS must hold "name:role[+role]:sha256hex" entries, comma-separated (e.g. "case-system:member:<64 hex digits>"); never the keys themselves',
        );
      }
      return { name: m[1]!, roles: roleList("THRESHOLD_API_KEYS", m[2]!), hash: m[3]!.toLowerCase() };
    });
}

function publicUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) address, not "${value}"`);
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      `PUBLIC_URL must be an http(s) address with no user, query or fragment, not "${value}"`,
    );
  }
  if (url.pathname !== "/") {
    throw new ConfigError(`PUBLIC_URL must be the service's origin with no path, not "${value}"`);
  }
  return url;
}

function oidc(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const names = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return undefined;
  if (set.length < names.length) {
    throw new ConfigError(
      `sign-in needs all of ${names.join(", ")}; missing ${names.filter((n) => !env[n]).join(", ")}`,
    );
  }
  let issuer: URL;
  try {
    issuer = new URL(env.OIDC_ISSUER!);
  } catch {
    throw new ConfigError(`OIDC_ISSUER must be the provider's issuer URL, not "${env.OIDC_ISSUER}"`);
  }
  // A provider is reached over HTTPS; plain HTTP only to one on this machine (a test provider).
  if (issuer.protocol !== "https:" && !(issuer.protocol === "http:" && isLoopback(issuer.hostname))) {
    throw new ConfigError("OIDC_ISSUER must be an https address (http only on loopback)");
  }
  let roleMap: Map<string, Role[]> | undefined;
  if (env.OIDC_ROLE_MAP) {
    roleMap = new Map();
    for (const entry of env.OIDC_ROLE_MAP.split(",")
      .map((e) => e.trim())
      .filter(Boolean)) {
      const at = entry.lastIndexOf("=");
      if (at < 1) {
        throw new ConfigError(
          'OIDC_ROLE_MAP must hold "value=role[+role]" entries, comma-separated (e.g. "threshold-chairs=chair")',
        );
      }
      const roles = roleList("OIDC_ROLE_MAP", entry.slice(at + 1));
      const value = entry.slice(0, at).trim();
      roleMap.set(value, [...new Set([...(roleMap.get(value) ?? []), ...roles])]);
    }
  }
  return {
    issuer,
    clientId: env.OIDC_CLIENT_ID!,
    clientSecret: env.OIDC_CLIENT_SECRET!,
    scopes: env.OIDC_SCOPES || "openid profile email",
    rolesClaim: env.OIDC_ROLES_CLAIM || "roles",
    ...(roleMap ? { roleMap } : {}),
  };
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
  const keys = [...namedApiKeys(env.THRESHOLD_API_KEYS), ...apiKeyHashes(env.THRESHOLD_API_KEY_SHA256)];
  const names = new Set<string>();
  for (const k of keys) {
    if (names.has(k.name))
      throw new ConfigError(`two API keys are named "${k.name}"; each needs its own name`);
    names.add(k.name);
  }
  const host = env.HOST || "127.0.0.1";
  const url = publicUrl(env.PUBLIC_URL);
  const signIn = oidc(env);
  if (signIn && !url) {
    throw new ConfigError(
      "sign-in (OIDC_ISSUER) needs PUBLIC_URL: the redirect URI is PUBLIC_URL/auth/callback",
    );
  }
  refuseUnguarded(host, url, signIn !== undefined, keys.length > 0);
  const perMinute = intFromEnv("RATE_LIMIT_PER_MINUTE", env.RATE_LIMIT_PER_MINUTE, 300, 10_000_000);
  const dataDir = env.THRESHOLD_DATA_DIR
    ? path.resolve(env.THRESHOLD_DATA_DIR)
    : path.join(projectRoot(), "var", "records");
  // Where others can reach the service (itself, or through PUBLIC_URL's proxy), records need a key.
  const reachedAs = !isLoopback(host) ? host : url && !isLoopback(url.hostname) ? url.hostname : host;
  return {
    port: intFromEnv("PORT", env.PORT, 3000),
    host,
    ...(url ? { publicUrl: url } : {}),
    ...(signIn ? { oidc: signIn } : {}),
    session: {
      idleMinutes: intFromEnv("SESSION_IDLE_MINUTES", env.SESSION_IDLE_MINUTES, 30, 24 * 60) || 30,
      maxHours: intFromEnv("SESSION_MAX_HOURS", env.SESSION_MAX_HOURS, 8, 24 * 7) || 8,
    },
    rulesDir: env.RULES_DIR ? path.resolve(env.RULES_DIR) : defaultRulesDir(),
    bodyLimit: BODY_LIMIT_BYTES,
    apiKeys: keys,
    rateLimitPerMinute: perMinute,
    rateLimitPerAddressPerMinute: intFromEnv(
      "RATE_LIMIT_PER_ADDRESS_PER_MINUTE",
      env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
      perMinute * 4,
      40_000_000,
    ),
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL || "info",
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 10_000,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir,
    ...(env.DATABASE_URL && env.DATABASE_OWNER_URL ? { databaseOwnerUrl: env.DATABASE_OWNER_URL } : {}),
    recordsKey: recordsKeySource(env, dataDir, reachedAs),
    recordsMinFreeBytes:
      intFromEnv("RECORDS_MIN_FREE_MB", env.RECORDS_MIN_FREE_MB, 64, 1_000_000) * 1024 * 1024,
    watchdogMs: intFromEnv("THRESHOLD_WATCHDOG_SECONDS", env.THRESHOLD_WATCHDOG_SECONDS, 30, 3600) * 1000,
    caseFile: {
      dueSoonWorkingDays:
        intFromEnv("CASE_DUE_SOON_WORKING_DAYS", env.CASE_DUE_SOON_WORKING_DAYS, 5, 60) || 5,
      retentionYears: intFromEnv("CASE_RETENTION_YEARS", env.CASE_RETENTION_YEARS, 15, 100) || 15,
    },
  };
}

/**
 * The rule that cannot be forgotten: a service others can reach (HOST beyond loopback, or a
 * PUBLIC_URL naming another machine) must have sign-in for its pages, and sign-in or keys for its
 * API. Sign-in covers both (a signed-in session may call /v1), so it is what is required; keys
 * alone leave the pages open. On loopback with nothing configured, one person on their own machine
 * uses it without sign-in, as before.
 */
function refuseUnguarded(host: string, url: URL | undefined, signIn: boolean, keys: boolean): void {
  const beyond = !isLoopback(host)
    ? `HOST is ${host}`
    : url && !isLoopback(url.hostname)
      ? `PUBLIC_URL is ${url.origin}`
      : null;
  if (!beyond || signIn) return;
  throw new ConfigError(
    `${beyond}, so others could reach the service, but sign-in is not configured: set PUBLIC_URL, OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (see the README, "Connecting the board's identity provider")${keys ? "; API keys guard only /v1, never the pages" : ""}, or listen on loopback (HOST=127.0.0.1)`,
  );
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
