/**
 * Starts the service: load and check the rules (a broken file stops start-up with the file and
 * field named), then listen. SIGTERM and SIGINT stop accepting connections and let requests in
 * flight finish.
 */
import { loadConfig } from "./config.js";
import { RuleFileError } from "./errors.js";
import { createApp } from "./http/app.js";
import { loadService } from "./service.js";

async function main(): Promise<void> {
  const config = loadConfig();
  let service;
  try {
    service = await loadService(config.rulesDir);
  } catch (e) {
    if (e instanceof RuleFileError) {
      console.error(`threshold: cannot start: rule file ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const app = createApp(service, { bodyLimit: config.bodyLimit });
  const server = app.listen(config.port, config.host, () => {
    const editions = [...service.library.editions.values()]
      .map((e) => `${e.id} ${e.hash.slice(0, 19)}`)
      .join(", ");
    console.log(
      `threshold: listening on http://${config.host}:${config.port} (rule set ${service.library.version}: ${editions})`,
    );
  });
  server.on("error", (e) => {
    console.error(`threshold: cannot listen on ${config.host}:${config.port}: ${e.message}`);
    process.exit(1);
  });
  const stop = (signal: string): void => {
    console.log(`threshold: ${signal}: finishing requests in flight`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
