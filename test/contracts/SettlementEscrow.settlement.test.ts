import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { network } from "hardhat";

import { DAY, DISPUTE_TIMEOUT, OrderStatus, deployEscrow, type OrderTerms } from "../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

type Fixture = Awaited<ReturnType<typeof deployEscrow>>;

/**
 * The fixture's default order: 10 cards at 4.75 = 47,500,000 units. At 1% fee with 20% of it to
 * the fund: fee 475,000 = 95,000 fund + 380,000 platform; the supplier nets 47,025,000.
 */
const AMOUNT = 47_500_000n;
const NET = 47_025_000n;
const PLATFORM_FEE = 380_000n;
const FUND_FEE = 95_000n;

/**
 * An order whose amount rounds at every step: 7 cards at 1,234,567 = 8,641,969 units.
 * fee = floor(86,419.69) = 86,419; fund = floor(17,283.8) = 17,283; platform = 69,136; net 8,555,550.
 */
const ODD_PRICE = 1_234_567n;
const ODD_QUANTITY = 7;
const ODD_AMOUNT = 8_641_969n;

/** Opens an order as its buyer; returns its terms and id. */
async function openOrder(f: Fixture, overrides: Partial<OrderTerms> = {}) {
  const order = await f.orderFor(overrides);
  const buyer = order.buyer === f.otherBuyer.address ? f.otherBuyer : f.buyer;
  await f.escrow.connect(buyer).open(order);
  return { order, orderId: await f.orderIdOf(order) };
}

/** Opens an order and has the supplier deliver it from the first serial `start`; returns its release time too. */
async function fulfilledOrder(f: Fixture, overrides: Partial<OrderTerms> = {}, start = 0) {
  const { order, orderId } = await openOrder(f, overrides);
  await f.escrow.connect(f.supplier).fulfill(order, start, await f.lotHint(start));
  const releaseAt = Number((await f.escrow.orderStateOf(orderId)).releaseAt);
  return { order, orderId, releaseAt };
}

/**
 * A fulfilled order the buyer disputed and, unless `returnCards` is false, gave every card back
 * (so any ruling's buyer share is payable in full).
 */
async function disputedOrder(f: Fixture, overrides: Partial<OrderTerms> = {}, start = 0, returnCards = true) {
  const fulfilled = await fulfilledOrder(f, overrides, start);
  await f.escrow.connect(f.buyer).dispute(fulfilled.order, ethers.id("cards arrived inactive"));
  if (returnCards) {
    const end = start + Number(fulfilled.order.quantity);
    await f.escrow.connect(f.buyer).returnCards(fulfilled.order, start, end, await f.lotHint(start));
  }
  return fulfilled;
}

async function poolOf(f: Fixture) {
  const [fund, fees] = await f.escrow.poolOf(f.token);
  return { fund, fees };
}

