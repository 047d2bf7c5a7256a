/**
 * What the records scripts share: the store opened as the service opens it (same configuration,
 * same key), or a clear refusal. On the embedded store, a running service holds the folder's lock,
 * so a script refuses rather than open a live folder (two processes on one PGlite folder lose
 * records): stop the service first, or use the API (GET /v1/cases/{reference}/export and /anchor).
 */
import { loadConfig, ConfigError } from "../src/config.js";
import { openDb, type Db } from "../src/cases/db.js";
import { RecordsKeyError, resolveKey } from "../src/cases/keys.js";
import { StoreLockedError } from "../src/cases/lock.js";
import { RecordStore } from "../src/cases/store.js";

export async function openRecords(script: string): Promise<{ db: Db; store: RecordStore }> {
  try {
    const config = loadConfig();
    const { key } = resolveKey(config.recordsKey, false);
    const db = await openDb(
      config.databaseUrl
        ? {
            databaseUrl: config.databaseUrl,
            ...(config.databaseOwnerUrl ? { ownerUrl: config.databaseOwnerUrl } : {}),
          }
        : { dataDir: config.dataDir },
    );
    return { db, store: new RecordStore(db, { key }) };
  } catch (e) {
    if (e instanceof StoreLockedError)
      fail(
        `${script}: ${e.message}. A running service holds it: stop the service first, or use its API (GET /v1/cases/{reference}/export, GET /v1/cases/{reference}/anchor)`,
      );
    if (e instanceof ConfigError || e instanceof RecordsKeyError) fail(`${script}: ${e.message}`);
    throw e;
  }
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
