/**
 * npm run export: every case's records as JSON Lines on standard output, for archiving. Reads the
 * same configuration as the service (DATABASE_URL, or THRESHOLD_DATA_DIR for the embedded database).
 */
import { loadConfig } from "../src/config.js";
import { recordView } from "../src/cases/views.js";
import { openDb } from "../src/cases/db.js";
import { RecordStore } from "../src/cases/store.js";

const config = loadConfig();
const db = await openDb(
  config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
);
const store = new RecordStore(db);
let count = 0;
for (const reference of await store.references()) {
  for (const r of (await store.records(reference)) ?? []) {
    process.stdout.write(JSON.stringify(recordView(r)) + "\n");
    count++;
  }
}
await db.close();
console.error(`exported ${count} records`);
