import type { Logger } from "./internal/createLogger.js";
import { createMetrics, type Metrics } from "./internal/createMetrics.js";
import type { IndexerConfig } from "./internal/loadConfig.js";
import { createStore } from "./store/createStore.js";
import { openDatabase } from "./store/openDatabase.js";
import { createRpcClient } from "./sync/createRpcClient.js";
import { createSyncEngine } from "./sync/createSyncEngine.js";
import { startSyncWorker } from "./sync/startSyncWorker.js";

/**
 * Wires the indexer from a configuration: database (wiped first with `config.reset`), RPC client,
 * sync engine, and starts the sync loop.
 *
 * With a database file the sync loop runs in a worker thread (`startSyncWorker`) with its own
 * connection, and `db` / `store` here only read (and take the API's few writes): a backfill's
 * parsing, decoding and commits never stall this thread's event loop. An in-memory database
 * (`:memory:`, tests) is private to one connection, so there the loop runs on this thread, in
 * slices that yield between store writes (see `SLICE_LOGS`).
 *
 * @returns `done` settles when the loop ends (rejects on a fatal error); `stop()` ends the loop
 * after its current store write and closes the database. `db` is the open connection (the API
 * reads through a store on it); `engine.mirrorChecked` turns true after the first sync round.
 */
export function startIndexer({
  config,
  logger,
  metrics = createMetrics(),
  worker = config.dbPath !== ":memory:",
}: {
  config: IndexerConfig;
  logger: Logger;
  /** Registry the sync engine and RPC client report to (`/metrics`). */
  metrics?: Metrics;
  /** Run the sync loop in a worker thread. Default: whenever the database is a file. */
  worker?: boolean;
}) {
  // Opened (and migrated) here first, so the worker finds the schema in place.
  const db = openDatabase(config.dbPath);
  const store = createStore({ db, logger });
  if (config.reset) {
    logger.warn("reset requested: emptying the database before syncing from scratch", { dbPath: config.dbPath });
    store.reset();
  }
  let engine: { readonly mirrorChecked: boolean; stop(): Promise<void> };
  let loop: Promise<void>;
  if (worker) {
    const running = startSyncWorker({ config: { ...config, reset: false }, logger, metrics });
    engine = running;
    loop = running.done;
  } else {
    const client = createRpcClient({
      urls: config.rpcUrls,
      logger,
      timeoutMs: config.rpcTimeoutMs,
      maxAttempts: config.rpcMaxAttempts,
      metrics,
    });
    const inProcess = createSyncEngine({ config, store, client, logger, metrics });
    engine = inProcess;
    loop = inProcess.start();
  }
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      db.close();
    }
  };
  const done = loop.finally(close);
  return {
    db,
    store,
    /** Whether the sync loop runs in a worker thread (pages then commit on another connection). */
    worker,
    engine: {
      get mirrorChecked() {
        return engine.mirrorChecked;
      },
    },
    done,
    async stop() {
      await engine.stop();
      close();
    },
  };
}
