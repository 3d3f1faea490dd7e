import { expect } from "chai";
import { network } from "hardhat";

import {
  DAY,
  DISPUTE_TIMEOUT,
  OrderStatus,
  UNIT_PRICE,
  deployEscrow,
  type OrderTerms,
} from "../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

type Fixture = Awaited<ReturnType<typeof deployEscrow>>;

/** The fixture's default order: 10 cards at 4.75, 1% fee, 20% of the fee to the fund. */
const AMOUNT = 10n * UNIT_PRICE;

/** What the supplier nets, and the fee parts, when it is paid `gross` under policy 1. */
function supplierSplit(gross: bigint) {
  const fee = (gross * 100n) / 10_000n;
  const fund = (fee * 2_000n) / 10_000n;
  return { net: gross - fee, platform: fee - fund, fund };
}

/** Opens an order, delivers it from serial `start` and has the buyer dispute it; returns its dispute deadline too. */
async function disputedOrder(f: Fixture, overrides: Partial<OrderTerms> = {}, start = 0) {
  const order = await f.orderFor(overrides);
  await f.escrow.connect(f.buyer).open(order);
  const orderId = await f.orderIdOf(order);
  await f.escrow.connect(f.supplier).fulfill(order, start, await f.lotHint(start));
  await f.escrow.connect(f.buyer).dispute(order, ethers.id("half the cards did not work"));
  const deadline = Number((await f.escrow.orderStateOf(orderId)).disputeDeadline);
  return { order, orderId, deadline };
}

/** The holder of card `serial` of the fixture's batch. */
async function holderOf(f: Fixture, serial: number) {
  return (await f.registry.lookupStatus(f.batch.batchId, serial)).holder;
}

