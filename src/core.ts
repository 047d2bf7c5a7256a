/**
 * What every operation reads, loaded and checked once at start-up: the rule library, each
 * edition compiled, the quality library, the decision options, the working-day calendar and the
 * OpenAPI document. A broken rule file stops here with a RuleFileError naming the file and field.
 * The operations themselves are in src/service.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./config.js";
import { citedSources } from "./assessments/assess.js";
import { compileEdition, type CompiledEdition } from "./assessments/compile.js";
import { loadQuality, type QualityLibrary } from "./quality/library.js";
import { loadDecisionOptions, type DecisionLibrary } from "./cases/decisions.js";
import { loadRules } from "./rulesets/load.js";
import type { RuleLibrary, Source } from "./rulesets/types.js";
import { WorkingDayCalendar } from "./timelines/calendar.js";

export interface Core {
  library: RuleLibrary;
  quality: QualityLibrary;
  decisions: DecisionLibrary;
  /** The documents the rules cite, with their titles. */
  sources: Source[];
  editions: Map<string, CompiledEdition>;
  calendar: WorkingDayCalendar;
  openapi: string;
}

export async function loadCore(rulesDir: string): Promise<Core> {
  const library = loadRules(rulesDir);
  const sources = citedSources(library);
  const editions = new Map<string, CompiledEdition>();
  for (const [id, edition] of library.editions)
    editions.set(id, await compileEdition(library, edition, sources));
  return {
    library,
    quality: loadQuality(rulesDir),
    decisions: loadDecisionOptions(rulesDir, library.editions.values()),
    sources,
    editions,
    calendar: WorkingDayCalendar.load(),
    openapi: readFileSync(path.join(projectRoot(), "openapi", "openapi.yaml"), "utf8"),
  };
}
