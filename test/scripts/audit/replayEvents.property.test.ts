import { expect } from "chai";
import { network } from "hardhat";
import type { Hex } from "viem";

import type { RpcLog } from "../../../server/sync/createLogFetcher.js";
import { CARD_STATUSES, cardStatus } from "../../../scripts/audit/cardStatus.js";
import { createLogDecoder } from "../../../scripts/audit/createLogDecoder.js";
import { ORDER_STATUSES } from "../../../scripts/audit/createEscrowReplay.js";
import { replayEvents } from "../../../scripts/audit/replayEvents.js";
import { createAuditRandomTrading } from "../../helpers/auditRandomTrading.js";
import { DAY } from "../../helpers/escrowFixture.js";
import { deployIndexerFixture } from "../../helpers/indexerActivity.js";
import { readFuzzSettings } from "../../helpers/readFuzzSettings.js";

const { ethers, provider, networkHelpers } = await network.create();

/**
 * The auditor's state machines against the contracts: random valid trading (custody, redemption,
 * revocation, escrow orders through every path, payouts), then the replay of the chain's logs must
 * equal the registry's and the escrow's views for every card, run, order, credit and token.
 *
 * Reproduce or explore with `FUZZ_SEED=<n|random> FUZZ_STEPS=<n> npx hardhat test mocha <this file>`.
 */
const { seed: SEED, steps: STEPS } = readFuzzSettings(process.env, { seed: 0xa0d1_7ed, steps: 300 });

