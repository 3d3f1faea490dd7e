import { expect } from "chai";
import { network } from "hardhat";

import { computeOrderId } from "../../../scripts/lib/orderId.js";
import { deployIndexerFixture, runFullLifecycle } from "../../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";
import { createTestIndexer, dumpMirror, syncToHead } from "../../helpers/testIndexer.js";

const { ethers, networkHelpers, provider } = await network.create();

describe("store: the mirror of a real chain", function () {
  async function mirroredChain() {
    const f = await deployIndexerFixture(ethers);
    const { secondBatchId } = await runFullLifecycle(f, networkHelpers);
    return { f, secondBatchId };
  }

  let server: Awaited<ReturnType<typeof startJsonRpcServer>>;
  before(async function () {
    server = await startJsonRpcServer(provider);
  });
  after(async function () {
    await server.close();
  });

  async function indexed() {
    const chain = await networkHelpers.loadFixture(mirroredChain);
    const indexer = createTestIndexer({
      rpcUrls: [server.url],
      registry: chain.f.registryAddress,
      escrow: chain.f.escrowAddress,
    });
    await syncToHead(indexer.engine);
    return { ...chain, indexer };
  }

  it("recomputes each batch's hash chain to the head the registry stores", async function () {
    const { f, secondBatchId, indexer } = await indexed();
    for (const batchId of [f.batch.batchId, secondBatchId]) {
      const onChain = await f.registry.batchOf(batchId);
      const head = indexer.store.getChainHead(batchId)!;
      expect(head).to.include({ seq: Number(onChain.seq), head: onChain.head, chainOk: true, mismatches: 0 });
      expect(indexer.store.getBatch(batchId)).to.include({ seq: Number(onChain.seq), head: onChain.head });
    }
    indexer.close();
  });

  it("flags a tampered raw log as a hash-chain mismatch after rebuildDerived()", async function () {
    const { f, indexer } = await indexed();
    const batchId = f.batch.batchId.toString();
    const before = dumpMirror(indexer.db);
    expect(indexer.store.rebuildDerived().logs).to.equal(before.raw_logs!.length);
    expect(dumpMirror(indexer.db)).to.deep.equal(before);

    const row = indexer.db
      .prepare(
        "SELECT block_number, log_index, args_json FROM raw_logs WHERE event_name = 'LotTransferred' AND args_json LIKE ? ORDER BY block_number DESC LIMIT 1",
      )
      .get(`%"batchId":"${batchId}"%`) as { block_number: number; log_index: number; args_json: string };
    const args = JSON.parse(row.args_json) as { end: number; seq: number };
    args.end += 1; // one card more than the chain moved
    indexer.db
      .prepare("UPDATE raw_logs SET args_json = ? WHERE block_number = ? AND log_index = ?")
      .run(JSON.stringify(args), row.block_number, row.log_index);
    indexer.logs.length = 0;
    indexer.store.rebuildDerived();

    const head = indexer.store.getChainHead(batchId)!;
    expect(head.chainOk).to.equal(false);
    // The first mismatch is the tampered link; replay goes on from the recomputed head (as
    // replayProvenance does), so every later link of the batch disagrees too.
    const mismatches = indexer.store.listChainMismatches(batchId);
    expect(mismatches[0]).to.include({
      blockNumber: row.block_number,
      logIndex: row.log_index,
      reason: "head-mismatch",
      actualSeq: args.seq,
    });
    expect(mismatches.map((m) => m.actualSeq)).to.deep.equal(
      Array.from({ length: mismatches.length }, (_, i) => args.seq + i),
    );
    expect(head.seq).to.equal(args.seq + mismatches.length - 1);
    expect(
      indexer.logs.some((r) => r.level === "error" && r.msg.startsWith("provenance hash chain mismatch")),
    ).to.equal(true);
    indexer.close();
  });

  it("answers hints as the registry does: the run holding any serial", async function () {
    const { f, secondBatchId, indexer } = await indexed();
    for (const batchId of [f.batch.batchId, secondBatchId]) {
      const count = indexer.store.getBatch(batchId)!.count;
      for (const serial of [
        0,
        1,
        3,
        4,
        5,
        19,
        20,
        29,
        30,
        39,
        40,
        99,
        100,
        199,
        200,
        249,
        250,
        299,
        399,
        400,
        count - 1,
      ]) {
        if (serial >= count) continue;
        const run = indexer.store.findRun(batchId, serial)!;
        const [, holder, runStart] = await f.registry.lookupStatus(batchId, serial);
        const onChain = await f.registry.runAt(batchId, runStart);
        expect([run.start, run.end, run.holder], `serial ${serial}`).to.deep.equal([
          Number(runStart),
          Number(onChain.end),
          holder.toLowerCase(),
        ]);
        expect(run.activated, `serial ${serial} activated`).to.equal((Number(onChain.flags) & 1) !== 0);
        expect(run.revoked, `serial ${serial} revoked`).to.equal((Number(onChain.flags) & 2) !== 0);
      }
      expect(indexer.store.getBatch(batchId)!.stockStart).to.equal(
        Number((await f.registry.batchOf(batchId)).stockStart),
      );
      expect(indexer.store.findRun(batchId, count)).to.equal(undefined);
    }
    indexer.close();
  });

  it("gives a card's whole history from lot-level rows", async function () {
    const { f, indexer } = await indexed();
    const history = indexer.store.getCardHistory(f.batch.batchId, 2);
    expect(history.map((e) => e.eventName)).to.deep.equal([
      "BatchIssued",
      "LotTransferred",
      "LotTransferred",
      "LotActivated",
      "VoucherRedeemed",
    ]);
    expect(history.map((e) => e.seq)).to.deep.equal([...history.map((e) => e.seq)].sort((a, b) => a - b));
    expect(history[2]).to.include({ start: 0, end: 5, to: f.otherBuyer.address.toLowerCase() });
    expect(indexer.store.isRedeemed(f.batch.batchId, 2)).to.equal(true);
    expect(indexer.store.isRedeemed(f.batch.batchId, 3)).to.equal(false);
    const lotRows = indexer.db.prepare("SELECT COUNT(*) AS n FROM batch_events WHERE event_name = 'BatchIssued'").get();
    expect(lotRows).to.deep.equal({ n: 2 });
    indexer.close();
  });

  it("keeps each order's terms, so they can be passed back to the escrow", async function () {
    const { f, indexer } = await indexed();
    const orders = indexer.db.prepare("SELECT order_id, status FROM orders ORDER BY opened_block").all() as {
      order_id: string;
      status: string;
    }[];
    expect(orders.map((o) => o.status)).to.deep.equal(["Released", "Refunded", "Resolved", "Released"]);
    const chainId = (await ethers.provider.getNetwork()).chainId;
    for (const { order_id: orderId } of orders) {
      const order = indexer.store.getOrder(orderId)!;
      const terms = {
        ...order.terms,
        batchId: BigInt(order.terms.batchId),
        unitPrice: BigInt(order.terms.unitPrice),
      };
      expect(computeOrderId({ chainId, escrow: f.escrowAddress as `0x${string}`, order: terms })).to.equal(orderId);
      expect(await f.escrow.orderIdOf(terms)).to.equal(orderId);
    }
    const resolved = indexer.store.getOrder(orders[2]!.order_id)!;
    expect(indexer.store.getOrderEvents(resolved.orderId).map((e) => e.eventName)).to.deep.equal([
      "OrderOpened",
      "OrderFulfilled",
      "OrderDisputed",
      "OrderResolved",
    ]);
    expect([resolved.lotStart, resolved.lotEnd]).to.deep.equal([20, 30]);
    indexer.close();
  });

  it("mirrors credits, the protection fund and fees as the escrow books them", async function () {
    const { f, indexer } = await indexed();
    for (const account of [f.supplier, f.buyer, f.otherBuyer]) {
      expect(indexer.store.getCredit(account.address, f.token), account.address).to.equal(
        (await f.escrow.creditOf(account.address, f.token)).toString(),
      );
    }
    const [fund, fees] = await f.escrow.poolOf(f.token);
    expect(indexer.store.getPool(f.token)).to.deep.equal({ fund: fund.toString(), fees: fees.toString() });
    const movements = indexer.db
      .prepare("SELECT direction, COUNT(*) AS n FROM fund_movements GROUP BY direction")
      .all();
    expect(movements).to.deep.equal([
      { direction: "in", n: 3 },
      { direction: "out", n: 1 },
    ]);
    indexer.close();
  });
});
