import { expect } from "chai";
import { network } from "hardhat";

import { BaseError } from "../../../server/internal/BaseError.js";
import { startFaultyRpcProxy, type Fault, type FaultyRpcProxyOptions } from "../../helpers/faultyRpcProxy.js";
import {
  createRandomActivity,
  createRng,
  deployIndexerFixture,
  runFullLifecycle,
  type ActivityFixture,
} from "../../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";
import { createTestIndexer, dumpMirror, syncToHead } from "../../helpers/testIndexer.js";

const { ethers, networkHelpers, provider } = await network.create();

/**
 * An indexer behind a faulty provider and one reading the node directly, to compare their mirrors;
 * `close()` stops all of it.
 */
async function startFaultyAndDirect(
  f: ActivityFixture,
  proxyOptions: Omit<FaultyRpcProxyOptions, "target">,
  config: Parameters<typeof createTestIndexer>[0]["config"],
) {
  const server = await startJsonRpcServer(provider);
  const proxy = await startFaultyRpcProxy({ target: server.url, ...proxyOptions });
  const contracts = { registry: f.registryAddress, escrow: f.escrowAddress };
  const indexer = createTestIndexer({
    rpcUrls: [proxy.url],
    ...contracts,
    ...(config === undefined ? {} : { config }),
  });
  const direct = createTestIndexer({ rpcUrls: [server.url], ...contracts });
  return {
    proxy,
    indexer,
    direct,
    async close() {
      indexer.close();
      direct.close();
      await proxy.close();
      await server.close();
    },
  };
}

describe("sync engine: a faulty RPC provider", function () {
  it("converges through faults and range limits to the same mirror as a direct sync", async function () {
    const f = await deployIndexerFixture(ethers);
    await runFullLifecycle(f, networkHelpers);
    const activity = createRandomActivity(f, 31);
    for (let i = 0; i < 30; i++) {
      await activity.step();
      // One by one: EDR's hardhat_mine reserves blocks whose parentHash reads as zero, which the
      // engine (rightly) takes for a broken chain when they fall inside its reorg window.
      if (i % 10 === 0) for (let b = 0; b < 100; b++) await provider.request({ method: "evm_mine", params: [] });
    }
    const server = await startJsonRpcServer(provider);
    const rng = createRng(32);
    const kinds: Fault[] = [
      { type: "status", status: 429, retryAfterSeconds: 0 },
      { type: "status", status: 500 },
      { type: "malformed" },
      { type: "reset" },
      { type: "hang" },
      { type: "delay", ms: 30 },
      { type: "rpcError", code: -32000, message: "header not found" },
    ];
    const proxy = await startFaultyRpcProxy({
      target: server.url,
      faults: () => (rng.next() < 0.25 ? kinds[rng.int(kinds.length)] : undefined),
      rangeLimit: { maxBlocks: 40, dialect: "alchemy" },
    });
    const indexer = createTestIndexer({
      rpcUrls: [proxy.url],
      registry: f.registryAddress,
      escrow: f.escrowAddress,
      // Two attempts per request, so some rounds fail as a whole and the loop retries from its checkpoint.
      config: { rpcTimeoutMs: 250, rpcMaxAttempts: 2, finalityDepth: 10 },
    });
    const direct = createTestIndexer({ rpcUrls: [server.url], registry: f.registryAddress, escrow: f.escrowAddress });
    const atHead = async () => {
      const head = await ethers.provider.getBlock("latest");
      for (;;) {
        const checkpoint = indexer.store.getCheckpoint();
        if (checkpoint?.blockNumber === head!.number && checkpoint.blockHash === head!.hash) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const running = indexer.engine.start();
    try {
      await atHead();
      for (let i = 0; i < 10; i++) await activity.step(); // while following
      await atHead();
    } finally {
      await indexer.engine.stop();
    }
    await running;

    await syncToHead(direct.engine);
    expect(dumpMirror(indexer.db)).to.deep.equal(dumpMirror(direct.db));
    const faults = new Set(proxy.calls.map((call) => call.fault));
    expect([...faults]).to.include.members(["status", "malformed", "reset", "hang", "range"]);
    expect(indexer.logs.some((r) => r.level === "error" && r.msg.startsWith("sync round failed; retrying"))).to.equal(
      true,
    );
    indexer.close();
    direct.close();
    await proxy.close();
    await server.close();
  });

  it("retries answers of the wrong shape (eth_getLogs, eth_getBlockByNumber) instead of stopping, and mirrors every log", async function () {
    const f = await deployIndexerFixture(ethers);
    await runFullLifecycle(f, networkHelpers);
    let wrong = 0;
    const shapes = [null, {}, "0x", 7, [null], [{ address: 1 }]];
    let wrongHeaders = 0;
    const headerShapes = [{}, "0x1", { number: "0x1" }];
    const pair = await startFaultyAndDirect(
      f,
      {
        // The first answers of eth_getLogs and eth_getBlockByNumber: each wrong shape once.
        faults: (call) =>
          call.method === "eth_getLogs" && wrong < shapes.length
            ? { type: "result", result: shapes[wrong++] }
            : call.method === "eth_getBlockByNumber" && wrongHeaders < headerShapes.length
              ? { type: "result", result: headerShapes[wrongHeaders++] }
              : undefined,
      },
      { rpcMaxAttempts: 3 },
    );
    const { indexer, direct } = pair;
    try {
      // As the engine's loop does: a retryable failure fails the round, the next round goes on.
      for (let round = 0; ; round++) {
        try {
          await syncToHead(indexer.engine);
          break;
        } catch (error) {
          if (!(error instanceof BaseError && error.retryable) || round === 5) throw error;
        }
      }
      await syncToHead(direct.engine);
      expect([wrong, wrongHeaders]).to.deep.equal([shapes.length, headerShapes.length]);
      expect(dumpMirror(indexer.db)).to.deep.equal(dumpMirror(direct.db));
    } finally {
      await pair.close();
    }
  });

  it("completes the logs a lagging backend leaves out near the head, from the blocks' hashes", async function () {
    const f = await deployIndexerFixture(ethers);
    const pair = await startFaultyAndDirect(f, { lagBlocks: 3 }, { finalityDepth: 10 });
    const { proxy, indexer, direct } = pair;
    try {
      // Synced rounds between the steps, so each step's logs are among the newest blocks when fetched.
      await syncToHead(indexer.engine);
      const activity = createRandomActivity(f, 41);
      for (let i = 0; i < 12; i++) {
        await activity.step();
        await syncToHead(indexer.engine);
      }
      await syncToHead(direct.engine);
      expect(
        proxy.calls.some((call) => call.fault === "lag"),
        "the proxy left logs out",
      ).to.equal(true);
      expect(dumpMirror(indexer.db)).to.deep.equal(dumpMirror(direct.db));
    } finally {
      await pair.close();
    }
  });
});
