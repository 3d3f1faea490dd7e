import autocannon from "autocannon";

import type { GeneratedChain } from "./generateIndexerEvents.js";
import { backfillEnv } from "./measureBackfill.js";
import { spawnIndexer } from "./spawnIndexer.js";
import type { JsonRpcServer } from "./startJsonRpcServer.js";

/** Distinct random serials cycled through by the load generator. */
const DISTINCT_SERIALS = 4_096;

/** Latencies of one route under load while the indexer backfills. */
export type DuringBackfillFigure = {
  route: "status" | "timeline";
  connections: number;
  /** How long the load ran: it starts once the API answers and stops before the backfill ends. */
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** Whether the indexer was still backfilling when the load ended (else the figure mixes in idle time). */
  endedBeforeCaughtUp: boolean;
  /** The backfill's events/s in this run (it shares the machine with the load). */
  backfillEventsPerSecond: number;
};

/**
 * Card-status (or timeline) latency while the indexer backfills: a fresh indexer process (the same
 * entry point and settings as the backfill measure, a new SQLite file) is started, and as soon as
 * its API answers for the benchmark batch, autocannon runs `connections` connections at random
 * serials for `loadSeconds` (chosen shorter than the backfill), then the indexer runs on until
 * it caught up, which gives this run's backfill rate.
 *
 * @dev The API shares the indexer process with the sync loop; this is the figure that shows whether
 * a page being parsed, decoded and committed holds requests up. The load runs in an autocannon
 * worker thread, as in `measureApiLookups`; non-2xx answers are counted (a 503 before the first
 * sync round checked the mirror would show there).
 */
export async function measureDuringBackfill(
  {
    chain,
    server,
    repoRoot,
    dbPath,
    pollIntervalMs,
    finalityDepth,
    route,
    connections,
    loadSeconds,
    timeoutMs,
  }: {
    chain: GeneratedChain;
    server: JsonRpcServer;
    repoRoot: string;
    dbPath: string;
    pollIntervalMs: number;
    finalityDepth: number;
    route: "status" | "timeline";
    connections: number;
    loadSeconds: number;
    timeoutMs: number;
  },
  log: (line: string) => void,
): Promise<DuringBackfillFigure> {
  const indexer = spawnIndexer({
    repoRoot,
    env: backfillEnv({ chain, server, dbPath, pollIntervalMs, finalityDepth }),
  });
  try {
    const started = await indexer.waitFor((record) => record.msg === "indexer sync started", 60_000);
    const listening = await indexer.waitFor((record) => record.msg === "API listening", 60_000);
    const base = new URL(String(listening.url));
    const batchId = chain.apiBatch.batchId.toString();
    const suffix = route === "timeline" ? "/timeline" : "";
    // The batch is issued in the chain's first blocks: wait for the page that holds it.
    for (let attempt = 0; ; attempt++) {
      const answer = await fetch(new URL(`/v1/batches/${batchId}/cards/0${suffix}`, base));
      await answer.arrayBuffer();
      if (answer.status === 200) break;
      if (attempt > 6_000) throw new Error(`the API never answered 200 for batch ${batchId} (last ${answer.status})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const requests = Array.from({ length: DISTINCT_SERIALS }, () => ({
      method: "GET" as const,
      path: `/v1/batches/${batchId}/cards/${Math.floor(Math.random() * chain.apiBatch.count)}${suffix}`,
    }));
    log(`during backfill: ${route}, ${connections} connections for ${loadSeconds} s against ${base.origin}`);
    const result = await autocannon({ url: base.origin, connections, duration: loadSeconds, workers: 1, requests });
    const loadEnded = performance.now();
    const caughtUp = await indexer.waitFor((record) => record.msg === "caught up with the chain", timeoutMs);
    const seconds = (caughtUp.receivedAt - started.receivedAt) / 1000;
    const figure: DuringBackfillFigure = {
      route,
      connections,
      seconds: loadSeconds,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors,
      non2xx: result.non2xx,
      endedBeforeCaughtUp: caughtUp.receivedAt > loadEnded,
      backfillEventsPerSecond: chain.events / seconds,
    };
    log(
      `during backfill: ${route} p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms, ` +
        `${Math.round(figure.requestsPerSecond)} req/s; backfill ${Math.round(figure.backfillEventsPerSecond)} events/s`,
    );
    return figure;
  } finally {
    await indexer.stop();
  }
}
