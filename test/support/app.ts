/**
 * The one place tests build the real app and start it on a loopback port. When the way the app is
 * constructed changes (src/app.ts, src/main.ts), only this file follows.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app.js";
import { BODY_LIMIT_BYTES, bareHashKey } from "../../src/config.js";
import { answerClientError } from "../../src/http/problem.js";
import { openDb, type Db } from "../../src/cases/db.js";
import { RecordStore } from "../../src/cases/store.js";
import { SessionStore } from "../../src/auth/sessions.js";
import type { Role } from "../../src/service.js";
import type { Backend } from "./databases.js";
import { migratedMemoryDump } from "./pglite-cache.js";
import type { TestProvider } from "./oidc.js";
import { service } from "./service.js";

export interface AppUnderTest {
  /** "http://127.0.0.1:PORT", without a trailing slash. */
  base: string;
  port: number;
  /** Stops the server (dropping idle kept-alive connections) and closes the database, if any. */
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Keep decision records: `true` in an in-memory embedded database (PGlite), or a fresh database
   * of the backend given (test/support/databases.ts: PGlite or PostgreSQL), dropped on close.
   * Without, /v1/cases answers 503.
   */
  records?: boolean | Backend;
  /** Requests per client per minute; 0 or absent turns rate limiting off (the tests' default). */
  rateLimitPerMinute?: number;
  /** Largest request body, in bytes (default 100 KiB, as in production). */
  bodyLimit?: number;
  /** Requests per address per minute, before authentication (default 4 × rateLimitPerMinute). */
  rateLimitPerAddressPerMinute?: number;
  /**
   * Sign-in with this provider (test/support/oidc.ts); PUBLIC_URL is then the app's own loopback
   * address, and sessions are kept in the app's embedded database.
   */
  signIn?: TestProvider & { rolesClaim?: string; roleMap?: Map<string, Role[]> };
  /** API keys: SHA-256 hashes (hex), each with every role. */
  apiKeyHashes?: string[];
  /** Session times (default 30 minutes idle, 8 hours in all). */
  session?: { idleMinutes: number; maxHours: number };
}

/**
 * A fresh in-memory embedded database, migrated: a copy of one made once (test/support/pglite-cache.ts),
 * since creating one takes PGlite seconds of CPU and loading a copy a fraction of that.
 */
export async function freshMemoryDb(): Promise<Db> {
  return openDb({ fromDump: await migratedMemoryDump() });
}

/** Builds the real app (the real rules, engine and calendar) and listens on 127.0.0.1, any port. */
export async function startApp(options: StartOptions = {}): Promise<AppUnderTest> {
  const backend = typeof options.records === "object" ? await options.records.open() : undefined;
  const db: Db | undefined =
    backend?.db ?? (options.records || options.signIn ? await freshMemoryDb() : undefined);
  // Listening first, so that the app knows its own address (PUBLIC_URL) before it is built.
  const server: Server = createServer();
  // As src/main.ts does: what the HTTP parser refuses is answered as problem+json too.
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
    server.listen(0, "127.0.0.1");
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const signIn = options.signIn;
  signIn?.useRedirect(`${base}/auth/callback`);
  const app = createApp(await service(), {
    bodyLimit: options.bodyLimit ?? BODY_LIMIT_BYTES,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    ...(options.rateLimitPerAddressPerMinute
      ? { rateLimitPerAddressPerMinute: options.rateLimitPerAddressPerMinute }
      : {}),
    ...(options.records && db ? { records: new RecordStore(db) } : {}),
    ...(options.apiKeyHashes ? { apiKeys: options.apiKeyHashes.map(bareHashKey) } : {}),
    ...(signIn && db
      ? {
          publicUrl: new URL(base),
          signIn: {
            oidc: {
              issuer: new URL(signIn.issuer),
              clientId: signIn.clientId,
              clientSecret: signIn.clientSecret,
              scopes: "openid profile",
              rolesClaim: signIn.rolesClaim ?? "roles",
              ...(signIn.roleMap ? { roleMap: signIn.roleMap } : {}),
            },
            sessions: new SessionStore(db, options.session ?? { idleMinutes: 30, maxHours: 8 }),
          },
        }
      : {}),
  });
  server.on("request", app);
  return {
    base,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await db?.close();
      await backend?.cleanup();
    },
  };
}
