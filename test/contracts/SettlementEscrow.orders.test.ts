import { expect } from "chai";
import { network } from "hardhat";
import { stringToHex, type Hex } from "viem";

import { computeNextHead } from "../../scripts/lib/provenanceChain.js";
import {
  DAY,
  DISPUTE_TIMEOUT,
  OrderStatus,
  RefundReason,
  UNIT_PRICE,
  deployEscrow,
  type OrderTerms,
} from "../helpers/escrowFixture.js";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

const { ethers, networkHelpers } = await network.create();

const Status = { Unknown: 0n, Active: 1n, Inactive: 2n, Redeemed: 3n, Revoked: 4n, Expired: 5n } as const;
const MIN_WINDOW = 3_600;
const MAX_WINDOW = 30 * DAY;
const UINT32_MAX = 2 ** 32 - 1;
const UINT96_MAX = 2n ** 96n - 1n;
/** 10 cards at the fixture's unit price. */
const AMOUNT = 10n * UNIT_PRICE;

type Fixture = Awaited<ReturnType<typeof deployEscrow>>;

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The order's fields in declaration order, as the `OrderOpened` event decodes them. */
function tupleOf(order: OrderTerms) {
  return [
    order.buyer,
    order.supplier,
    order.token,
    order.batchId,
    order.quantity,
    order.unitPrice,
    order.fulfilDeadline,
    order.challengeWindow,
    order.minValidity,
    order.acceptActivated,
    order.policyId,
    order.buyerRef,
    order.salt,
  ];
}

/** Opens an order as its buyer; returns its terms and id. */
async function openOrder(f: Fixture, overrides: Partial<OrderTerms> = {}) {
  const order = await f.orderFor(overrides);
  const buyer = order.buyer === f.otherBuyer.address ? f.otherBuyer : f.buyer;
  await f.escrow.connect(buyer).open(order);
  return { order, orderId: await f.orderIdOf(order) };
}

/** An EIP-2612 permit of `value` from `owner` to the escrow, signed by `signer` (the owner unless told). */
async function signPermit(
  f: Fixture,
  owner: HardhatEthersSigner,
  value: bigint,
  deadline: number,
  signer: HardhatEthersSigner = owner,
) {
  const nonce = await f.usdc.nonces(owner.address);
  const signature = await signer.signTypedData(
    { name: "Test USD", version: "1", chainId: f.chainId, verifyingContract: f.token },
    PERMIT_TYPES,
    { owner: owner.address, spender: f.escrowAddress, value, nonce, deadline },
  );
  const { v, r, s } = ethers.Signature.from(signature);
  return { v, r, s };
}

async function runOf(f: Fixture, batchId: bigint, start: number) {
  const run = await f.registry.runAt(batchId, start);
  return { holder: run.holder, end: Number(run.end), flags: Number(run.flags), revokeReason: Number(run.revokeReason) };
}

