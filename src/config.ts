/**
 * Configuration, read from the environment in this one module and nowhere else.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Config {
  port: number;
  host: string;
  rulesDir: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
}

function intFromEnv(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name} must be a whole number from 0 to 65535, not "${value}"`);
  }
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFromEnv("PORT", env.PORT, 3000),
    host: env.HOST || "127.0.0.1",
    rulesDir: env.RULES_DIR ? path.resolve(env.RULES_DIR) : defaultRulesDir(),
    bodyLimit: 100 * 1024,
  };
}

/** The folder holding package.json, whether running from src/ (tsx) or dist/src/ (compiled). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("cannot find the project root (no package.json above src/)");
    dir = up;
  }
  return dir;
}

export function defaultRulesDir(): string {
  return path.join(projectRoot(), "rules");
}
