/**
 * npm run openapi:generate: the request schemas in openapi/openapi.yaml written from the zod
 * schemas that validate requests (the one definition of the request contract), then the
 * TypeScript types generated from the whole document by openapi-typescript.
 *
 *   tsx scripts/generate-openapi.ts [out.yaml]   writes the document (default: in place)
 *
 * scripts/check-openapi.mjs runs the same into a temporary folder and fails when the committed
 * files differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as prettier from "prettier";
import { parseDocument, Scalar, visit } from "yaml";
import { z } from "zod";
import { buildAnchorSchema, buildDecisionSchema, buildOpenCaseSchema } from "../src/cases/service.js";
import { projectRoot } from "../src/config.js";
import { loadCore } from "../src/core.js";
import {
  buildAssessmentSchema,
  buildTimelineSchema,
  isoDate,
  type ContractRegistry,
} from "../src/contract/validation.js";
import { buildPlanSchema, buildQaSchema } from "../src/quality/service.js";

const root = projectRoot();
const source = path.join(root, "openapi", "openapi.yaml");
const out = process.argv[2] ? path.resolve(process.argv[2]) : source;

const core = await loadCore(path.join(root, "rules"));
const registry: ContractRegistry = z.registry<{ id: string }>();
buildAssessmentSchema(core.library, registry);
buildTimelineSchema(core.library, registry);
buildQaSchema(core.quality, registry);
buildPlanSchema(registry);
buildDecisionSchema(core.decisions, registry);
buildOpenCaseSchema(registry);
buildAnchorSchema(registry);

const { schemas } = z.toJSONSchema(registry, {
  target: "draft-2020-12",
  io: "input",
  uri: (id) => `#/components/schemas/${id}`,
  override: (ctx) => {
    // JSON Schema's own word for what the pattern and the calendar check say together.
    if (ctx.zodSchema === isoDate) ctx.jsonSchema.format = "date";
  },
}) as unknown as { schemas: Record<string, Record<string, unknown>> };

const doc = parseDocument(readFileSync(source, "utf8"));
const GENERATED = " Generated from the zod schema by npm run openapi:generate: edit the schema, not this.";
// A schema generated before and no longer made (renamed, or not named any more) goes too.
const components = doc.getIn(["components", "schemas"]) as {
  items: Array<{ key: unknown; value: { commentBefore?: string | null } | null }>;
};
for (const item of [...components.items]) {
  const id = String((item.key as { value?: unknown })?.value ?? item.key);
  if (item.value?.commentBefore === GENERATED && !(id in schemas))
    doc.deleteIn(["components", "schemas", id]);
}
for (const [id, schema] of Object.entries(schemas)) {
  delete schema.$schema;
  delete schema.$id;
  const node = doc.createNode(schema);
  // Quoted, so that no YAML 1.1 reader takes the answers "yes" and "no" for booleans.
  visit(node, {
    Scalar(_key, s) {
      if (typeof s.value === "string" && /^(yes|no|on|off|y|n|true|false|null)$/i.test(s.value))
        s.type = Scalar.QUOTE_DOUBLE;
    },
  });
  node.commentBefore =
    " Generated from the zod schema by npm run openapi:generate: edit the schema, not this.";
  doc.setIn(["components", "schemas", id], node);
}
const config = (await prettier.resolveConfig(source)) ?? {};
writeFileSync(out, await prettier.format(doc.toString({ lineWidth: 0 }), { ...config, parser: "yaml" }));
console.log(
  `${path.relative(root, out)}: ${Object.keys(schemas).length} request schemas from zod (${Object.keys(schemas).join(", ")})`,
);
