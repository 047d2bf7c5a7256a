/**
 * The OpenAPI document as a validator: responses and requests are checked against the schemas the
 * document states, so the document, the zod validation and the code cannot drift apart unnoticed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { projectRoot } from "../../src/config.js";

const document = parse(readFileSync(path.join(projectRoot(), "openapi", "openapi.yaml"), "utf8")) as Record<
  string,
  unknown
>;

// Formats are left to the patterns the document also states (IsoDate has both).
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ ...document, $id: "openapi" });

export function openapiDocument(): Record<string, unknown> {
  return document;
}

/** Errors of `value` against components/schemas/<name>, or [] when it conforms. */
export function contractErrors(name: string, value: unknown): string[] {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name} in the OpenAPI document`);
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}`);
}

/** Errors of `value` against a schema object from the document (its $refs resolved in it). */
export function schemaErrors(schema: unknown, value: unknown): string[] {
  const rewrite = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(rewrite)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.entries(x).map(([k, v]) => [
              k,
              k === "$ref" && typeof v === "string" ? `openapi${v}` : rewrite(v),
            ]),
          )
        : x;
  const validate = ajv.compile(rewrite(schema) as object);
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}`);
}
