/**
 * npm run anchor: a signed anchor of every case's head, for the board to keep somewhere the
 * service's database administrators cannot reach (another system, a signed e-mail, paper).
 *
 *   npm run anchor -- anchors.json            writes the anchors of every case to anchors.json
 *   npm run anchor -- --verify anchors.json   checks every case against anchors kept before
 *
 * An anchor is {reference, recordCount, headHash, signature}: the signature is an HMAC-SHA256
 * under the records key. Later, POST /v1/cases/{reference}/verify with an anchor as its body (or
 * --verify here) says whether the case still holds every record the anchor covered. A case whose
 * chain does not hold now gets no anchor; it is listed under `broken` instead, and the script
 * exits 1. Same configuration as the service; the embedded store is refused while it runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Anchor } from "../src/cases/store.js";
import { fail, openRecords } from "./records.js";

const args = process.argv.slice(2);
const verifying = args[0] === "--verify";
const file = verifying ? args[1] : args[0];
if (!file) fail("usage: npm run anchor -- <anchors.json>  |  npm run anchor -- --verify <anchors.json>");

const { db, store } = await openRecords("npm run anchor");
let failed = 0;
try {
  if (verifying) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { anchors: Anchor[] };
    for (const anchor of kept.anchors) {
      const result = await store.verify(anchor.reference, anchor);
      const words = result ? result.summary : "there is no such case, and the anchor does not verify";
      if (!result?.valid) failed++;
      console.log(`${result?.valid ? "holds" : "FAILS"}  ${anchor.reference}: ${words}`);
    }
    console.error(
      `${kept.anchors.length - failed} of ${kept.anchors.length} cases hold what their anchors cover`,
    );
  } else {
    const anchors: Anchor[] = [];
    const broken: Array<{ reference: string; summary: string }> = [];
    for (const reference of await store.references()) {
      const a = await store.anchor(reference);
      if (!a) continue;
      if ("broken" in a) broken.push({ reference, summary: a.broken.summary });
      else anchors.push(a);
    }
    failed = broken.length;
    writeFileSync(
      file,
      JSON.stringify({ madeAt: new Date().toISOString(), keyId: store.keyId, anchors, broken }, null, 2) +
        "\n",
    );
    console.error(
      `wrote ${anchors.length} anchors to ${file}${broken.length ? `; ${broken.length} case(s) whose chain does not hold were not anchored` : ""}`,
    );
  }
} finally {
  await db.close();
}
process.exit(failed ? 1 : 0);
