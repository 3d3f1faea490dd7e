import { expect } from "chai";
import { network } from "hardhat";

import {
  createRandomActivity,
  lotHintOf,
  deployIndexerFixture,
  runFullLifecycle,
  type ActivityFixture,
} from "../../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";
import { createTestIndexer, dumpMirror, syncToHead } from "../../helpers/testIndexer.js";

const { ethers, networkHelpers, provider } = await network.create();
const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });

describe("sync engine: reorgs", function () {
  let server: Awaited<ReturnType<typeof startJsonRpcServer>>;
  let f: ActivityFixture;
  let indexer: ReturnType<typeof createTestIndexer>;

  before(async function () {
    f = await deployIndexerFixture(ethers);
    await runFullLifecycle(f, networkHelpers);
    server = await startJsonRpcServer(provider);
    indexer = createTestIndexer({
      rpcUrls: [server.url],
      registry: f.registryAddress,
      escrow: f.escrowAddress,
      config: { finalityDepth: 20 },
    });
    await syncToHead(indexer.engine);
  });

  after(async function () {
    await indexer.engine.stop();
    indexer.close();
    await server.close();
  });

  /** The mirror must equal a from-scratch sync of the chain as it is now, table by table. */
  async function expectSameAsFreshSync() {
    const fresh = createTestIndexer({ rpcUrls: [server.url], registry: f.registryAddress, escrow: f.escrowAddress });
    try {
      await syncToHead(fresh.engine);
      const mine = dumpMirror(indexer.db);
      const theirs = dumpMirror(fresh.db);
      for (const table of Object.keys(theirs)) expect(mine[table], table).to.deep.equal(theirs[table]);
    } finally {
      fresh.close();
    }
  }

  /** A transaction no other step sends, so the new fork's first block differs from the old one's. */
  async function forkMarker(approved: boolean) {
    await f.registry.connect(f.stranger).setApprovalForAll(f.operator.address, approved);
  }

  async function headNumber() {
    return ethers.provider.getBlockNumber();
  }

  for (let depth = 1; depth <= 10; depth++) {
    it(`rolls back a reorg of depth ${depth} and re-derives what a fresh sync derives`, async function () {
      const forkPoint = await headNumber();
      const snapshot = await rpc("evm_snapshot");
      await forkMarker(true);
      const before = createRandomActivity(f, 100 + depth);
      for (let i = 1; i < depth; i++) await before.step();
      expect((await syncToHead(indexer.engine)).checkpoint).to.equal(forkPoint + depth);

      await rpc("evm_revert", [snapshot]);
      await forkMarker(false);
      const after = createRandomActivity(f, 200 + depth);
      for (let i = 0; i < depth; i++) await after.step();

      const result = await indexer.engine.syncOnce();
      expect(result.rolledBackTo).to.equal(forkPoint);
      expect(result.checkpoint).to.equal(forkPoint + depth + 1);
      expect(indexer.logs.some((r) => r.level === "warn" && r.msg.startsWith("chain reorganisation"))).to.equal(true);
      await expectSameAsFreshSync();
    });
  }

  it("removes a redemption that the new fork does not contain", async function () {
    const batchId = f.batch.batchId;
    const serial = 290;
    expect(await f.registry.isRedeemed(batchId, serial)).to.equal(false);
    const snapshot = await rpc("evm_snapshot");
    const { sigR, sigVs, proof } = await f.batch.redemptionOf(serial, f.redeemer.address);
    const hint = await f.registry.runStartOf(batchId, serial);
    await f.registry.connect(f.redeemer).redeem(batchId, serial, hint, sigR, sigVs, proof);
    await syncToHead(indexer.engine);
    expect(indexer.store.isRedeemed(batchId, serial)).to.equal(true);
    expect(indexer.store.getCardHistory(batchId, serial).at(-1)!.eventName).to.equal("VoucherRedeemed");

    await rpc("evm_revert", [snapshot]);
    await forkMarker(true);
    await forkMarker(false);
    await indexer.engine.syncOnce();
    expect(indexer.store.isRedeemed(batchId, serial)).to.equal(false);
    expect(indexer.store.getCardHistory(batchId, serial).map((e) => e.eventName)).to.not.include("VoucherRedeemed");
    const onChain = await f.registry.batchOf(batchId);
    expect(indexer.store.getChainHead(batchId)).to.include({
      seq: Number(onChain.seq),
      head: onChain.head,
      chainOk: true,
    });
    await expectSameAsFreshSync();
  });

  it("replaces a transfer by the new fork's transfer of the same lot", async function () {
    const batchId = f.batch.batchId;
    const [, holder, runStart] = await f.registry.lookupStatus(batchId, 280);
    const owner = [f.issuer, f.buyer, f.otherBuyer].find((p) => p.address === holder)!;
    const [first, second] = [f.issuer, f.buyer, f.otherBuyer].filter((p) => p !== owner);
    const end = Number((await f.registry.runAt(batchId, runStart)).end);
    const hint = await lotHintOf(f, batchId)(Number(runStart));
    const snapshot = await rpc("evm_snapshot");
    await f.registry.connect(owner).transferLot(batchId, owner.address, first!.address, runStart, end, hint);
    await syncToHead(indexer.engine);
    expect(indexer.store.findRun(batchId, 280)!.holder).to.equal(first!.address.toLowerCase());

    await rpc("evm_revert", [snapshot]);
    await f.registry.connect(owner).transferLot(batchId, owner.address, second!.address, runStart, end, hint);
    await forkMarker(true);
    await indexer.engine.syncOnce();
    // The lot may have merged with a neighbour `second` already held: the chain says where its run starts.
    const mergedStart = await f.registry.runStartOf(batchId, 280);
    expect(indexer.store.findRun(batchId, 280)).to.include({
      start: Number(mergedStart),
      end: Number((await f.registry.runAt(batchId, mergedStart)).end),
      holder: second!.address.toLowerCase(),
    });
    await expectSameAsFreshSync();
  });

  it("follows the chain with the running loop through a reorg", async function () {
    const activity = createRandomActivity(f, 7);
    const waitForHead = async () => {
      for (;;) {
        const block = await ethers.provider.getBlock("latest");
        const checkpoint = indexer.store.getCheckpoint();
        if (checkpoint?.blockNumber === block!.number && checkpoint.blockHash === block!.hash) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const running = indexer.engine.start();
    try {
      const snapshot = await rpc("evm_snapshot");
      for (let i = 0; i < 4; i++) await activity.step();
      await waitForHead();
      await rpc("evm_revert", [snapshot]);
      await forkMarker(true);
      for (let i = 0; i < 5; i++) await activity.step();
      await waitForHead();
    } finally {
      await indexer.engine.stop();
    }
    await running;
    await expectSameAsFreshSync();
  });
});
