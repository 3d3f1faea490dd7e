import type { Database } from "better-sqlite3";

import { createLogger, type LogRecord } from "../../server/internal/createLogger.js";
import { createMetrics, type Metrics } from "../../server/internal/createMetrics.js";
import { DEFAULT_CONFIG, type IndexerConfig } from "../../server/internal/loadConfig.js";
import { createStore } from "../../server/store/createStore.js";
import { openDatabase } from "../../server/store/openDatabase.js";
import { DERIVED_TABLES } from "../../server/store/schemaV1.js";
import { createRpcClient } from "../../server/sync/createRpcClient.js";
import { createSyncEngine, type SyncEngine } from "../../server/sync/createSyncEngine.js";

/**
 * A real indexer (SQLite store, HTTP RPC client, sync engine) for tests, with its log records
 * collected in `logs` instead of written to stderr.
 */
export function createTestIndexer(options: {
  rpcUrls: string[];
  registry: string;
  escrow?: string;
  dbPath?: string;
  config?: Partial<IndexerConfig>;
  /** Registry for the engine's and RPC client's metrics. */
  metrics?: Metrics;
}) {
  const metrics = options.metrics ?? createMetrics();
  const logs: LogRecord[] = [];
  const logger = createLogger({ level: "debug", sink: (record) => logs.push(record) });
  const config: IndexerConfig = {
    ...DEFAULT_CONFIG,
    rpcUrls: options.rpcUrls,
    registryAddress: options.registry.toLowerCase() as IndexerConfig["registryAddress"],
    escrowAddress: options.escrow?.toLowerCase() as IndexerConfig["escrowAddress"],
    dbPath: options.dbPath ?? ":memory:",
    finality: "depth",
    finalityDepth: 64,
    pollIntervalMs: 20,
    ...options.config,
  };
  const db = openDatabase(config.dbPath);
  const store = createStore({ db, logger });
  const client = createRpcClient({
    urls: config.rpcUrls,
    logger,
    timeoutMs: config.rpcTimeoutMs,
    maxAttempts: config.rpcMaxAttempts,
    baseDelayMs: 5,
    maxDelayMs: 50,
    metrics,
  });
  const engine = createSyncEngine({ config, store, client, logger, metrics });
  return { config, db, store, client, engine, logs, logger, metrics, close: () => db.close() };
}

/** Runs `syncOnce` until the mirror reaches the head. */
export async function syncToHead(engine: SyncEngine) {
  for (let round = 0; round < 1_000; round++) {
    const result = await engine.syncOnce();
    if (result.caughtUp) return result;
  }
  throw new Error("syncToHead: no progress after 1,000 rounds");
}

/** Tables whose content must be identical whichever way (and however often interrupted) a mirror was built. */
export const MIRROR_TABLES = ["raw_logs", ...DERIVED_TABLES] as const;

/** Every row of every mirrored table, in a canonical order, for deep comparisons. */
export function dumpMirror(db: Database): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const table of MIRROR_TABLES) {
    const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    dump[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.join(", ")}`).all();
  }
  const state = db.prepare("SELECT last_block, last_block_hash FROM sync_state").get();
  dump.checkpoint = [state];
  return dump;
}

/** Row counts per mirrored table. */
export function countRows(db: Database): Record<string, number> {
  return Object.fromEntries(
    MIRROR_TABLES.map((table) => [table, (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n]),
  );
}
