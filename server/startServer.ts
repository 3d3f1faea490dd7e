import type { RequestListener } from "node:http";

import type { Database } from "better-sqlite3";
import { hexToNumber, type Hex } from "viem";

import { createApi } from "./api/createApi.js";
import { startHttpServer } from "./api/startHttpServer.js";
import type { Logger } from "./internal/createLogger.js";
import { createMetrics, type Metrics } from "./internal/createMetrics.js";
import { loopbackUrls, type IndexerConfig } from "./internal/loadConfig.js";
import { createManifestStore } from "./store/createManifestStore.js";
import { createVerificationCounter } from "./store/createVerificationCounter.js";
import { createRpcClient } from "./sync/createRpcClient.js";
import { startIndexer } from "./startIndexer.js";

/**
 * The indexer process: the sync loop (`startIndexer`) and the REST API on
 * `CARDPROOF_API_HOST:CARDPROOF_API_PORT`, over one database and one metrics registry.
 *
 * @dev Shutdown order (`stop()`): the HTTP server stops accepting and lets requests finish (5 s at
 * most), manifest workers stop, then the sync loop stops after its current store write and the
 * database closes — no request ever reads a closed database. A fatal sync error stops the API
 * too, and `done` rejects with it.
 * @throws {ListenError} (after stopping the sync loop) when the API's address cannot be bound.
 */
export async function startServer({
  config,
  logger,
  metrics = createMetrics({ processMetrics: true }),
}: {
  config: IndexerConfig;
  logger: Logger;
  metrics?: Metrics;
}) {
  const indexer = startIndexer({ config, logger, metrics });
  let syncRunning = true;
  // Readiness probe: one attempt per URL, no long back-off (the probe has 2 s).
  const probe = createRpcClient({
    urls: config.rpcUrls,
    logger: logger.child({ component: "readiness" }),
    timeoutMs: 2_000,
    maxAttempts: config.rpcUrls.length,
    baseDelayMs: 10,
    maxDelayMs: 50,
    metrics,
  });
  const api = createApi({
    store: indexer.store,
    manifests: createManifestStore(indexer.db),
    verifications: createVerificationCounter(indexer.db),
    logger,
    metrics,
    options: {
      corsOrigins: config.apiCorsOrigins,
      rateLimit: config.apiRateLimit,
      rateBurst: config.apiRateBurst,
      trustProxy: config.apiTrustProxy,
      manifestMaxBytes: config.apiManifestMaxBytes,
      proofCacheBytes: config.apiProofCacheMb * 1024 * 1024,
      maxLagBlocks: config.apiMaxLagBlocks,
      confirmations: config.confirmations,
      verifierDir: config.verifierDir,
      verifierPage: {
        chainId: config.chainId,
        registry: config.registryAddress,
        escrow: config.escrowAddress,
        rpcUrls: config.publicRpcUrls ?? loopbackUrls(config.rpcUrls),
        explorerUrl: config.explorerUrl,
        proofShardsUrls: config.proofShardsUrls,
      },
    },
    probeHead: async (signal) => hexToNumber(await probe.request<Hex>("eth_blockNumber", [], { signal })),
    syncRunning: () => syncRunning,
    mirrorChecked: () => indexer.engine.mirrorChecked,
  });

  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    const app = indexer.worker ? inOneSnapshot(indexer.db, api.handle) : api.handle;
    http = await startHttpServer({ app, host: config.apiHost, port: config.apiPort });
  } catch (error) {
    await api.close();
    await indexer.stop();
    throw error;
  }
  logger.info("API listening", { url: http.url });

  let stopping: Promise<void> | undefined;
  const stopApi = async () => {
    await http.close();
    await api.close();
  };
  const done = indexer.done.then(
    async () => {
      syncRunning = false;
      await stopApi();
    },
    async (error: unknown) => {
      syncRunning = false;
      await stopApi();
      throw error;
    },
  );

  return {
    /** Where the API listens, e.g. `http://127.0.0.1:8787`. */
    url: http.url,
    store: indexer.store,
    engine: indexer.engine,
    api,
    /** Settles when both stopped; rejects with the sync loop's fatal error. */
    done,
    /** Stops the API (letting requests finish), then the sync loop, then closes the database. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        await stopApi();
        await indexer.stop();
      })();
      return stopping;
    },
  };
}

/**
 * Answers each GET and HEAD inside one read transaction on `db`: with the sync loop in a worker,
 * pages commit on another connection at any moment, and a handler's statements would each read
 * the latest commit; in one transaction they all read the same committed snapshot, so an answer's
 * `block` and its data agree (handlers read synchronously). Writes (POST) are left alone: a read
 * transaction could not become a write one once the worker has committed past its snapshot.
 */
function inOneSnapshot(db: Database, handle: RequestListener): RequestListener {
  const begin = db.prepare("BEGIN");
  const commit = db.prepare("COMMIT");
  return (req, res) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || db.inTransaction) return handle(req, res);
    begin.run();
    try {
      handle(req, res);
    } finally {
      if (db.inTransaction) commit.run();
    }
  };
}
