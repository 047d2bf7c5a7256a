/**
 * The generated half of the contract, made in one place for npm run openapi:generate and for the
 * test that the committed files are fresh (test/generated.test.ts):
 * - openapi/openapi.yaml's request schemas, written from the zod schemas that validate requests
 *   (the one definition of the request contract) into the hand-written document;
 * - src/contract/openapi.d.ts, the TypeScript types of the whole document, by openapi-typescript.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import * as prettier from "prettier";
import { parseDocument, Scalar, visit } from "yaml";
import { z } from "zod";
import { buildCaseFileSchemas } from "../src/cases/case-timeline.js";
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

export const root = projectRoot();
export const DOCUMENT = path.join(root, "openapi", "openapi.yaml");
export const TYPES = path.join(root, "src", "contract", "openapi.d.ts");

const GENERATED = " Generated from the zod schema by npm run openapi:generate: edit the schema, not this.";

/** The document as it should be: the committed one with its request schemas written afresh. */
export async function openapiDocument(): Promise<{ yaml: string; generated: string[] }> {
  const core = await loadCore(path.join(root, "rules"));
  const registry: ContractRegistry = z.registry<{ id: string }>();
  buildAssessmentSchema(core.library, registry);
  buildTimelineSchema(core.library, registry);
  buildQaSchema(core.quality, registry);
  buildPlanSchema(registry);
  buildDecisionSchema(core.decisions, registry);
  buildOpenCaseSchema(registry);
  buildAnchorSchema(registry);
  buildCaseFileSchemas(registry);

  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
    override: (ctx) => {
      // JSON Schema's own word for what the pattern and the calendar check say together.
      if (ctx.zodSchema === isoDate) ctx.jsonSchema.format = "date";
    },
  }) as unknown as { schemas: Record<string, Record<string, unknown>> };

  const doc = parseDocument(readFileSync(DOCUMENT, "utf8"));
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
    node.commentBefore = GENERATED;
    doc.setIn(["components", "schemas", id], node);
  }
  const config = (await prettier.resolveConfig(DOCUMENT)) ?? {};
  const yaml = await prettier.format(doc.toString({ lineWidth: 0 }), { ...config, parser: "yaml" });
  return { yaml, generated: Object.keys(schemas) };
}

/** The TypeScript types of a document, as the openapi-typescript command writes them. */
export async function openapiTypes(yaml: string): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(yaml, { silent: true }));
}
