/**
 * The stylesheet: src/web/styles/threshold.scss compiled by Sass, with GOV.UK Frontend, into
 * public/threshold.css. npm run build:css writes it; test/generated.test.ts fails when the
 * committed file is not what the source compiles to.
 */
import path from "node:path";
import { NodePackageImporter, compile } from "sass";
import { projectRoot } from "../src/config.js";

export const SOURCE = "src/web/styles/threshold.scss";
export const TARGET = "public/threshold.css";

export function stylesheet(): string {
  const { css } = compile(path.join(projectRoot(), SOURCE), {
    importers: [new NodePackageImporter(projectRoot())],
    style: "compressed",
    // GOV.UK Frontend's own deprecation notices are not ours to act on.
    quietDeps: true,
    silenceDeprecations: ["import"],
  });
  return `/* Generated from ${SOURCE} by npm run build:css: do not edit. */\n${css}\n`;
}