describe("audit replay vs the contracts (property)", function () {
  this.timeout(Math.max(240_000, STEPS * 1_500));

  it("replays merging runs, lots across runs and an issuer key rotation to the contracts' custody", async function () {
    const f = await deployIndexerFixture(ethers);
    const { registry, issuer, buyer, otherBuyer, admin } = f;
    const newKey = (await ethers.getSigners())[15]!;
    const batch = f.prepareBatch(4, { count: 100 });
    const id = batch.batchId;
    const hint = async (start: number) => (start === 0 ? 0 : Number(await registry.runStartOf(id, start - 1)));
    await registry.connect(issuer).issueBatch(id, batch.params);
    await registry.connect(issuer).transferLot(id, issuer.address, buyer.address, 0, 20, 0);
    await registry.connect(buyer).transferLot(id, buyer.address, otherBuyer.address, 0, 10, 0);
    await registry.connect(admin).rotateIssuerKey(Number(id >> 32n), newKey.address);
    // The new key sells from the stock it inherited; the lot joins the buyer's run [10, 20).
    await registry.connect(newKey).transferLot(id, newKey.address, buyer.address, 20, 30, await hint(20));
    // Returned next to the stock, it merges back into it (stockStart 10).
    await registry.connect(buyer).transferLot(id, buyer.address, newKey.address, 10, 30, await hint(10));
    // Given to the old key, it stays a stored run of that address.
    await registry.connect(otherBuyer).transferLot(id, otherBuyer.address, issuer.address, 0, 10, 0);
    // One revocation across the old key's run and the stock.
    await registry.connect(newKey).revokeLot(id, 5, 15, await hint(5), 2);

    const head = (await ethers.provider.getBlock("latest"))!;
    const logs = (await provider.request({
      method: "eth_getLogs",
      params: [{ address: [f.registryAddress], fromBlock: "0x0", toBlock: `0x${head.number.toString(16)}` }],
    })) as RpcLog[];
    const decode = createLogDecoder({ registry: f.registryAddress as Hex, escrow: f.escrowAddress as Hex });
    const replay = replayEvents(logs.map(decode), {
      chainId: f.chainId,
      escrow: f.escrowAddress.toLowerCase() as Hex,
      untilBlock: head.number,
    });
    expect(replay.findings).to.deep.equal([]);
    const replayed = replay.registry.batches.get(id.toString())!;
    const onChain = await registry.batchOf(id);
    expect(replayed.issuer).to.equal(newKey.address.toLowerCase());
    expect(onChain.issuer.toLowerCase()).to.equal(replayed.issuer);
    expect(Number(onChain.stockStart)).to.equal(replayed.custody.stockStart);
    const runs = [...replayed.custody.runs()];
    expect(runs.map((run) => [run.start, run.end, run.holder, run.revoked])).to.deep.equal([
      [0, 5, issuer.address.toLowerCase(), false],
      [5, 10, issuer.address.toLowerCase(), true],
      [10, 15, newKey.address.toLowerCase(), true],
      [15, 100, newKey.address.toLowerCase(), false],
    ]);
    for (const run of runs) {
      const held = await registry.runAt(id, run.start);
      expect([Number(held.end), held.holder.toLowerCase(), Number(held.flags)]).to.deep.equal([
        run.end,
        run.holder,
        (run.activated ? 1 : 0) | (run.revoked ? 2 : 0),
      ]);
    }
    expect(onChain.head.toLowerCase()).to.equal(replayed.chain.head);
  });

  it(`replays ${STEPS} random steps (seed ${SEED}) to exactly the contracts' state`, async function () {
    const f = await deployIndexerFixture(ethers);
    const { registry, escrow, issuer, buyer } = f;
    const expiresAt = (await f.now()) + 10 * DAY;
    const expiring = f.prepareBatch(3, { count: 40, expiresAt, activationRequired: true });
    await registry.connect(issuer).issueBatch(expiring.batchId, expiring.params);
    await registry.connect(issuer).transferLot(expiring.batchId, issuer.address, buyer.address, 10, 30, 0);
    // The hint is the run holding card 9 (registry v2): the issuer's run [0, 10).
    await registry.connect(buyer).activateLot(expiring.batchId, 10, 20, 0);
    await registry.connect(issuer).revokeLot(expiring.batchId, 25, 28, 20, 4);

    const trading = await createAuditRandomTrading(f, networkHelpers, SEED);
    for (let step = 0; step < STEPS; step++) await trading.step();

    const head = (await ethers.provider.getBlock("latest"))!;
    const logs = (await provider.request({
      method: "eth_getLogs",
      params: [
        { address: [f.registryAddress, f.escrowAddress], fromBlock: "0x0", toBlock: `0x${head.number.toString(16)}` },
      ],
    })) as RpcLog[];
    const decode = createLogDecoder({ registry: f.registryAddress as Hex, escrow: f.escrowAddress as Hex });
    const replay = replayEvents(logs.map(decode), {
      chainId: f.chainId,
      escrow: f.escrowAddress.toLowerCase() as Hex,
      untilBlock: head.number,
    });
    expect(replay.findings, "a valid chain replays without findings").to.deep.equal([]);
    const why = `seed ${SEED}, ${STEPS} steps (reproduce: FUZZ_SEED=${SEED} FUZZ_STEPS=${STEPS}); ${[...trading.stats].map(([k, v]) => `${k} ${v}`).join(", ")}`;

    const statuses = new Set<string>();
    for (const batch of replay.registry.batches.values()) {
      const onChain = await registry.batchOf(batch.batchId);
      expect(onChain.head.toLowerCase(), `head of ${batch.key}, ${why}`).to.equal(batch.chain.head);
      expect(Number(onChain.seq), `seq of ${batch.key}`).to.equal(batch.chain.seq);
      expect(Number(onChain.stockStart), `stockStart of ${batch.key}`).to.equal(batch.custody.stockStart);
      for (const run of batch.custody.runs()) {
        const held = await registry.runAt(batch.batchId, run.start);
        expect(
          {
            end: Number(held.end),
            holder: held.holder.toLowerCase(),
            flags: Number(held.flags),
            reason: Number(held.revokeReason),
          },
          `run [${run.start}, ${run.end}) of ${batch.key}, ${why}`,
        ).to.deep.equal({
          end: run.end,
          holder: run.holder,
          flags: (run.activated ? 1 : 0) | (run.revoked ? 2 : 0),
          reason: run.revokeReason,
        });
      }
      for (let serial = 0; serial < batch.params.count; serial++) {
        const [status, holder, runStart] = await registry.lookupStatus(batch.batchId, serial);
        const run = batch.custody.runContaining(serial)!;
        const redeemed = batch.redeemed.has(serial);
        const expected = cardStatus(batch, run, redeemed, head.timestamp);
        statuses.add(expected);
        expect(
          {
            status: CARD_STATUSES[Number(status)],
            holder: holder.toLowerCase(),
            runStart: Number(runStart),
            redeemed: await registry.isRedeemed(batch.batchId, serial),
          },
          `card ${batch.key}/${serial}, ${why}`,
        ).to.deep.equal({ status: expected, holder: run.holder, runStart: run.start, redeemed });
      }
    }
    expect([...statuses].sort(), why).to.include.members(["Active", "Expired", "Redeemed", "Revoked"]);

    const books = replay.escrow!;
    expect(books.orders.size, why).to.be.greaterThan(5);
    const seen = new Set<string>();
    for (const order of books.orders.values()) {
      const state = await escrow.orderStateOf(order.orderId);
      seen.add(order.status);
      expect(
        {
          status: ORDER_STATUSES[Number(state.status)],
          releaseAt: Number(state.releaseAt),
          openedAt: Number(state.openedAt),
        },
        `order ${order.orderId}, ${why}`,
      ).to.deep.equal({ status: order.status, releaseAt: order.releaseAt ?? 0, openedAt: order.opened.block });
    }
    expect([...seen].sort(), why).to.include.members(["Released", "Refunded", "Resolved"]);
    for (const credit of books.credits.values()) {
      expect(await escrow.creditOf(credit.account, credit.token), `credit of ${credit.account}`).to.equal(
        credit.amount,
      );
    }
    const token = f.token.toLowerCase() as Hex;
    const [fund, fees] = await escrow.poolOf(f.token);
    const sums = books.booksOf(token);
    expect({ fund, fees }).to.deep.equal({ fund: sums.fund, fees: sums.fees });
    expect(await f.usdc.balanceOf(f.escrowAddress), "balance == open orders + credits + fund + fees").to.equal(
      sums.total,
    );
  });
});