describe("SettlementEscrow: orders", function () {
  async function escrowFixture() {
    return deployEscrow(ethers);
  }

  describe("open", function () {
    it("stores the order as Open in the opening block, emits its terms and pulls exactly its amount", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, usdc, buyer, supplier, escrowAddress } = f;
      const order = await f.orderFor();
      const orderId = await f.orderIdOf(order);
      const buyerBefore = await usdc.balanceOf(buyer.address);
      const escrowBefore = await usdc.balanceOf(escrowAddress);

      expect(await escrow.connect(buyer).open.staticCall(order)).to.equal(orderId);
      const tx = escrow.connect(buyer).open(order);
      await expect(tx)
        .to.emit(escrow, "OrderOpened")
        .withArgs(orderId, buyer.address, supplier.address, tupleOf(order), AMOUNT);
      const receipt = await (await tx).wait();

      expect(await escrow.orderStateOf(orderId)).to.deep.equal([
        OrderStatus.Open,
        0n,
        BigInt(receipt!.blockNumber),
        0n,
        0n,
        0n,
        0n,
      ]);
      expect(await usdc.balanceOf(buyer.address)).to.equal(buyerBefore - 47_500_000n);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(escrowBefore + 47_500_000n);
      expect(await usdc.allowance(buyer.address, escrowAddress)).to.equal(10n ** 12n - 47_500_000n);
      expect(await escrow.creditOf(buyer.address, f.token)).to.equal(0n);
    });

    it("accepts the largest amount that fits 96 bits", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, usdc, buyer, escrowAddress } = f;
      await usdc.mint(buyer.address, UINT96_MAX);
      await usdc.connect(buyer).approve(escrowAddress, UINT96_MAX);
      const order = await f.orderFor({ unitPrice: UINT96_MAX, quantity: 1 });
      await expect(escrow.connect(buyer).open(order))
        .to.emit(escrow, "OrderOpened")
        .withArgs(await f.orderIdOf(order), buyer.address, f.supplier.address, tupleOf(order), UINT96_MAX);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(UINT96_MAX);
    });

    it("accepts challenge windows of exactly the minimum and the maximum", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      for (const challengeWindow of [MIN_WINDOW, MAX_WINDOW]) {
        const { orderId } = await openOrder(f, { challengeWindow });
        expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Open);
      }
    });

    it("accepts a deadline one second after the opening block", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const at = (await networkHelpers.time.latest()) + 100;
      const order = await f.orderFor({ fulfilDeadline: at + 1 });
      await networkHelpers.time.setNextBlockTimestamp(at);
      await f.escrow.connect(f.buyer).open(order);
      expect((await f.escrow.orderStateOf(await f.orderIdOf(order))).status).to.equal(OrderStatus.Open);
    });

    it("opens the same terms twice under different salts, as two orders", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, buyer, usdc, escrowAddress } = f;
      const order = await f.orderFor();
      const again = { ...order, salt: stringToHex("another salt", { size: 32 }) };
      await escrow.connect(buyer).open(order);
      await escrow.connect(buyer).open(again);
      const [id1, id2] = [await f.orderIdOf(order), await f.orderIdOf(again)];
      expect(id1).to.not.equal(id2);
      expect((await escrow.orderStateOf(id2)).status).to.equal(OrderStatus.Open);
      expect(await usdc.balanceOf(escrowAddress)).to.equal(2n * AMOUNT);
    });

    describe("with a permit", function () {
      it("opens with a valid EIP-2612 permit and no prior allowance", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, usdc, buyer, escrowAddress } = f;
        await usdc.connect(buyer).approve(escrowAddress, 0n);
        const order = await f.orderFor();
        const deadline = (await f.now()) + 3_600;
        const { v, r, s } = await signPermit(f, buyer, AMOUNT, deadline);
        const buyerBefore = await usdc.balanceOf(buyer.address);

        await expect(escrow.connect(buyer).openWithPermit(order, deadline, v, r, s))
          .to.emit(escrow, "OrderOpened")
          .withArgs(await f.orderIdOf(order), buyer.address, f.supplier.address, tupleOf(order), AMOUNT);
        expect(await usdc.nonces(buyer.address)).to.equal(1n);
        expect(await usdc.allowance(buyer.address, escrowAddress)).to.equal(0n);
        expect(await usdc.balanceOf(buyer.address)).to.equal(buyerBefore - AMOUNT);
        expect(await usdc.balanceOf(escrowAddress)).to.equal(AMOUNT);
      });

      it("still opens when someone front-ran the permit to the token", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, usdc, buyer, stranger, escrowAddress } = f;
        await usdc.connect(buyer).approve(escrowAddress, 0n);
        const order = await f.orderFor();
        const deadline = (await f.now()) + 3_600;
        const { v, r, s } = await signPermit(f, buyer, AMOUNT, deadline);
        await usdc.connect(stranger).permit(buyer.address, escrowAddress, AMOUNT, deadline, v, r, s);
        expect(await usdc.allowance(buyer.address, escrowAddress)).to.equal(AMOUNT);

        await expect(escrow.connect(buyer).openWithPermit(order, deadline, v, r, s))
          .to.emit(escrow, "OrderOpened")
          .withArgs(await f.orderIdOf(order), buyer.address, f.supplier.address, tupleOf(order), AMOUNT);
        expect(await usdc.nonces(buyer.address)).to.equal(1n);
        expect(await usdc.allowance(buyer.address, escrowAddress)).to.equal(0n);
        expect(await usdc.balanceOf(escrowAddress)).to.equal(AMOUNT);
      });

      it("reverts with the token's allowance error when the permit is bad and there is no allowance", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, usdc, buyer, otherBuyer, escrowAddress } = f;
        await usdc.connect(buyer).approve(escrowAddress, 0n);
        const order = await f.orderFor();
        const deadline = (await f.now()) + 3_600;
        // Signed by someone other than the owner.
        const { v, r, s } = await signPermit(f, buyer, AMOUNT, deadline, otherBuyer);

        await expect(escrow.connect(buyer).openWithPermit(order, deadline, v, r, s))
          .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
          .withArgs(escrowAddress, 0n, AMOUNT);
        expect(await usdc.nonces(buyer.address)).to.equal(0n);
      });

      it("reverts with the token's allowance error when the permit is for less than the amount", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, usdc, buyer, escrowAddress } = f;
        await usdc.connect(buyer).approve(escrowAddress, 0n);
        const order = await f.orderFor();
        const deadline = (await f.now()) + 3_600;
        // A valid signature, but over a smaller value than the order's amount: the permit call fails.
        const { v, r, s } = await signPermit(f, buyer, AMOUNT - 1n, deadline);
        await expect(escrow.connect(buyer).openWithPermit(order, deadline, v, r, s))
          .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
          .withArgs(escrowAddress, 0n, AMOUNT);
      });

      it("is stopped by the pause like open", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, buyer } = f;
        await escrow.connect(f.pauser).pause();
        const order = await f.orderFor();
        const deadline = (await f.now()) + 3_600;
        const { v, r, s } = await signPermit(f, buyer, AMOUNT, deadline);
        await expect(escrow.connect(buyer).openWithPermit(order, deadline, v, r, s))
          .to.be.revertedWithCustomError(escrow, "EnforcedPause")
          .withArgs();
      });

      it("runs the same checks as open", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, buyer, otherBuyer } = f;
        const order = await f.orderFor();
        const deadline = (await f.now()) + 3_600;
        const { v, r, s } = await signPermit(f, otherBuyer, AMOUNT, deadline);
        await expect(escrow.connect(otherBuyer).openWithPermit(order, deadline, v, r, s))
          .to.be.revertedWithCustomError(escrow, "SettlementEscrowBuyerNotCaller")
          .withArgs(buyer.address, otherBuyer.address);
      });
    });

    describe("reverts", function () {
      it("when the caller is not the order's buyer", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor();
        await expect(f.escrow.connect(f.otherBuyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowBuyerNotCaller")
          .withArgs(f.buyer.address, f.otherBuyer.address);
      });

      it("when the token is not allowed", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const other = await ethers.deployContract("MockStablecoin", ["Other USD", "oUSD"]);
        const otherToken = await other.getAddress();
        const order = await f.orderFor({ token: otherToken });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowTokenNotAllowed")
          .withArgs(otherToken);
      });

      it("when the supplier is the zero address", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ supplier: ethers.ZeroAddress });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidSupplier")
          .withArgs(ethers.ZeroAddress);
      });

      it("when the supplier is the buyer", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ supplier: f.buyer.address });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidSupplier")
          .withArgs(f.buyer.address);
      });

      it("when the quantity is zero", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ quantity: 0 });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowZeroQuantity")
          .withArgs();
      });

      it("when the unit price is zero", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ unitPrice: 0n });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidAmount")
          .withArgs(0n, 10);
      });

      it("when unitPrice * quantity does not fit 96 bits", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const unitPrice = 2n ** 95n;
        const order = await f.orderFor({ unitPrice, quantity: 2 });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidAmount")
          .withArgs(unitPrice, 2);
        const max = await f.orderFor({ unitPrice: UINT96_MAX, quantity: 3 });
        await expect(f.escrow.connect(f.buyer).open(max))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidAmount")
          .withArgs(UINT96_MAX, 3);
      });

      it("when the deadline is the opening block's time", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const at = (await networkHelpers.time.latest()) + 100;
        const order = await f.orderFor({ fulfilDeadline: at });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowDeadlineInPast")
          .withArgs(at, at);
      });

      it("when the deadline is in the past", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const at = (await networkHelpers.time.latest()) + 100;
        const order = await f.orderFor({ fulfilDeadline: at - DAY });
        await networkHelpers.time.setNextBlockTimestamp(at);
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowDeadlineInPast")
          .withArgs(at - DAY, at);
      });

      it("when the challenge window is below the minimum", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ challengeWindow: MIN_WINDOW - 1 });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidChallengeWindow")
          .withArgs(MIN_WINDOW - 1, MIN_WINDOW, MAX_WINDOW);
      });

      it("when the challenge window is above the maximum", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ challengeWindow: MAX_WINDOW + 1 });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidChallengeWindow")
          .withArgs(MAX_WINDOW + 1, MIN_WINDOW, MAX_WINDOW);
      });

      it("when the order names a policy that is no longer current", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const stale = await f.orderFor();
        expect(stale.policyId).to.equal(1);
        await f.escrow.connect(f.admin).setPolicy(f.newArbiter.address, 200, 1_000, DISPUTE_TIMEOUT, 10_000);
        await expect(f.escrow.connect(f.buyer).open(stale))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowPolicyMismatch")
          .withArgs(1, 2);
      });

      it("when the order names a policy that does not exist yet", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor({ policyId: 2 });
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowPolicyMismatch")
          .withArgs(2, 1);
      });

      it("when an order with the same terms and salt exists", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowOrderExists")
          .withArgs(orderId);
      });

      it("when an order with the same terms was opened and already refunded", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await f.escrow.connect(f.supplier).reject(order);
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowOrderExists")
          .withArgs(orderId);
      });

      it("while the escrow is paused, and opens again once unpaused", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const order = await f.orderFor();
        await f.escrow.connect(f.pauser).pause();
        await expect(f.escrow.connect(f.buyer).open(order))
          .to.be.revertedWithCustomError(f.escrow, "EnforcedPause")
          .withArgs();
        await f.escrow.connect(f.pauser).unpause();
        await f.escrow.connect(f.buyer).open(order);
        expect((await f.escrow.orderStateOf(await f.orderIdOf(order))).status).to.equal(OrderStatus.Open);
      });
    });
  });

  describe("fulfill", function () {
    it("moves exactly the ordered cards to the buyer and opens the challenge window", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, registry, supplier, buyer, batch } = f;
      const { order, orderId } = await openOrder(f);
      const openedAt = (await escrow.orderStateOf(orderId)).openedAt;
      const at = (await networkHelpers.time.latest()) + 1_000;
      const before = await registry.batchOf(batch.batchId);
      const head = computeNextHead(before.head as Hex, {
        kind: "LotTransferred",
        batchId: batch.batchId,
        from: supplier.address as Hex,
        to: buyer.address as Hex,
        start: 20,
        end: 30,
        operator: f.escrowAddress as Hex,
        seq: before.seq + 1n,
        head: before.head as Hex,
      });
      await networkHelpers.time.setNextBlockTimestamp(at);

      await expect(escrow.connect(supplier).fulfill(order, 20, 0))
        .to.emit(escrow, "OrderFulfilled")
        .withArgs(orderId, 20, 30, at + DAY)
        .and.to.emit(registry, "LotTransferred")
        .withArgs(batch.batchId, supplier.address, buyer.address, 20, 30, f.escrowAddress, before.seq + 1n, head);

      expect(await escrow.orderStateOf(orderId)).to.deep.equal([
        OrderStatus.Fulfilled,
        BigInt(at + DAY),
        openedAt,
        0n,
        20n,
        0n,
        0n,
      ]);
      expect(await runOf(f, batch.batchId, 0)).to.deep.equal({
        holder: supplier.address,
        end: 20,
        flags: 0,
        revokeReason: 0,
      });
      expect(await runOf(f, batch.batchId, 20)).to.deep.equal({
        holder: buyer.address,
        end: 30,
        flags: 0,
        revokeReason: 0,
      });
      expect(await runOf(f, batch.batchId, 30)).to.deep.equal({
        holder: supplier.address,
        end: 300,
        flags: 0,
        revokeReason: 0,
      });
      expect(await registry.statusOf(batch.batchId, 19, 0)).to.deep.equal([Status.Active, supplier.address]);
      expect(await registry.statusOf(batch.batchId, 20, 20)).to.deep.equal([Status.Active, buyer.address]);
      expect(await registry.statusOf(batch.batchId, 29, 20)).to.deep.equal([Status.Active, buyer.address]);
      expect(await registry.statusOf(batch.batchId, 30, 30)).to.deep.equal([Status.Active, supplier.address]);
      // The money stays in the escrow until confirmation or release.
      expect(await f.usdc.balanceOf(f.escrowAddress)).to.equal(AMOUNT);
      expect(await escrow.creditOf(supplier.address, f.token)).to.equal(0n);
    });

    it("delivers at the deadline second itself", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await networkHelpers.time.setNextBlockTimestamp(order.fulfilDeadline);
      await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
        .to.emit(f.escrow, "OrderFulfilled")
        .withArgs(orderId, 0, 10, order.fulfilDeadline + DAY);
    });

    it("delivers the last cards of a batch", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      const at = (await networkHelpers.time.latest()) + 60;
      await networkHelpers.time.setNextBlockTimestamp(at);
      await expect(f.escrow.connect(f.supplier).fulfill(order, 290, 0))
        .to.emit(f.escrow, "OrderFulfilled")
        .withArgs(orderId, 290, 300, at + DAY);
      expect(await runOf(f, f.batch.batchId, 290)).to.deep.equal({
        holder: f.buyer.address,
        end: 300,
        flags: 0,
        revokeReason: 0,
      });
    });

    it("still works while the escrow is paused", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await f.escrow.connect(f.pauser).pause();
      expect(await f.escrow.paused()).to.equal(true);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Fulfilled);
      expect(await runOf(f, f.batch.batchId, 0)).to.deep.equal({
        holder: f.buyer.address,
        end: 10,
        flags: 0,
        revokeReason: 0,
      });
    });

    describe("reverts", function () {
      it("for terms no order was opened with, naming the id they hash to", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order } = await openOrder(f);
        const changed = { ...order, quantity: 11 };
        const changedId = await f.orderIdOf(changed);
        await expect(f.escrow.connect(f.supplier).fulfill(changed, 0, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
          .withArgs(changedId);
        const cheaper = { ...order, unitPrice: order.unitPrice - 1n };
        await expect(f.escrow.connect(f.supplier).fulfill(cheaper, 0, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
          .withArgs(await f.orderIdOf(cheaper));
      });

      it("when the caller is not the supplier", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        for (const caller of [f.buyer, f.stranger]) {
          await expect(f.escrow.connect(caller).fulfill(order, 0, 0))
            .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNotSupplier")
            .withArgs(orderId, caller.address);
        }
      });

      it("when the order was already fulfilled", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 10, 10))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
          .withArgs(orderId, OrderStatus.Fulfilled);
      });

      it("when the order was refunded", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await f.escrow.connect(f.supplier).reject(order);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
          .withArgs(orderId, OrderStatus.Refunded);
      });

      it("one second after the deadline", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.setNextBlockTimestamp(order.fulfilDeadline + 1);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowFulfilDeadlinePassed")
          .withArgs(orderId, order.fulfilDeadline);
      });

      it("when the lot would pass the last possible serial", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        // Activated cards accepted: the escrow then makes no run walk, and the registry's own check answers.
        const { order, orderId } = await openOrder(f, { acceptActivated: true });
        const start = UINT32_MAX - 9; // start + 10 == 2^32
        await expect(f.escrow.connect(f.supplier).fulfill(order, start, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotOutOfRange")
          .withArgs(orderId, start, 10);
        await expect(f.escrow.connect(f.supplier).fulfill(order, UINT32_MAX, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotOutOfRange")
          .withArgs(orderId, UINT32_MAX, 10);
        // One serial lower fits the range, and the registry then rejects a lot outside the batch.
        await expect(f.escrow.connect(f.supplier).fulfill(order, start - 1, 0))
          .to.be.revertedWithCustomError(f.registry, "VoucherRegistryLotOutOfRange")
          .withArgs(f.batch.batchId, start - 1, UINT32_MAX, 300);
      });

      it("when the lot holds a redeemed card, naming the lowest one", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { supplier } = f;
        const { order, orderId } = await openOrder(f);
        for (const serial of [17, 14]) await f.redeemCard(serial);
        await expect(f.escrow.connect(supplier).fulfill(order, 10, 0))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowLotHasRedeemedCard")
          .withArgs(orderId, 14);
        // The lot just before the redeemed cards is clean and can be delivered.
        await f.escrow.connect(supplier).fulfill(order, 0, 0);
        expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Fulfilled);
      });

      it("with the registry's error when the lot is revoked", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order } = await openOrder(f);
        await f.registry.connect(f.supplier).revokeLot(f.batch.batchId, 0, 50, 0, 7);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 20, 0))
          .to.be.revertedWithCustomError(f.registry, "VoucherRegistryLotRevoked")
          .withArgs(f.batch.batchId, 0, 7);
      });

      it("with the registry's error when the supplier does not hold the lot", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order } = await openOrder(f);
        await f.registry
          .connect(f.supplier)
          .transferLot(f.batch.batchId, f.supplier.address, f.otherBuyer.address, 0, 100, 0);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
          .to.be.revertedWithCustomError(f.registry, "VoucherRegistryLotNotHeld")
          .withArgs(f.batch.batchId, 0, f.otherBuyer.address);
      });

      it("with the registry's error when the supplier has not approved the escrow", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order } = await openOrder(f);
        await f.registry.connect(f.supplier).setApprovalForAll(f.escrowAddress, false);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
          .to.be.revertedWithCustomError(f.registry, "VoucherRegistryNotHolderOrOperator")
          .withArgs(f.batch.batchId, f.supplier.address, f.escrowAddress);
      });

      it("with the registry's error when the hint is not the lot's run", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order } = await openOrder(f);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 20, 5))
          .to.be.revertedWithCustomError(f.registry, "VoucherRegistryInvalidHint")
          .withArgs(f.batch.batchId, 5);
      });

      it("with the registry's error when the batch has expired", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const expiresAt = (await networkHelpers.time.latest()) + 3 * DAY;
        const expiring = f.prepareBatch(2, { count: 50, expiresAt });
        await f.registry.connect(f.supplier).issueBatch(expiring.batchId, expiring.params);
        const { order } = await openOrder(f, { batchId: expiring.batchId, fulfilDeadline: expiresAt + 4 * DAY });
        await networkHelpers.time.setNextBlockTimestamp(expiresAt);
        await expect(f.escrow.connect(f.supplier).fulfill(order, 0, 0))
          .to.be.revertedWithCustomError(f.registry, "VoucherRegistryBatchExpired")
          .withArgs(expiring.batchId, expiresAt);
      });
    });
  });

  describe("refunds", function () {
    describe("refundExpired", function () {
      it("lets anyone refund an order after its deadline, crediting the buyer and never the caller", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, buyer, stranger, token } = f;
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);

        await expect(escrow.connect(stranger).refundExpired(order))
          .to.emit(escrow, "OrderRefunded")
          .withArgs(orderId, buyer.address, AMOUNT, RefundReason.Expired, stranger.address);
        expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Refunded);
        expect(await escrow.creditOf(buyer.address, token)).to.equal(AMOUNT);
        expect(await escrow.creditOf(stranger.address, token)).to.equal(0n);
        expect(await escrow.creditOf(f.supplier.address, token)).to.equal(0n);
        expect(await escrow.poolOf(token)).to.deep.equal([0n, 0n]);
        // Credited, not paid: the tokens stay in the escrow until the buyer withdraws.
        expect(await f.usdc.balanceOf(f.escrowAddress)).to.equal(AMOUNT);
      });

      it("reverts at the deadline second and works one second later", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.setNextBlockTimestamp(order.fulfilDeadline);
        await expect(f.escrow.connect(f.stranger).refundExpired(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowFulfilDeadlineNotReached")
          .withArgs(orderId, order.fulfilDeadline);
        await networkHelpers.time.setNextBlockTimestamp(order.fulfilDeadline + 1);
        await expect(f.escrow.connect(f.stranger).refundExpired(order))
          .to.emit(f.escrow, "OrderRefunded")
          .withArgs(orderId, f.buyer.address, AMOUNT, RefundReason.Expired, f.stranger.address);
      });

      it("reverts twice for the same order", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
        await f.escrow.connect(f.stranger).refundExpired(order);
        await expect(f.escrow.connect(f.stranger).refundExpired(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
          .withArgs(orderId, OrderStatus.Refunded);
        expect(await f.escrow.creditOf(f.buyer.address, f.token)).to.equal(AMOUNT);
      });

      it("reverts for terms no order was opened with", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order } = await openOrder(f);
        const changed = { ...order, buyerRef: stringToHex("another PO", { size: 32 }) };
        await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
        await expect(f.escrow.connect(f.stranger).refundExpired(changed))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
          .withArgs(await f.orderIdOf(changed));
      });
    });

    describe("reject", function () {
      it("lets the supplier refund an open order at once, long before the deadline", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { escrow, buyer, supplier, token } = f;
        const { order, orderId } = await openOrder(f);
        await expect(escrow.connect(supplier).reject(order))
          .to.emit(escrow, "OrderRefunded")
          .withArgs(orderId, buyer.address, AMOUNT, RefundReason.Rejected, supplier.address);
        expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Refunded);
        expect(await escrow.creditOf(buyer.address, token)).to.equal(AMOUNT);
        expect(await escrow.creditOf(supplier.address, token)).to.equal(0n);
      });

      it("lets the supplier reject an open order after its deadline too", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.increaseTo(order.fulfilDeadline + DAY);
        await expect(f.escrow.connect(f.supplier).reject(order))
          .to.emit(f.escrow, "OrderRefunded")
          .withArgs(orderId, f.buyer.address, AMOUNT, RefundReason.Rejected, f.supplier.address);
      });

      it("rejects anyone but the supplier", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        for (const caller of [f.buyer, f.stranger, f.arbiter]) {
          await expect(f.escrow.connect(caller).reject(order))
            .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNotSupplier")
            .withArgs(orderId, caller.address);
        }
      });
    });

    describe("cancel", function () {
      it("lets the buyer cancel after the deadline", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.setNextBlockTimestamp(order.fulfilDeadline + 1);
        await expect(f.escrow.connect(f.buyer).cancel(order))
          .to.emit(f.escrow, "OrderRefunded")
          .withArgs(orderId, f.buyer.address, AMOUNT, RefundReason.Cancelled, f.buyer.address);
        expect((await f.escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Refunded);
        expect(await f.escrow.creditOf(f.buyer.address, f.token)).to.equal(AMOUNT);
      });

      it("rejects a cancellation up to the deadline second", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await expect(f.escrow.connect(f.buyer).cancel(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowFulfilDeadlineNotReached")
          .withArgs(orderId, order.fulfilDeadline);
        await networkHelpers.time.setNextBlockTimestamp(order.fulfilDeadline);
        await expect(f.escrow.connect(f.buyer).cancel(order))
          .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowFulfilDeadlineNotReached")
          .withArgs(orderId, order.fulfilDeadline);
      });

      it("rejects anyone but the buyer, even after the deadline", async function () {
        const f = await networkHelpers.loadFixture(escrowFixture);
        const { order, orderId } = await openOrder(f);
        await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
        for (const caller of [f.supplier, f.stranger, f.otherBuyer]) {
          await expect(f.escrow.connect(caller).cancel(order))
            .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowNotBuyer")
            .withArgs(orderId, caller.address);
        }
      });
    });

    it("refunds the order of another buyer to that buyer", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f, { buyer: f.otherBuyer.address, quantity: 3 });
      await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
      await expect(f.escrow.connect(f.buyer).refundExpired(order))
        .to.emit(f.escrow, "OrderRefunded")
        .withArgs(orderId, f.otherBuyer.address, 3n * UNIT_PRICE, RefundReason.Expired, f.buyer.address);
      expect(await f.escrow.creditOf(f.otherBuyer.address, f.token)).to.equal(3n * UNIT_PRICE);
      expect(await f.escrow.creditOf(f.buyer.address, f.token)).to.equal(0n);
    });

    it("refuses every refund once the order is fulfilled", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
      await expect(f.escrow.connect(f.stranger).refundExpired(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Fulfilled);
      await expect(f.escrow.connect(f.supplier).reject(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Fulfilled);
      await expect(f.escrow.connect(f.buyer).cancel(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Fulfilled);
      expect(await f.escrow.creditOf(f.buyer.address, f.token)).to.equal(0n);
    });

    it("refuses every refund of a released order", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order, orderId } = await openOrder(f);
      await f.escrow.connect(f.supplier).fulfill(order, 0, 0);
      await f.escrow.connect(f.buyer).confirm(order);
      await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
      await expect(f.escrow.connect(f.stranger).refundExpired(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Released);
      await expect(f.escrow.connect(f.supplier).reject(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Released);
      await expect(f.escrow.connect(f.buyer).cancel(order))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnexpectedStatus")
        .withArgs(orderId, OrderStatus.Released);
    });

    it("refuses a reject or cancel for terms no order was opened with", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { order } = await openOrder(f);
      const changed = { ...order, supplier: f.otherBuyer.address };
      const changedId = await f.orderIdOf(changed);
      await expect(f.escrow.connect(f.otherBuyer).reject(changed))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
        .withArgs(changedId);
      await networkHelpers.time.increaseTo(order.fulfilDeadline + 1);
      await expect(f.escrow.connect(f.buyer).cancel(changed))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowUnknownOrder")
        .withArgs(changedId);
    });
  });
});
