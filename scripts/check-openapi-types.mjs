// Fails when src/contract/openapi.d.ts is not what openapi-typescript generates from
// openapi/openapi.yaml today: regenerate with `npm run openapi:generate` and commit both.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const committed = "src/contract/openapi.d.ts";
const dir = mkdtempSync(path.join(tmpdir(), "threshold-openapi-"));
const fresh = path.join(dir, "openapi.d.ts");
try {
  execFileSync(
    process.execPath,
    ["node_modules/openapi-typescript/bin/cli.js", "openapi/openapi.yaml", "-o", fresh],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
    console.error(`${committed} is stale: run npm run openapi:generate and commit the result`);
    process.exit(1);
  }
  console.log(`${committed} is up to date with openapi/openapi.yaml`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
