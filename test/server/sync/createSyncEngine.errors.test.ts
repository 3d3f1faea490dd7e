import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { ChainMismatchError } from "../../../server/sync/ChainMismatchError.js";
import { HeadBehindError } from "../../../server/sync/HeadBehindError.js";
import { ReorgTooDeepError } from "../../../server/sync/ReorgTooDeepError.js";
import { createRandomActivity, deployIndexerFixture, type ActivityFixture } from "../../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";
import { createTestIndexer, dumpMirror, syncToHead } from "../../helpers/testIndexer.js";

const { ethers, provider } = await network.create();
const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });

describe("sync engine: explicit failures", function () {
  let server: Awaited<ReturnType<typeof startJsonRpcServer>>;
  let f: ActivityFixture;
  let dir: string;

  before(async function () {
    f = await deployIndexerFixture(ethers);
    server = await startJsonRpcServer(provider);
    dir = mkdtempSync(join(tmpdir(), "cardproof-sync-"));
  });

  after(async function () {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const indexerFor = (url: string, fixture: ActivityFixture, config = {}, dbPath = ":memory:") =>
    createTestIndexer({
      rpcUrls: [url],
      registry: fixture.registryAddress,
      escrow: fixture.escrowAddress,
      dbPath,
      config,
    });

  async function expectSameAsFreshSync(indexer: ReturnType<typeof indexerFor>) {
    const fresh = indexerFor(server.url, f);
    await syncToHead(fresh.engine);
    expect(dumpMirror(indexer.db)).to.deep.equal(dumpMirror(fresh.db));
    fresh.close();
  }

  describe("a head that goes backwards without a hash conflict", function () {
    it("raises HeadBehindError, logs it loudly while waiting, and rolls back once the node's chain conflicts", async function () {
      const indexer = indexerFor(server.url, f, { finalityDepth: 20 });
      await syncToHead(indexer.engine);
      const snapshot = await rpc("evm_snapshot");
      const activity = createRandomActivity(f, 11);
      for (let i = 0; i < 3; i++) await activity.step();
      const synced = await syncToHead(indexer.engine);

      await rpc("evm_revert", [snapshot]);
      const head = await ethers.provider.getBlockNumber();
      const failure = await indexer.engine.syncOnce().catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(HeadBehindError);
      expect(failure).to.include({ headBlock: head, checkpointBlock: synced.checkpoint, retryable: true });
      expect(indexer.store.getCheckpoint()!.blockNumber).to.equal(synced.checkpoint);

      // The running loop keeps waiting and says so at error level.
      const running = indexer.engine.start();
      while (
        !indexer.logs.some((r) => r.level === "error" && (r.error as { name?: string })?.name === "HeadBehindError")
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await indexer.engine.stop();
      await running;

      // Once the node's chain passes the checkpoint with other blocks, the reorg is rolled back.
      const other = createRandomActivity(f, 12);
      for (let i = 0; i < 5; i++) await other.step();
      const result = await indexer.engine.syncOnce();
      expect(result.rolledBackTo).to.equal(head);
      await expectSameAsFreshSync(indexer);
      indexer.close();
    });
  });

  describe("a reorg deeper than the window", function () {
    it("raises ReorgTooDeepError, logs it, and leaves the mirror untouched", async function () {
      const indexer = indexerFor(server.url, f, { finalityDepth: 3 });
      await syncToHead(indexer.engine);
      const snapshot = await rpc("evm_snapshot");
      const activity = createRandomActivity(f, 21);
      for (let i = 0; i < 8; i++) await activity.step();
      await syncToHead(indexer.engine);
      const before = dumpMirror(indexer.db);

      await rpc("evm_revert", [snapshot]);
      await f.registry.connect(f.stranger).setApprovalForAll(f.operator.address, true);
      const other = createRandomActivity(f, 22);
      for (let i = 0; i < 9; i++) await other.step();

      const failure = await indexer.engine.syncOnce().catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(ReorgTooDeepError);
      expect((failure as ReorgTooDeepError).retryable).to.equal(false);
      expect((failure as ReorgTooDeepError).message).to.match(/--reset/);
      expect(
        indexer.logs.some((r) => r.level === "error" && r.msg.startsWith("reorg deeper than the reorg window")),
      ).to.equal(true);
      expect(dumpMirror(indexer.db)).to.deep.equal(before);

      // The loop stops on it rather than retrying.
      const stopped = await indexer.engine.start().catch((error: unknown) => error);
      expect(stopped).to.be.instanceOf(ReorgTooDeepError);
      indexer.close();
    });
  });

  describe("a chain reset", function () {
    async function otherChain(override: Record<string, unknown>) {
      const other = await network.create({ override } as never);
      const fixture = await deployIndexerFixture(other.ethers);
      const otherServer = await startJsonRpcServer(other.provider);
      return { fixture, otherServer };
    }

    it("refuses a chain with another genesis and the same chain id, and resyncs after a reset", async function () {
      const dbPath = join(dir, "genesis.sqlite");
      const first = indexerFor(server.url, f, {}, dbPath);
      await syncToHead(first.engine);
      first.close();

      // A restarted local node: same chain id, same deployment addresses, new genesis.
      const { fixture, otherServer } = await otherChain({ initialDate: "2021-06-01T00:00:00Z" });
      expect(fixture.registryAddress).to.equal(f.registryAddress);
      const second = indexerFor(otherServer.url, fixture, {}, dbPath);
      const failure = await second.engine.start().catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(ChainMismatchError);
      expect((failure as ChainMismatchError).differences.join()).to.match(/^genesis 0x[0-9a-f]{64} in the database/);
      expect((failure as Error).message).to.include("--reset");
      expect(second.logs.some((r) => r.level === "error" && r.msg.startsWith("indexer stopped"))).to.equal(true);

      second.store.reset();
      const result = await syncToHead(second.engine);
      expect(result.checkpoint).to.equal(await fixture.registry.runner!.provider!.getBlockNumber());
      second.close();
      await otherServer.close();
    });

    it("refuses a chain with another chain id", async function () {
      const dbPath = join(dir, "chain-id.sqlite");
      const first = indexerFor(server.url, f, {}, dbPath);
      await syncToHead(first.engine);
      first.close();

      const { fixture, otherServer } = await otherChain({ chainId: 1337 });
      const second = indexerFor(otherServer.url, fixture, {}, dbPath);
      const failure = await second.engine.syncOnce().catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(ChainMismatchError);
      expect((failure as ChainMismatchError).differences[0]).to.equal(
        "chain id 31337 in the database, 1337 at the RPC endpoint",
      );
      second.close();
      await otherServer.close();
    });

    it("refuses an RPC endpoint that serves another chain id than configured", async function () {
      const indexer = indexerFor(server.url, f, { chainId: 1 });
      const failure = await indexer.engine.syncOnce().catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(ChainMismatchError);
      expect((failure as ChainMismatchError).differences).to.deep.equal([
        "CARDPROOF_CHAIN_ID is 1 but the RPC endpoint serves chain 31337",
      ]);
      indexer.close();
    });
  });
});
