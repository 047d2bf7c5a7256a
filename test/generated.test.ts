/**
 * Generated files are committed (a fresh clone builds and runs without generating anything), so
 * each must be what its source makes today: regenerate with the command named, and commit.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stylesheet, TARGET } from "../scripts/css.js";
import { DOCUMENT, openapiDocument, openapiTypes, root, TYPES } from "../scripts/openapi.js";

const committed = (file: string) => readFileSync(path.resolve(root, file), "utf8");

describe("the generated files are fresh", () => {
  it("openapi/openapi.yaml has the request schemas the zod schemas make, and openapi.d.ts its types (npm run openapi:generate)", async () => {
    const { yaml } = await openapiDocument();
    expect(yaml === committed(DOCUMENT), "openapi/openapi.yaml is stale: run npm run openapi:generate").toBe(
      true,
    );
    const types = await openapiTypes(yaml);
    expect(
      types === committed(TYPES),
      "src/contract/openapi.d.ts is stale: run npm run openapi:generate",
    ).toBe(true);
  });

  it("public/threshold.css is what src/web/styles/threshold.scss compiles to (npm run build:css)", () => {
    expect(stylesheet() === committed(TARGET), `${TARGET} is stale: run npm run build:css`).toBe(true);
  });
});
