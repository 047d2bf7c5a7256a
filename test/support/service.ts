import { defaultRulesDir } from "../../src/config.js";
import { loadCore, type Core } from "../../src/core.js";

let cached: Promise<Core> | undefined;

/** The real rules, engine and calendar (what the service is built on), loaded once per test file. */
export function service(): Promise<Core> {
  cached ??= loadCore(defaultRulesDir());
  return cached;
}
