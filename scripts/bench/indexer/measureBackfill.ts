import Database from "better-sqlite3";

import type { GeneratedChain } from "./generateIndexerEvents.js";
import type { ProcessMemory } from "./readProcessMemory.js";
import { spawnIndexer, type IndexerProcess } from "./spawnIndexer.js";
import { rpcWindow, type JsonRpcServer, type RpcServerSnapshot } from "./startJsonRpcServer.js";

/** What the backfill took; the indexer keeps running (following the head) for the next measures. */
export type BackfillResult = {
  /** Events the indexer mirrored (`raw_logs` rows), checked equal to the events generated. */
  events: number;
  blocks: number;
  seconds: number;
  eventsPerSecond: number;
  /** Share of the backfill's wall time with an RPC request in flight, measured at the JSON-RPC server. */
  rpcShare: number;
  rpc: RpcServerSnapshot;
  memory: {
    /** `VmHWM` of the indexer process when it caught up (the peak since it started). */
    peakRss: number;
    /** `VmRSS` when its sync loop started: runtime, tsx and modules loaded, nothing indexed. */
    startRss: number;
  };
  /** The pages the indexer applied: last block and log count of each, in order. */
  pages: { toBlock: number; logs: number }[];
  /** The block the indexer took as final (`head - finalityDepth`). */
  finalizedBlock: number;
  indexer: IndexerProcess;
};

/**
 * Runs the indexer (the product's entry point in a child process: real sync engine, real RPC
 * client over HTTP to the JSON-RPC server, a fresh SQLite file) from the registry's deploy block
 * to the head, and measures it from its "indexer sync started" to its "caught up with the chain"
 * log line: wall time, events/s, the RPC server's busy share in that window, and the process's
 * peak resident memory (`VmHWM` from `/proc/<pid>/status`, read as soon as it caught up).
 *
 * @dev A child process, not `process.memoryUsage()` here: this process holds the EDR chain (over
 *      1 GB at 200k events), so only a separate process gives the indexer's own footprint. The
 *      child logs at debug level so its "page applied" lines give the page boundaries the raw
 *      ceiling replays (one short line per page of ~2,000 logs).
 */
export async function measureBackfill(
  {
    chain,
    server,
    repoRoot,
    dbPath,
    pollIntervalMs,
    finalityDepth,
    timeoutMs,
  }: {
    chain: GeneratedChain;
    server: JsonRpcServer;
    repoRoot: string;
    dbPath: string;
    pollIntervalMs: number;
    finalityDepth: number;
    timeoutMs: number;
  },
  log: (line: string) => void,
): Promise<BackfillResult> {
  const indexer = spawnIndexer({
    repoRoot,
    env: backfillEnv({ chain, server, dbPath, pollIntervalMs, finalityDepth }),
  });
  try {
    const started = await indexer.waitFor((record) => record.msg === "indexer sync started", 60_000);
    const before = server.snapshot();
    const startRss = indexer.memory()?.rss ?? Number.NaN;
    log(`indexer process ${indexer.pid} started; backfilling blocks ${chain.startBlock}-${chain.headBlock}`);
    const caughtUp = await indexer.waitFor((record) => record.msg === "caught up with the chain", timeoutMs);
    const after = server.snapshot();
    const memory: ProcessMemory | undefined = indexer.memory();
    const seconds = (caughtUp.receivedAt - started.receivedAt) / 1000;
    const rpc = rpcWindow(before, after);

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    let events: number;
    try {
      events = (db.prepare("SELECT COUNT(*) AS n FROM raw_logs").get() as { n: number }).n;
    } finally {
      db.close();
    }
    if (events !== chain.events) {
      throw new Error(`the indexer mirrored ${events} events, but ${chain.events} were generated`);
    }
    const pages = indexer.records
      .filter((record) => record.msg === "page applied")
      .map((record) => ({ toBlock: Number(record.block), logs: Number(record.logs) }));
    log(`backfill: ${events} events in ${seconds.toFixed(2)} s over ${pages.length} pages`);
    return {
      events,
      blocks: chain.headBlock - chain.startBlock + 1,
      seconds,
      eventsPerSecond: events / seconds,
      rpcShare: rpc.busyMs / 1000 / seconds,
      rpc,
      memory: { peakRss: memory?.peakRss ?? Number.NaN, startRss },
      pages,
      finalizedBlock: chain.headBlock - finalityDepth,
      indexer,
    };
  } catch (error) {
    await indexer.stop();
    throw error;
  }
}

/** The indexer's settings for a benchmark backfill: the generated chain, a fresh database, debug logs, an unthrottled API. */
export function backfillEnv({
  chain,
  server,
  dbPath,
  pollIntervalMs,
  finalityDepth,
}: {
  chain: GeneratedChain;
  server: JsonRpcServer;
  dbPath: string;
  pollIntervalMs: number;
  finalityDepth: number;
}) {
  return {
    CARDPROOF_RPC_URL: server.url,
    CARDPROOF_REGISTRY_ADDRESS: chain.registry,
    CARDPROOF_ESCROW_ADDRESS: chain.escrow,
    CARDPROOF_START_BLOCK: String(chain.startBlock),
    CARDPROOF_DB_PATH: dbPath,
    CARDPROOF_FINALITY: "auto",
    CARDPROOF_FINALITY_DEPTH: String(finalityDepth),
    CARDPROOF_POLL_INTERVAL_MS: String(pollIntervalMs),
    CARDPROOF_LOG_LEVEL: "debug",
    // The process serves the REST API too: any free port, and no rate limit for the load test.
    CARDPROOF_API_HOST: "127.0.0.1",
    CARDPROOF_API_PORT: "0",
    CARDPROOF_API_RATE_LIMIT: "0",
  };
}
