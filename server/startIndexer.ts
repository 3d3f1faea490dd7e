import type { Logger } from "./internal/createLogger.js";
import { createMetrics, type Metrics } from "./internal/createMetrics.js";
import type { IndexerConfig } from "./internal/loadConfig.js";
import { createStore } from "./store/createStore.js";
import { openDatabase } from "./store/openDatabase.js";
import { createRpcClient } from "./sync/createRpcClient.js";
import { createSyncEngine } from "./sync/createSyncEngine.js";

/**
 * Wires the indexer from a configuration: database (wiped first with `config.reset`), RPC client,
 * sync engine, and starts the sync loop.
 *
 * @returns `done` settles when the loop ends (rejects on a fatal error); `stop()` ends the loop
 * after its current store write and closes the database. `db` is the open connection (the API
 * reads through a store on it).
 */
export function startIndexer({
  config,
  logger,
  metrics = createMetrics(),
}: {
  config: IndexerConfig;
  logger: Logger;
  /** Registry the sync engine and RPC client report to (`/metrics`). */
  metrics?: Metrics;
}) {
  const db = openDatabase(config.dbPath);
  const store = createStore({ db, logger });
  if (config.reset) {
    logger.warn("reset requested: emptying the database before syncing from scratch", { dbPath: config.dbPath });
    store.reset();
  }
  const client = createRpcClient({
    urls: config.rpcUrls,
    logger,
    timeoutMs: config.rpcTimeoutMs,
    maxAttempts: config.rpcMaxAttempts,
    metrics,
  });
  const engine = createSyncEngine({ config, store, client, logger, metrics });
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      db.close();
    }
  };
  const done = engine.start().finally(close);
  return {
    db,
    store,
    engine,
    done,
    async stop() {
      await engine.stop();
      close();
    },
  };
}
