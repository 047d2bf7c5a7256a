import { defaultRulesDir } from "../../src/config.js";
import { loadService, type Service } from "../../src/service.js";

let cached: Promise<Service> | undefined;

/** The real service (rules from rules/, the real engine and calendar), loaded once per test file. */
export function service(): Promise<Service> {
  cached ??= loadService(defaultRulesDir());
  return cached;
}
