/**
 * The one place tests build the real app and start it on a loopback port. When the way the app is
 * constructed changes (src/app.ts, src/main.ts), only this file follows.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app.js";
import { BODY_LIMIT_BYTES } from "../../src/config.js";
import { answerClientError } from "../../src/http/problem.js";
import { openDb, type Db } from "../../src/cases/db.js";
import { RecordStore } from "../../src/cases/store.js";
import { service } from "./service.js";

export interface AppUnderTest {
  /** "http://127.0.0.1:PORT", without a trailing slash. */
  base: string;
  port: number;
  /** Stops the server (dropping idle kept-alive connections) and closes the database, if any. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Keep decision records, in an in-memory embedded database (PGlite); without, /v1/cases answers 503. */
  records?: boolean;
  /** Requests per client per minute; 0 or absent turns rate limiting off (the tests' default). */
  rateLimitPerMinute?: number;
  /** Largest request body, in bytes (default 100 KiB, as in production). */
  bodyLimit?: number;
}

/** Builds the real app (the real rules, engine and calendar) and listens on 127.0.0.1, any port. */
export async function startApp(options: StartOptions = {}): Promise<AppUnderTest> {
  const db: Db | undefined = options.records ? await openDb({}) : undefined;
  const app = createApp(await service(), {
    bodyLimit: options.bodyLimit ?? BODY_LIMIT_BYTES,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    ...(db ? { records: new RecordStore(db) } : {}),
  });
  const server: Server = app.listen(0, "127.0.0.1");
  // As src/main.ts does: what the HTTP parser refuses is answered as problem+json too.
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await db?.close();
    },
  };
}