describe("SettlementEscrow: settlement", function () {
  async function escrowFixture() {
    return deployEscrow(ethers);
  }

  describe("confirm", function () {
    it("lets the buyer release a fulfilled order early, crediting the supplier net of the fee", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, buyer, supplier, token } = f;
      const { order, orderId } = await fulfilledOrder(f);

      await expect(escrow.connect(buyer).confirm(order))
        .to.emit(escrow, "OrderConfirmed")
        .withArgs(orderId, NET, PLATFORM_FEE, FUND_FEE);
      expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Released);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(NET);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(0n);
      expect(await poolOf(f)).to.deep.equal({ fund: FUND_FEE, fees: PLATFORM_FEE });
      expect(NET + PLATFORM_FEE + FUND_FEE).to.equal(AMOUNT);
      expect(await f.usdc.balanceOf(f.escrowAddress)).to.equal(AMOUNT);
    });

    it("rounds every share down as FeeSplit does", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await fulfilledOrder(f, { unitPrice: ODD_PRICE, quantity: ODD_QUANTITY });
      await expect(f.escrow.connect(f.buyer).confirm(order))
        .to.emit(f.escrow, "OrderConfirmed")
        .withArgs(orderId, 8_555_550n, 69_136n, 17_283n);
      expect(await f.escrow.creditOf(f.supplier.address, f.token)).to.equal(8_555_550n);
      expect(await poolOf(f)).to.deep.equal({ fund: 17_283n, fees: 69_136n });
    });

    it("lets the buyer end its own dispute by confirming", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await disputedOrder(f);
      await expect(f.escrow.connect(f.buyer).confirm(order))
        .to.emit(f.escrow, "OrderConfirmed")
        .withArgs(orderId, NET, PLATFORM_FEE, FUND_FEE);
      expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Released);
      expect(await f.escrow.creditOf(f.supplier.address, f.token)).to.equal(NET);
    });

    it("works after the challenge window has closed", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await fulfilledOrder(f);
      await networkHelpers.time.increaseTo(releaseAt + DAY);
      await expect(f.escrow.connect(f.buyer).confirm(order))
        .to.emit(f.escrow, "OrderConfirmed")
        .withArgs(orderId, NET, PLATFORM_FEE, FUND_FEE);
    });

    it("rejects anyone but the buyer", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await fulfilledOrder(f);
      for (const caller of [f.supplier, f.stranger, f.arbiter]) {
        await expect(f.escrow.connect(caller).confirm(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNotBuyer")
          .withArgs(orderId, caller.address);
      }
    });

    it("rejects an order that is not fulfilled or disputed", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await expect(f.escrow.connect(f.buyer).confirm(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Open);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      await f.escrow.connect(f.buyer).confirm(order);
      await expect(f.escrow.connect(f.buyer).confirm(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Released);
      expect(await f.escrow.creditOf(f.supplier.address, f.token)).to.equal(NET);
    });

    it("rejects a resolved order", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await disputedOrder(f);
      await f.escrow.connect(f.arbiter).resolve(order, 5_000);
      await expect(f.escrow.connect(f.buyer).confirm(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Resolved);
    });

    it("rejects terms no order was opened with", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order } = await fulfilledOrder(f);
      const changed = { ...order, token: f.escrowAddress };
      await expect(f.escrow.connect(f.buyer).confirm(changed))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
        .withArgs(await f.orderIdOf(changed));
    });
  });

  describe("dispute", function () {
    it("lets the buyer dispute a delivery, with a reason hash", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await fulfilledOrder(f);
      const reasonHash = ethers.id("12 cards out of 10 were already activated");
      await expect(f.escrow.connect(f.buyer).dispute(order, reasonHash))
        .to.emit(f.escrow, "OrderDisputed")
        .withArgs(orderId, reasonHash, anyValue);
      const state = await f.escrow.orderStateOf(orderId);
      expect([state.status, state.releaseAt]).to.deep.equal([OrderStatus.Disputed, BigInt(releaseAt)]);
      expect(state.disputeDeadline).to.equal(BigInt((await f.now()) + DISPUTE_TIMEOUT));
      // Nothing is paid out while the dispute is open.
      expect(await f.escrow.creditOf(f.supplier.address, f.token)).to.equal(0n);
      expect(await f.escrow.creditOf(f.buyer.address, f.token)).to.equal(0n);
      expect(await poolOf(f)).to.deep.equal({ fund: 0n, fees: 0n });
    });

    it("works one second before releaseAt", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await fulfilledOrder(f);
      await networkHelpers.time.setNextBlockTimestamp(releaseAt - 1);
      await expect(f.escrow.connect(f.buyer).dispute(order, ethers.ZeroHash))
        .to.emit(f.escrow, "OrderDisputed")
        .withArgs(orderId, ethers.ZeroHash, releaseAt - 1 + DISPUTE_TIMEOUT);
    });

    it("is refused from the releaseAt second on", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await fulfilledOrder(f);
      await networkHelpers.time.setNextBlockTimestamp(releaseAt);
      await expect(f.escrow.connect(f.buyer).dispute(order, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowChallengeWindowClosed")
        .withArgs(orderId, releaseAt);
    });

    it("rejects anyone but the buyer", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await fulfilledOrder(f);
      for (const caller of [f.supplier, f.stranger, f.arbiter]) {
        await expect(f.escrow.connect(caller).dispute(order, ethers.ZeroHash))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNotBuyer")
          .withArgs(orderId, caller.address);
      }
    });

    it("rejects an order that is not fulfilled", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await expect(f.escrow.connect(f.buyer).dispute(order, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Open);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      await f.escrow.connect(f.buyer).dispute(order, ethers.ZeroHash);
      await expect(f.escrow.connect(f.buyer).dispute(order, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Disputed);
    });
  });

  describe("release", function () {
    it("lets anyone release from the releaseAt second on, crediting the supplier", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, stranger, supplier, token } = f;
      const { order, orderId, releaseAt } = await fulfilledOrder(f);
      await networkHelpers.time.setNextBlockTimestamp(releaseAt);
      await expect(escrow.connect(stranger).release(order))
        .to.emit(escrow, "OrderReleased")
        .withArgs(orderId, stranger.address, NET, PLATFORM_FEE, FUND_FEE);
      expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Released);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(NET);
      expect(await escrow.creditOf(stranger.address, token)).to.equal(0n);
      expect(await poolOf(f)).to.deep.equal({ fund: FUND_FEE, fees: PLATFORM_FEE });
    });

    it("is refused one second before releaseAt", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await fulfilledOrder(f);
      await networkHelpers.time.setNextBlockTimestamp(releaseAt - 1);
      await expect(f.escrow.connect(f.stranger).release(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowChallengeWindowOpen")
        .withArgs(orderId, releaseAt);
    });

    it("lets the supplier release for itself", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await fulfilledOrder(f, { unitPrice: ODD_PRICE, quantity: ODD_QUANTITY });
      await networkHelpers.time.increaseTo(releaseAt + 1);
      await expect(f.escrow.connect(f.supplier).release(order))
        .to.emit(f.escrow, "OrderReleased")
        .withArgs(orderId, f.supplier.address, 8_555_550n, 69_136n, 17_283n);
    });

    it("is refused for a disputed order, even after releaseAt", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId, releaseAt } = await disputedOrder(f);
      await networkHelpers.time.increaseTo(releaseAt + DAY);
      await expect(f.escrow.connect(f.stranger).release(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Disputed);
    });

    it("is refused for an open or already released order", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await expect(f.escrow.connect(f.stranger).release(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Open);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      await networkHelpers.time.increase(DAY);
      await f.escrow.connect(f.stranger).release(order);
      await expect(f.escrow.connect(f.stranger).release(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Released);
      expect(await f.escrow.creditOf(f.supplier.address, f.token)).to.equal(NET);
    });

    it("is refused for terms no order was opened with", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, releaseAt } = await fulfilledOrder(f);
      await networkHelpers.time.increaseTo(releaseAt);
      const changed = { ...order, challengeWindow: order.challengeWindow - 1 };
      await expect(f.escrow.connect(f.stranger).release(changed))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
        .withArgs(await f.orderIdOf(changed));
    });
  });

  describe("resolve", function () {
    // 7 cards at 1,234,567 = 8,641,969. Buyer: floor(amount * bps / 10,000); supplier's gross is the
    // rest, and the 1% fee (20% of it to the fund) is charged on that gross, every share rounded down.
    const cases = [
      { bps: 0, buyer: 0n, net: 8_555_550n, platform: 69_136n, fund: 17_283n },
      { bps: 3_333, buyer: 2_880_368n, net: 5_703_985n, platform: 46_093n, fund: 11_523n },
      { bps: 5_000, buyer: 4_320_984n, net: 4_277_776n, platform: 34_568n, fund: 8_641n },
      { bps: 10_000, buyer: ODD_AMOUNT, net: 0n, platform: 0n, fund: 0n },
    ];
    for (const c of cases) {
      it(`splits a disputed order ${c.bps} bps to the buyer with exact rounding`, async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, arbiter, buyer, supplier, token } = f;
        const { order, orderId } = await disputedOrder(f, { unitPrice: ODD_PRICE, quantity: ODD_QUANTITY });
        await expect(escrow.connect(arbiter).resolve(order, c.bps))
          .to.emit(escrow, "OrderResolved")
          .withArgs(orderId, arbiter.address, c.bps, c.buyer, c.net, c.platform, c.fund);
        expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Resolved);
        expect(await escrow.creditOf(buyer.address, token)).to.equal(c.buyer);
        expect(await escrow.creditOf(supplier.address, token)).to.equal(c.net);
        expect(await escrow.creditOf(arbiter.address, token)).to.equal(0n);
        expect(await poolOf(f)).to.deep.equal({ fund: c.fund, fees: c.platform });
        expect(c.buyer + c.net + c.platform + c.fund).to.equal(ODD_AMOUNT);
      });
    }

    it("is reserved to the arbiter of the order's policy: a rotated new arbiter cannot, the old one can", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, arbiter, newArbiter } = f;
      const { order, orderId } = await disputedOrder(f);
      await escrow.connect(admin).setPolicy(newArbiter.address, 100, 2_000, DISPUTE_TIMEOUT, 10_000);
      await expect(escrow.connect(newArbiter).resolve(order, 5_000))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotArbiter")
        .withArgs(orderId, newArbiter.address);
      await expect(escrow.connect(arbiter).resolve(order, 5_000))
        .to.emit(escrow, "OrderResolved")
        .withArgs(orderId, arbiter.address, 5_000, 23_750_000n, 23_512_500n, 190_000n, 47_500n);
    });

    it("rejects anyone who is not an arbiter", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await disputedOrder(f);
      for (const caller of [f.buyer, f.supplier, f.admin, f.stranger]) {
        await expect(f.escrow.connect(caller).resolve(order, 5_000))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNotArbiter")
          .withArgs(orderId, caller.address);
      }
    });

    it("only resolves disputed orders", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await expect(f.escrow.connect(f.arbiter).resolve(order, 5_000))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Open);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      await expect(f.escrow.connect(f.arbiter).resolve(order, 5_000))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Fulfilled);
      await f.escrow.connect(f.buyer).dispute(order, ethers.ZeroHash);
      await f.escrow.connect(f.buyer).returnCards(order, 0, 10, await f.lotHint(0));
      await f.escrow.connect(f.arbiter).resolve(order, 10_000);
      await expect(f.escrow.connect(f.arbiter).resolve(order, 0))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Resolved);
      expect(await f.escrow.creditOf(f.buyer.address, f.token)).to.equal(AMOUNT);
    });

    it("rejects a buyer share above 10,000 bps", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order } = await disputedOrder(f);
      await expect(f.escrow.connect(f.arbiter).resolve(order, 10_001))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidShare")
        .withArgs(10_001);
    });

    it("rejects terms no order was opened with", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order } = await disputedOrder(f);
      const changed = { ...order, policyId: 2 };
      await expect(f.escrow.connect(f.arbiter).resolve(changed, 5_000))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
        .withArgs(await f.orderIdOf(changed));
    });
  });

  describe("withdraw", function () {
    it("transfers exactly the credit, zeroes it and emits Withdrawn", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, usdc, supplier, token, escrowAddress } = f;
      const { order } = await fulfilledOrder(f);
      await escrow.connect(f.buyer).confirm(order);
      const supplierBefore = await usdc.balanceOf(supplier.address);

      expect(await escrow.connect(supplier).withdraw.staticCall(token)).to.equal(NET);
      await expect(escrow.connect(supplier).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(supplier.address, token, NET, supplier.address);
      expect(await usdc.balanceOf(supplier.address)).to.equal(supplierBefore + NET);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(0n);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(PLATFORM_FEE + FUND_FEE);
      await expect(escrow.connect(supplier).withdraw(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNothingToWithdraw")
        .withArgs(supplier.address, token);
    });

    it("reverts for an account with nothing to withdraw", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(f.escrow.connect(f.stranger).withdraw(f.token))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNothingToWithdraw")
        .withArgs(f.stranger.address, f.token);
    });

    it("pays credits accumulated across orders in one withdrawal", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, usdc, buyer, supplier, token } = f;
      const rejected = await openOrder(f, { quantity: 3 });
      await escrow.connect(supplier).reject(rejected.order);
      const expired = await openOrder(f, { quantity: 5 });
      const resolved = await disputedOrder(f, { unitPrice: ODD_PRICE, quantity: ODD_QUANTITY });
      await escrow.connect(f.arbiter).resolve(resolved.order, 3_333);
      await networkHelpers.time.increaseTo(expired.order.fulfilDeadline + 1);
      await escrow.connect(f.stranger).refundExpired(expired.order);

      // 3 + 5 cards at 4.75, plus the buyer's 3,333 bps of the odd order.
      const expected = 8n * 4_750_000n + 2_880_368n;
      expect(await escrow.creditOf(buyer.address, token)).to.equal(expected);
      const before = await usdc.balanceOf(buyer.address);
      await expect(escrow.connect(buyer).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(buyer.address, token, expected, buyer.address);
      expect(await usdc.balanceOf(buyer.address)).to.equal(before + expected);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(0n);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(5_703_985n);
    });
  });

  describe("payFromFund", function () {
    async function fundedFixture() {
      const f = await deployEscrow(ethers);
      const { order } = await fulfilledOrder(f);
      await f.escrow.connect(f.buyer).confirm(order);
      return f;
    }

    it("lets the current arbiter credit part of the fund to anyone", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, arbiter, otherBuyer, token } = f;
      const caseRef = ethers.id("case-17");
      await expect(escrow.connect(arbiter).payFromFund(token, otherBuyer.address, 60_000n, caseRef))
        .to.emit(escrow, "ProtectionFundPaid")
        .withArgs(token, otherBuyer.address, 60_000n, arbiter.address, caseRef);
      expect(await escrow.creditOf(otherBuyer.address, token)).to.equal(60_000n);
      expect(await escrow.creditOf(arbiter.address, token)).to.equal(0n);
      expect(await poolOf(f)).to.deep.equal({ fund: FUND_FEE - 60_000n, fees: PLATFORM_FEE });
      // The whole rest of the fund can be paid too.
      await escrow.connect(arbiter).payFromFund(token, otherBuyer.address, FUND_FEE - 60_000n, caseRef);
      expect(await escrow.creditOf(otherBuyer.address, token)).to.equal(FUND_FEE);
      expect(await poolOf(f)).to.deep.equal({ fund: 0n, fees: PLATFORM_FEE });
      const before = await f.usdc.balanceOf(otherBuyer.address);
      await escrow.connect(otherBuyer).withdraw(token);
      expect(await f.usdc.balanceOf(otherBuyer.address)).to.equal(before + FUND_FEE);
    });

    it("is reserved to the fund's arbiter, which a new policy does not change", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, admin, arbiter, newArbiter, buyer, token } = f;
      await expect(escrow.connect(f.stranger).payFromFund(token, buyer.address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotFundArbiter")
        .withArgs(f.stranger.address);
      await escrow.connect(admin).setPolicy(newArbiter.address, 100, 2_000, DISPUTE_TIMEOUT, 10_000);
      await expect(escrow.connect(newArbiter).payFromFund(token, buyer.address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotFundArbiter")
        .withArgs(newArbiter.address);
      await expect(escrow.connect(arbiter).payFromFund(token, buyer.address, 1n, ethers.ZeroHash))
        .to.emit(escrow, "ProtectionFundPaid")
        .withArgs(token, buyer.address, 1n, arbiter.address, ethers.ZeroHash);
    });

    it("rejects the zero address and the escrow itself as payee", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      await expect(f.escrow.connect(f.arbiter).payFromFund(f.token, ethers.ZeroAddress, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidPayee")
        .withArgs(ethers.ZeroAddress);
      await expect(f.escrow.connect(f.arbiter).payFromFund(f.token, f.escrowAddress, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidPayee")
        .withArgs(f.escrowAddress);
    });

    it("rejects a zero amount and more than the fund holds", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, arbiter, buyer, token } = f;
      await expect(escrow.connect(arbiter).payFromFund(token, buyer.address, 0n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowInsufficientFund")
        .withArgs(token, 0n, FUND_FEE);
      await expect(escrow.connect(arbiter).payFromFund(token, buyer.address, FUND_FEE + 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowInsufficientFund")
        .withArgs(token, FUND_FEE + 1n, FUND_FEE);
    });

    it("rejects any payout from an empty fund", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(f.escrow.connect(f.arbiter).payFromFund(f.token, f.buyer.address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInsufficientFund")
        .withArgs(f.token, 1n, 0n);
    });
  });

  describe("collectFees", function () {
    it("pays the accrued fees to the fee recipient whoever triggers it", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, usdc, stranger, feeRecipient, token } = f;
      const first = await fulfilledOrder(f);
      await escrow.connect(f.buyer).confirm(first.order);
      const second = await fulfilledOrder(f, { unitPrice: ODD_PRICE, quantity: ODD_QUANTITY }, 10);
      await escrow.connect(f.buyer).confirm(second.order);
      const fees = PLATFORM_FEE + 69_136n;
      const strangerBefore = await usdc.balanceOf(stranger.address);

      expect(await escrow.connect(stranger).collectFees.staticCall(token)).to.equal(fees);
      await expect(escrow.connect(stranger).collectFees(token))
        .to.emit(escrow, "FeesCollected")
        .withArgs(token, feeRecipient.address, fees);
      expect(await usdc.balanceOf(feeRecipient.address)).to.equal(fees);
      expect(await usdc.balanceOf(stranger.address)).to.equal(strangerBefore);
      expect(await poolOf(f)).to.deep.equal({ fund: FUND_FEE + 17_283n, fees: 0n });
      await expect(escrow.connect(feeRecipient).collectFees(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNoFees")
        .withArgs(token);
    });

    it("reverts when no fee has accrued", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(f.escrow.connect(f.feeRecipient).collectFees(f.token))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNoFees")
        .withArgs(f.token);
    });

    it("charges no fee on refunds or on the buyer's share of a resolution", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order } = await openOrder(f);
      await f.escrow.connect(f.supplier).reject(order);
      const resolved = await disputedOrder(f);
      await f.escrow.connect(f.arbiter).resolve(resolved.order, 10_000);
      expect(await poolOf(f)).to.deep.equal({ fund: 0n, fees: 0n });
      await expect(f.escrow.connect(f.stranger).collectFees(f.token))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNoFees")
        .withArgs(f.token);
    });
  });

  describe("accounting", function () {
    it("holds exactly the open amounts, the credits, the fund and the fees after several settlements", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, usdc, buyer, otherBuyer, supplier, arbiter, feeRecipient, token, escrowAddress } = f;
      const accounts = [buyer, otherBuyer, supplier, arbiter, feeRecipient, f.stranger];

      const stillOpen = await openOrder(f, { quantity: 4 }); // 19,000,000 held
      const confirmed = await fulfilledOrder(f, {}, 0);
      await escrow.connect(buyer).confirm(confirmed.order);
      const released = await fulfilledOrder(f, { buyer: otherBuyer.address, quantity: 20 }, 10);
      const disputed = await disputedOrder(f, { unitPrice: ODD_PRICE, quantity: ODD_QUANTITY }, 30);
      const resolved = await disputedOrder(f, { quantity: 6 }, 37);
      await escrow.connect(arbiter).resolve(resolved.order, 3_333);
      const rejected = await openOrder(f, { quantity: 2 });
      await escrow.connect(supplier).reject(rejected.order);
      await networkHelpers.time.increaseTo(released.releaseAt);
      await escrow.connect(f.stranger).release(released.order);
      await escrow.connect(arbiter).payFromFund(token, otherBuyer.address, 1_000n, ethers.ZeroHash);
      await escrow.connect(supplier).withdraw(token);
      await escrow.connect(f.stranger).collectFees(token);
      const fulfilled = await fulfilledOrder(f, { quantity: 1 }, 43); // 4,750,000 held

      const held = [stillOpen, disputed, fulfilled];
      const statuses = await Promise.all(held.map(async ({ orderId }) => (await escrow.orderStateOf(orderId)).status));
      expect(statuses).to.deep.equal([OrderStatus.Open, OrderStatus.Disputed, OrderStatus.Fulfilled]);
      const openAmounts = held.reduce((sum, { order }) => sum + order.unitPrice * BigInt(order.quantity), 0n);
      let credits = 0n;
      for (const account of accounts) credits += await escrow.creditOf(account.address, token);
      const { fund, fees } = await poolOf(f);

      expect(await usdc.balanceOf(escrowAddress)).to.equal(openAmounts + credits + fund + fees);
      // The same figures worked out by hand.
      expect(openAmounts).to.equal(19_000_000n + ODD_AMOUNT + 4_750_000n);
      // Resolved: 28,500,000 → buyer 9,499,050; gross 19,000,950 → fee 190,009 (fund 38,001, platform 152,008).
      // Buyer: 2 rejected cards + its share of the resolution. Other buyer: 1,000 from the fund.
      expect(await escrow.creditOf(buyer.address, token)).to.equal(9_500_000n + 9_499_050n);
      expect(await escrow.creditOf(otherBuyer.address, token)).to.equal(1_000n);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(0n);
      // Fund: 95,000 (confirmed) + 190,000 (released, 20 cards) + 38,001 (resolved) - 1,000 paid out.
      expect(fund).to.equal(95_000n + 190_000n + 38_001n - 1_000n);
      expect(fees).to.equal(0n);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(
        19_000_000n + ODD_AMOUNT + 4_750_000n + 9_500_000n + 9_499_050n + 1_000n + 322_001n,
      );
    });
  });
});
