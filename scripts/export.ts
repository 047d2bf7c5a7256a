/**
 * npm run export: every case's records as JSON Lines on standard output, for archiving. Reads the
 * same configuration as the service (DATABASE_URL, or THRESHOLD_DATA_DIR for the embedded database).
 * The embedded store is refused while the service runs on it (scripts/records.ts says why); a
 * running service exports a case through its API: GET /v1/cases/{reference}/export.
 */
import { recordView } from "../src/cases/views.js";
import { openRecords } from "./records.js";

const { db, store } = await openRecords("npm run export");
let count = 0;
try {
  for (const reference of await store.references()) {
    for (const r of (await store.records(reference)) ?? []) {
      process.stdout.write(JSON.stringify(recordView(r)) + "\n");
      count++;
    }
  }
} finally {
  await db.close();
}
console.error(`exported ${count} records`);
