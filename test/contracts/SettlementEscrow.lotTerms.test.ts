import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { network } from "hardhat";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { DAY, OrderStatus, deployEscrow, type OrderTerms } from "../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

type Fixture = Awaited<ReturnType<typeof deployEscrow>>;

const Status = { Unknown: 0n, Active: 1n, Inactive: 2n, Redeemed: 3n, Revoked: 4n, Expired: 5n } as const;

/** Opens an order as the fixture's buyer; returns its terms and id. */
async function openOrder(f: Fixture, overrides: Partial<OrderTerms> = {}) {
  const order = await f.orderFor(overrides);
  await f.escrow.connect(f.buyer).open(order);
  return { order, orderId: await f.orderIdOf(order) };
}

/** Issues batch 2 of the fixture's issuer (the supplier), 50 cards expiring at `expiresAt`. */
async function issueExpiringBatch(f: Fixture, expiresAt: number) {
  const batch = f.prepareBatch(2, { count: 50, expiresAt });
  await f.registry.connect(f.supplier).issueBatch(batch.batchId, batch.params);
  expect(batch.batchId).to.equal(makeBatchId(1, 2));
  return batch;
}

describe("SettlementEscrow: what an order buys", function () {
  async function escrowFixture() {
    return deployEscrow(ethers);
  }

  describe("inactive cards (the default)", function () {
    it("refuses a lot holding a card the supplier already activated, naming the lowest", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      expect(order.acceptActivated).to.equal(false);
      // Sold at a till: cards 14 and 12 are activated, which splits the supplier's stock into runs.
      await f.activateCards(14, 15);
      await f.activateCards(12, 13);

      await expect(f.escrow.connect(f.supplier).fulfill(order, 10, await f.lotHint(10)))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotHasActivatedCard")
        .withArgs(orderId, 12);
      // The lot just before the activated cards is inactive and can be delivered.
      await f.escrow.connect(f.supplier).fulfill(order, 0, await f.lotHint(0));
      expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Fulfilled);
    });

    it("refuses a lot that starts exactly on an activated run", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await f.activateCards(10, 20);
      await expect(f.escrow.connect(f.supplier).fulfill(order, 10, await f.lotHint(10)))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotHasActivatedCard")
        .withArgs(orderId, 10);
    });

    it("finds an activated card in the last run of a lot spanning several runs", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await f.activateCards(19, 20);
      await expect(f.escrow.connect(f.supplier).fulfill(order, 10, await f.lotHint(10)))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotHasActivatedCard")
        .withArgs(orderId, 19);
      // One card later the lot [20, 30) starts right after the activated run and is clean.
      await f.escrow.connect(f.supplier).fulfill(order, 20, await f.lotHint(20));
      expect((await f.registry.lookupStatus(f.batch.batchId, 20)).status).to.equal(Status.Active);
    });

    it("delivers activated cards when the order accepts them, across runs, and they stay activated", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f, { acceptActivated: true });
      // Cards 12-14 activated: the lot [10, 20) spans three runs.
      await f.activateCards(12, 15);
      await f.escrow.connect(f.supplier).fulfill(order, 10, await f.lotHint(10));
      expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Fulfilled);
      const run = await f.registry.runAt(f.batch.batchId, 12);
      expect([run.holder, run.end, run.flags]).to.deep.equal([f.buyer.address, 15n, 1n]);
      for (const serial of [10, 19]) {
        expect((await f.registry.lookupStatus(f.batch.batchId, serial)).holder).to.equal(f.buyer.address);
      }
    });
  });

  describe("minimum remaining validity", function () {
    it("refuses a lot expiring one second after delivery when the order asks 30 days", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const deliveredAt = (await f.now()) + 100;
      const batch = await issueExpiringBatch(f, deliveredAt + 1);
      const { order, orderId } = await openOrder(f, { batchId: batch.batchId, minValidity: 30 * DAY });

      await networkHelpers.time.setNextBlockTimestamp(deliveredAt);
      await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotExpiresTooSoon")
        .withArgs(orderId, deliveredAt + 1, deliveredAt + 30 * DAY);
    });

    it("accepts a lot valid exactly the asked time after delivery", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const deliveredAt = (await f.now()) + 100;
      const batch = await issueExpiringBatch(f, deliveredAt + 30 * DAY);
      const { order, orderId } = await openOrder(f, { batchId: batch.batchId, minValidity: 30 * DAY });
      await networkHelpers.time.setNextBlockTimestamp(deliveredAt);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Fulfilled);
    });

    it("asks nothing at 0, and a batch that never expires always passes", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const batch = await issueExpiringBatch(f, (await f.now()) + 60);
      const soon = await openOrder(f, { batchId: batch.batchId, minValidity: 0 });
      await f.escrow.connect(f.supplier).fulfill(soon.order, 0, 0);
      expect((await f.escrow.orderStateOf(soon.orderId)).status).to.equal(OrderStatus.Fulfilled);

      expect((await f.registry.batchOf(f.batch.batchId)).expiresAt).to.equal(0n);
      const forever = await openOrder(f, { minValidity: 2 ** 32 - 1 });
      await f.escrow.connect(f.supplier).fulfill(forever.order, 0, 0);
      expect((await f.escrow.orderStateOf(forever.orderId)).status).to.equal(OrderStatus.Fulfilled);
    });
  });

  describe("lots bought in parts (registry v2 merges runs)", function () {
    it("fulfils a 100-card order from a distributor that bought the cards in two orders of 50", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      // The distributor (the fixture's buyer) buys [0, 50) and then [50, 100) from the supplier.
      for (const start of [0, 50]) {
        const { order } = await openOrder(f, { quantity: 50 });
        await f.escrow.connect(f.supplier).fulfill(order, start, await f.lotHint(start));
        await f.escrow.connect(f.buyer).confirm(order);
      }
      const run = await f.registry.runAt(f.batch.batchId, 0);
      expect([run.holder, run.end]).to.deep.equal([f.buyer.address, 100n]);

      // ...and sells all 100 to a retailer in one order: one lot, one delivery (v1: two runs, refused).
      const resale = await f.orderFor({ buyer: f.otherBuyer.address, supplier: f.buyer.address, quantity: 100 });
      await f.escrow.connect(f.otherBuyer).open(resale);
      await expect(f.escrow.connect(f.buyer).fulfill(resale, 0, 0))
        .to.emit(f.registry, "LotTransferred")
        .withArgs(f.batch.batchId, f.buyer.address, f.otherBuyer.address, 0, 100, f.escrowAddress, anyValue, anyValue);
      expect((await f.escrow.orderStateOf(await f.orderIdOf(resale))).status).to.equal(OrderStatus.Fulfilled);
    });
  });
});
