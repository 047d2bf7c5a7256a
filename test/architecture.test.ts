/**
 * The shape the code keeps: features as folders, the service seam below two adapters, and the
 * adapters apart. Read from the import statements of the source itself, so a shortcut taken in
 * a later change fails here rather than in review.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve("src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/**
 * Value imports (not `import type`) of project modules, as paths relative to src/: static
 * imports, re-exports and dynamic imports alike.
 */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  const patterns = [
    /^(?:import|export)\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)";/gms,
    /\bimport\(\s*"(\.[^"]+)"\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      found.push(path.relative(SRC, path.resolve(path.dirname(file), m[1]!)).replace(/\.js$/, ".ts"));
    }
  }
  return found;
}

const files = sourceFiles(SRC).map((f) => path.relative(SRC, f));
const isApi = (f: string) => f.startsWith("http/") || /^[a-z-]+\/http\.ts$/.test(f);
const isPages = (f: string) => f.startsWith("web/") || /^[a-z-]+\/(web|form)\.ts$/.test(f);

/**
 * What an adapter may import besides its own adapter's shared files: the seam, the domain's errors,
 * the configuration, the contract, the shared middleware, the rule vocabulary's types and the
 * words of its outcomes, the pure renderers of a feature (its minutes and their words, its JSON,
 * its form and its views), and sign-in
 * (src/auth: sessions and the identity provider), which establishes who the actor is before the
 * seam and touches no case. Anything else is a feature's work, reached through src/service.ts,
 * which is where `authorize` runs.
 */
const ALLOWED = [
  /^service\.ts$/,
  /^errors\.ts$/,
  /^config\.ts$/,
  /^contract\//,
  /^middleware\//,
  /^rulesets\/(types|outcomes)\.ts$/,
  /^[a-z-]+\/(minutes|words|json|form|views)\.ts$/,
  /^auth\/(oidc|sessions|roles)\.ts$/,
];
const allowed = (from: string, to: string) =>
  ALLOWED.some((a) => a.test(to)) || (isApi(from) && isApi(to)) || (isPages(from) && isPages(to));

describe("the adapters", () => {
  it("finds both adapters' files", () => {
    expect(files.filter(isApi).length).toBeGreaterThan(5);
    expect(files.filter(isPages).length).toBeGreaterThan(5);
  });

  it("the JSON API never imports the pages, nor the pages the JSON API", () => {
    const crossings = files.flatMap((f) =>
      imports(path.join(SRC, f))
        .filter((i) => (isApi(f) && isPages(i)) || (isPages(f) && isApi(i)))
        .map((i) => `${f} -> ${i}`),
    );
    expect(crossings).toEqual([]);
  });

  it("reach the features' work only through the service seam", () => {
    const shortcuts = files
      .filter((f) => isApi(f) || isPages(f))
      .flatMap((f) =>
        imports(path.join(SRC, f))
          .filter((i) => !allowed(f, i))
          .map((i) => `${f} -> ${i}`),
      );
    expect(shortcuts).toEqual([]);
  });

  it("the features below the seam never import an adapter", () => {
    const upward = files
      .filter((f) => !isApi(f) && !isPages(f) && f !== "app.ts" && f !== "main.ts")
      .flatMap((f) =>
        imports(path.join(SRC, f))
          .filter((i) => isApi(i) || isPages(i))
          .map((i) => `${f} -> ${i}`),
      );
    expect(upward).toEqual([]);
  });
});

describe("the wiring", () => {
  it("only src/app.ts brings the two adapters together", () => {
    const both = files.filter((f) => {
      const i = imports(path.join(SRC, f));
      return i.some(isApi) && i.some(isPages) && !isApi(f) && !isPages(f);
    });
    expect(both).toEqual(["app.ts"]);
  });
});
