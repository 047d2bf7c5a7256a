// Fails when a generated file is stale: openapi/openapi.yaml's request schemas against the zod
// schemas they are written from, and src/contract/openapi.d.ts against the document. Regenerate
// with `npm run openapi:generate` and commit the results.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const dir = mkdtempSync(path.join(tmpdir(), "threshold-openapi-"));
const checks = [
  [
    "openapi/openapi.yaml",
    path.join(dir, "openapi.yaml"),
    ["--import", "tsx", "scripts/generate-openapi.ts"],
  ],
  [
    "src/contract/openapi.d.ts",
    path.join(dir, "openapi.d.ts"),
    ["node_modules/openapi-typescript/bin/cli.js", "openapi/openapi.yaml", "-o"],
  ],
];
let stale = false;
try {
  for (const [committed, fresh, args] of checks) {
    execFileSync(process.execPath, [...args, fresh], { stdio: ["ignore", "ignore", "inherit"] });
    if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
      console.error(`${committed} is stale: run npm run openapi:generate and commit the result`);
      stale = true;
    } else {
      console.log(`${committed} is up to date`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(stale ? 1 : 0);
