/**
 * The indexer's entry point: `npm run indexer` (or `tsx server/main.ts [--config file] [--reset]`).
 * Reads the configuration from `CARDPROOF_*` variables and an optional JSON file (see
 * server/README.md), mirrors the chain into SQLite and serves the REST API until SIGINT or SIGTERM,
 * then stops cleanly (requests in flight finish, then the sync loop, then the database).
 * Exit codes: 0 after a signal, 1 after a fatal sync error or when the API cannot listen, 2 for an
 * invalid configuration.
 */
import { BaseError } from "./internal/BaseError.js";
import { createLogger } from "./internal/createLogger.js";
import { loadConfig, type IndexerConfig } from "./internal/loadConfig.js";
import { startServer } from "./startServer.js";

let config: IndexerConfig;
try {
  config = loadConfig({ argv: process.argv.slice(2) });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel, bindings: { service: "cardproof-indexer" } });
let indexer: Awaited<ReturnType<typeof startServer>>;
try {
  indexer = await startServer({ config, logger });
} catch (error) {
  logger.error(`indexer failed to start: ${error instanceof BaseError ? error.shortMessage : String(error)}`, {
    error,
  });
  process.exit(1);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info("signal received; finishing requests in flight, then stopping after the current page", { signal });
    void indexer.stop();
  });
}

try {
  await indexer.done;
  process.exitCode = 0;
} catch {
  process.exitCode = 1;
}