describe("SettlementEscrow: disputes end, refunds need the cards back", function () {
  async function escrowFixture() {
    return deployEscrow(ethers);
  }

  describe("dispute deadline", function () {
    it("ends a dispute nobody resolves by the policy's rule after its deadline, whoever calls", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, stranger, buyer, supplier, token } = f;
      const disputedAt = (await f.now()) + 10;
      const order = await f.orderFor();
      await escrow.connect(buyer).open(order);
      const orderId = await f.orderIdOf(order);
      await escrow.connect(supplier).fulfill(order, 0, 0);
      await networkHelpers.time.setNextBlockTimestamp(disputedAt);
      await expect(escrow.connect(buyer).dispute(order, ethers.ZeroHash))
        .to.emit(escrow, "OrderDisputed")
        .withArgs(orderId, ethers.ZeroHash, disputedAt + DISPUTE_TIMEOUT);
      const deadline = disputedAt + DISPUTE_TIMEOUT;
      await escrow.connect(buyer).returnCards(order, 0, 4, 0);

      await networkHelpers.time.setNextBlockTimestamp(deadline - 1);
      await expect(escrow.connect(stranger).resolveExpiredDispute(order))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowDisputeDeadlineNotReached")
        .withArgs(orderId, deadline);

      // Policy 1's rule refunds the buyer in full, but only for the 4 cards it gave back.
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      const paid = supplierSplit(AMOUNT - 4n * UNIT_PRICE);
      await expect(escrow.connect(stranger).resolveExpiredDispute(order))
        .to.emit(escrow, "OrderResolved")
        .withArgs(orderId, ethers.ZeroAddress, 10_000, 4n * UNIT_PRICE, paid.net, paid.platform, paid.fund);
      expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Resolved);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(4n * UNIT_PRICE);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(paid.net);
      expect(await escrow.creditOf(stranger.address, token)).to.equal(0n);
      await expect(escrow.connect(stranger).resolveExpiredDispute(order))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Resolved);
    });

    it("applies the timeout rule of the order's own policy, not a later one", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, arbiter, buyer, token } = f;
      await escrow.connect(admin).setPolicy(arbiter.address, 100, 2_000, 2 * DAY, 3_000);
      const { order, orderId, deadline } = await disputedOrder(f);
      expect(deadline).to.equal((await f.now()) + 2 * DAY);
      await escrow.connect(buyer).returnCards(order, 0, 10, 0);
      await escrow.connect(admin).setPolicy(arbiter.address, 100, 2_000, 90 * DAY, 10_000);

      await networkHelpers.time.increaseTo(deadline);
      const buyerAmount = (AMOUNT * 3_000n) / 10_000n;
      const paid = supplierSplit(AMOUNT - buyerAmount);
      await expect(escrow.connect(f.stranger).resolveExpiredDispute(order))
        .to.emit(escrow, "OrderResolved")
        .withArgs(orderId, ethers.ZeroAddress, 3_000, buyerAmount, paid.net, paid.platform, paid.fund);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(buyerAmount);
    });

    it("leaves the arbiter until the deadline, not a second more", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, deadline } = await disputedOrder(f);
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(f.escrow.connect(f.arbiter).resolve(order, 5_000))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowDisputeDeadlinePassed")
        .withArgs(orderId, deadline);
    });

    it("refuses a policy whose disputes could last forever or never be heard", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, arbiter } = f;
      for (const timeout of [0, DAY - 1, 90 * DAY + 1]) {
        await expect(escrow.connect(admin).setPolicy(arbiter.address, 100, 2_000, timeout, 10_000))
          .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidDisputeTimeout")
          .withArgs(timeout, DAY, 90 * DAY);
      }
      await expect(escrow.connect(admin).setPolicy(arbiter.address, 100, 2_000, DAY, 10_001))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidShare")
        .withArgs(10_001);
    });
  });

  describe("refunds of delivered cards", function () {
    it("pays a 100%-to-buyer ruling only for cards that came back: none back, the supplier is paid", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, arbiter, buyer, supplier, token } = f;
      const { order, orderId } = await disputedOrder(f);
      const paid = supplierSplit(AMOUNT);
      await expect(escrow.connect(arbiter).resolve(order, 10_000))
        .to.emit(escrow, "OrderResolved")
        .withArgs(orderId, arbiter.address, 10_000, 0n, paid.net, paid.platform, paid.fund);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(0n);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(paid.net);
      expect(await holderOf(f, 0)).to.equal(buyer.address);
    });

    it("refunds a 100%-to-buyer ruling in full once every card went back to the supplier through the registry", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, registry, arbiter, buyer, supplier, token, batch } = f;
      const { order, orderId } = await disputedOrder(f, {}, 20);
      await expect(escrow.connect(buyer).returnCards(order, 20, 30, await f.lotHint(20)))
        .to.emit(escrow, "OrderCardsReturned")
        .withArgs(orderId, 20, 30, 10)
        .and.to.emit(registry, "LotTransferred");
      for (const serial of [20, 29]) expect(await holderOf(f, serial)).to.equal(supplier.address);
      const state = await escrow.orderStateOf(orderId);
      expect([state.lotStart, state.returnFrom, state.returned]).to.deep.equal([20n, 30n, 10n]);

      await expect(escrow.connect(arbiter).resolve(order, 10_000))
        .to.emit(escrow, "OrderResolved")
        .withArgs(orderId, arbiter.address, 10_000, AMOUNT, 0n, 0n, 0n);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(AMOUNT);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(0n);
      expect(await registry.isRedeemed(batch.batchId, 20)).to.equal(false);
    });

    it("counts redeemed cards against the buyer: it returns the cards around them", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, arbiter, buyer, token } = f;
      const { order, orderId } = await disputedOrder(f);
      await f.redeemCard(3);

      await expect(escrow.connect(buyer).returnCards(order, 0, 10, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowReturnHasRedeemedCard")
        .withArgs(orderId, 3);
      await escrow.connect(buyer).returnCards(order, 0, 3, await f.lotHint(0));
      await expect(escrow.connect(buyer).returnCards(order, 4, 10, await f.lotHint(4)))
        .to.emit(escrow, "OrderCardsReturned")
        .withArgs(orderId, 4, 10, 9);

      const paid = supplierSplit(UNIT_PRICE);
      await expect(escrow.connect(arbiter).resolve(order, 10_000))
        .to.emit(escrow, "OrderResolved")
        .withArgs(orderId, arbiter.address, 10_000, 9n * UNIT_PRICE, paid.net, paid.platform, paid.fund);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(9n * UNIT_PRICE);
    });

    it("counts each card once: serials returned or passed over cannot come back again", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, registry, buyer, supplier } = f;
      const { order, orderId } = await disputedOrder(f);
      await escrow.connect(buyer).returnCards(order, 2, 5, 0);
      // The supplier hands the cards back outside the escrow; the buyer cannot count them twice.
      await registry
        .connect(supplier)
        .transferLot(f.batch.batchId, supplier.address, buyer.address, 2, 5, await f.lotHint(2));
      for (const [start, end] of [
        [2, 5],
        [0, 2],
        [4, 6],
      ] as const) {
        await expect(escrow.connect(buyer).returnCards(order, start, end, 0))
          .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidReturn")
          .withArgs(orderId, start, end, 5, 10);
      }
      // Nor return an empty lot or one past the delivery.
      for (const [start, end] of [
        [6, 6],
        [8, 11],
      ] as const) {
        await expect(escrow.connect(buyer).returnCards(order, start, end, 0))
          .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidReturn")
          .withArgs(orderId, start, end, 5, 10);
      }
      expect((await escrow.orderStateOf(orderId)).returned).to.equal(3n);
    });

    it("takes returns only from the buyer of a disputed order, through the registry's operator approval", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, registry, buyer, stranger, supplier } = f;
      const order = await f.orderFor();
      await escrow.connect(buyer).open(order);
      const orderId = await f.orderIdOf(order);
      await escrow.connect(supplier).fulfill(order, 0, 0);
      await expect(escrow.connect(buyer).returnCards(order, 0, 10, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Fulfilled);
      await escrow.connect(buyer).dispute(order, ethers.ZeroHash);
      await expect(escrow.connect(stranger).returnCards(order, 0, 10, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotBuyer")
        .withArgs(orderId, stranger.address);
      await registry.connect(buyer).setApprovalForAll(f.escrowAddress, false);
      await expect(escrow.connect(buyer).returnCards(order, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotHolderOrOperator")
        .withArgs(f.batch.batchId, buyer.address, f.escrowAddress);
      // Cards the buyer passed on cannot be returned by it.
      await registry.connect(buyer).transferLot(f.batch.batchId, buyer.address, stranger.address, 0, 10, 0);
      await registry.connect(buyer).setApprovalForAll(f.escrowAddress, true);
      await expect(escrow.connect(buyer).returnCards(order, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotNotHeld")
        .withArgs(f.batch.batchId, 0, stranger.address);
    });

    it("pays the supplier in full and keeps the returned cards with it when the buyer confirms after all", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, buyer, supplier, token } = f;
      const { order } = await disputedOrder(f);
      await escrow.connect(buyer).returnCards(order, 0, 10, 0);
      await escrow.connect(buyer).confirm(order);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(supplierSplit(AMOUNT).net);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(0n);
      expect(await holderOf(f, 0)).to.equal(supplier.address);
    });
  });
});
