import { hexToNumber, type Hex } from "viem";

import { encodeBatchManifest, hashBatchManifest } from "../../scripts/lib/batchManifest.js";
import { createApi, type ApiOptions } from "../../server/api/createApi.js";
import { startHttpServer } from "../../server/api/startHttpServer.js";
import { createManifestStore } from "../../server/store/createManifestStore.js";
import { deployIndexerFixture, type ActivityFixture } from "./indexerActivity.js";
import { startJsonRpcServer, type Eip1193Like } from "./jsonRpcServer.js";
import type { TestBatch } from "./makeBatch.js";
import { createTestIndexer, syncToHead } from "./testIndexer.js";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

/** API settings for tests: no rate limit, small upload limit, a verifier folder that does not exist. */
export const TEST_API_OPTIONS: ApiOptions = {
  corsOrigins: ["https://supplier.example"],
  rateLimit: 0,
  rateBurst: 1,
  trustProxy: 0,
  manifestMaxBytes: 1024 * 1024,
  proofCacheBytes: 64 * 1024 * 1024,
  maxLagBlocks: 10,
  confirmations: 0,
  verifierDir: "/nonexistent/verifier-web/dist",
};

/** A batch issued with a manifest hash: `manifest` is its canonical manifest, `committed` what was hashed. */
export type ManifestBatch = TestBatch & { manifest: Uint8Array; committed: Uint8Array };

/**
 * The indexer fixture's chain (registry, escrow, batch 1 of 300 cards, orders...) plus batches with
 * real manifest hashes, mirrored by a real indexer (SQLite `:memory:`, RPC over HTTP) and served by
 * the real API on 127.0.0.1.
 */
export async function deployApiFixture(ethers: HardhatEthers, provider: Eip1193Like) {
  const f = await deployIndexerFixture(ethers);
  const rpc = await startJsonRpcServer(provider);
  const indexer = createTestIndexer({ rpcUrls: [rpc.url], registry: f.registryAddress, escrow: f.escrowAddress });
  const manifests = createManifestStore(indexer.db);
  const servers: { close(): Promise<void> }[] = [];

  /**
   * Issues batch `number` with `count` cards and the hash of its canonical manifest committed, or
   * of `manifestOf(batch)` when given (to commit a wrong manifest).
   */
  async function issueManifestBatch(
    number: number,
    count: number,
    options: { manifestOf?: (batch: TestBatch) => Uint8Array; activationRequired?: boolean; expiresAt?: number } = {},
  ): Promise<ManifestBatch> {
    const batch = f.prepareBatch(number, {
      count,
      ...(options.activationRequired === undefined ? {} : { activationRequired: options.activationRequired }),
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    });
    const manifest = manifestOf(f, batch);
    const committed = options.manifestOf?.(batch) ?? manifest;
    await f.registry
      .connect(f.issuer)
      .issueBatch(batch.batchId, { ...batch.params, manifestHash: hashBatchManifest(committed) });
    return { ...batch, manifest, committed };
  }

  /** A real API on 127.0.0.1 over the fixture's mirror; `options` override {@link TEST_API_OPTIONS}. */
  async function startApi(options: Partial<ApiOptions> = {}, probeHead?: (signal: AbortSignal) => Promise<number>) {
    const api = createApi({
      store: indexer.store,
      manifests,
      logger: indexer.logger,
      metrics: indexer.metrics,
      options: { ...TEST_API_OPTIONS, ...options },
      probeHead:
        probeHead ??
        (async (signal) => hexToNumber(await indexer.client.request<Hex>("eth_blockNumber", [], { signal }))),
    });
    const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
    const close = async () => {
      await http.close(100);
      await api.close();
    };
    servers.push({ close });
    return { api, url: http.url, close };
  }

  return {
    f,
    rpc,
    indexer,
    manifests,
    issueManifestBatch,
    startApi,
    /** Mirrors the chain up to its head. */
    sync: () => syncToHead(indexer.engine),
    async close() {
      for (const server of servers) await server.close();
      indexer.close();
      await rpc.close();
    },
  };
}

/** The canonical manifest of a prepared batch on the fixture's chain. */
export function manifestOf(f: ActivityFixture, batch: TestBatch): Uint8Array {
  return encodeBatchManifest({
    chainId: f.chainId,
    registry: f.registryAddress,
    batchId: batch.batchId,
    cardKeys: batch.cardKeys,
  });
}

/** GET (or another method) `path` and read the answer as JSON. */
export async function request(
  url: string,
  path: string,
  init: RequestInit = {},
  // Tests read nested JSON fields freely; a wrong shape fails their assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** POSTs a manifest upload. */
export function upload(
  url: string,
  batchId: bigint | string,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
) {
  return request(url, `/v1/batches/${batchId}/manifest`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : Buffer.from(body),
  });
}
