// Compiles src/web/styles/threshold.scss into public/threshold.css (Sass, with GOV.UK Frontend).
// With --check, fails when the committed file is not what the source compiles to.
import { readFileSync, writeFileSync } from "node:fs";
import { NodePackageImporter, compile } from "sass";

const source = "src/web/styles/threshold.scss";
const target = "public/threshold.css";
const { css } = compile(source, {
  importers: [new NodePackageImporter()],
  style: "compressed",
  // GOV.UK Frontend's own deprecation notices are not ours to act on.
  quietDeps: true,
  silenceDeprecations: ["import"],
});
const banner = `/* Generated from ${source} by npm run build:css: do not edit. */\n`;
const output = banner + css + "\n";
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    // missing counts as stale
  }
  if (committed !== output) {
    console.error(`${target} is stale: run npm run build:css and commit the result`);
    process.exit(1);
  }
  console.log(`${target} is up to date with ${source}`);
} else {
  writeFileSync(target, output);
  console.log(`wrote ${target} (${output.length} bytes)`);
}
