/**
 * npm run openapi:generate: writes openapi/openapi.yaml's request schemas from the zod schemas and
 * src/contract/openapi.d.ts from the whole document (scripts/openapi.ts). Commit both; the test
 * test/generated.test.ts (npm run openapi:check runs it alone) fails when either is stale.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { DOCUMENT, openapiDocument, openapiTypes, root, TYPES } from "./openapi.js";

const { yaml, generated } = await openapiDocument();
writeFileSync(DOCUMENT, yaml);
console.log(
  `${path.relative(root, DOCUMENT)}: ${generated.length} request schemas from zod (${generated.join(", ")})`,
);
writeFileSync(TYPES, await openapiTypes(yaml));
console.log(`${path.relative(root, TYPES)}: the document's types, by openapi-typescript`);
