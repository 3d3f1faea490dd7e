import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { hexToNumber, type Hex } from "viem";

import { createApi } from "../../server/api/createApi.js";
import { startHttpServer } from "../../server/api/startHttpServer.js";
import { createManifestStore } from "../../server/store/createManifestStore.js";
import { TEST_API_OPTIONS } from "./apiFixture.js";
import { runCardproof } from "./cliHarness.js";
import { deployIndexerFixture, runFullLifecycle } from "./indexerActivity.js";
import { startJsonRpcServer, type Eip1193Like } from "./jsonRpcServer.js";
import { createTestIndexer, syncToHead } from "./testIndexer.js";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

type NetworkHelpersLike = Parameters<typeof runFullLifecycle>[1];

/**
 * The chain an auditor test audits: the indexer fixture (registry, escrow, stablecoin) after the
 * full lifecycle (every event kind), behind a real JSON-RPC server; a real indexer mirroring it
 * into a SQLite file, its API on 127.0.0.1 on demand; and `audit(...)`, which runs the real
 * `cardproof audit` executable against them in a child process.
 */
export async function startAuditFixture(
  ethers: HardhatEthers,
  provider: Eip1193Like,
  networkHelpers: NetworkHelpersLike,
) {
  const f = await deployIndexerFixture(ethers);
  const { secondBatchId } = await runFullLifecycle(f, networkHelpers);
  const rpc = await startJsonRpcServer(provider);
  const workdir = await mkdtemp(join(tmpdir(), "cardproof-audit-"));
  const dbPath = join(workdir, "indexer.sqlite");
  const indexer = createTestIndexer({
    rpcUrls: [rpc.url],
    registry: f.registryAddress,
    escrow: f.escrowAddress,
    dbPath,
  });
  await syncToHead(indexer.engine);
  const servers: { close(): Promise<void> }[] = [];
  let copies = 0;

  return {
    f,
    secondBatchId,
    rpc,
    workdir,
    dbPath,
    indexer,
    /** The options naming the fixture's chain and contracts. */
    target: ["--rpc-url", rpc.url, "--registry", f.registryAddress, "--escrow", f.escrowAddress, "--from-block", "0"],
    /** Runs `cardproof <args>` against the fixture's chain (no deployment file: addresses given). */
    cardproof(args: readonly string[]) {
      return runCardproof(args, { cwd: workdir, env: { CARDPROOF_RPC_URL: rpc.url } });
    },
    /** Mirrors the chain up to its head again (after new transactions). */
    sync: () => syncToHead(indexer.engine),
    /** A copy of the mirror to tamper with: `tamper(db)` runs on it, then it is closed. */
    async tamperedCopy(tamper: (db: Database.Database) => void): Promise<string> {
      const path = join(workdir, `tampered-${++copies}.sqlite`);
      await indexer.db.backup(path);
      const db = new Database(path);
      try {
        tamper(db);
      } finally {
        db.close();
      }
      return path;
    },
    /** The indexer's API over the mirror, on 127.0.0.1. */
    async startApi() {
      const api = createApi({
        store: indexer.store,
        manifests: createManifestStore(indexer.db),
        logger: indexer.logger,
        metrics: indexer.metrics,
        options: TEST_API_OPTIONS,
        probeHead: async (signal) => hexToNumber(await indexer.client.request<Hex>("eth_blockNumber", [], { signal })),
      });
      const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
      const close = async () => {
        await http.close(100);
        await api.close();
      };
      servers.push({ close });
      return { url: http.url, close };
    },
    async close() {
      for (const server of servers) await server.close();
      await indexer.engine.stop();
      indexer.close();
      await rpc.close();
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

export type AuditFixture = Awaited<ReturnType<typeof startAuditFixture>>;
