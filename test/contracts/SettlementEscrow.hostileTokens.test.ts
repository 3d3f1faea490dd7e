import { expect } from "chai";
import { Contract } from "ethers";
import { network } from "hardhat";
import { stringToHex } from "viem";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import {
  BUYER_FUNDS,
  CHANGE_DELAY,
  DAY,
  FUND_CAP,
  deployEscrow,
  OrderStatus,
  UNIT_PRICE,
  type OrderTerms,
} from "../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

/** A default order: 10 cards at 4.75 units. */
const AMOUNT = UNIT_PRICE * 10n; // 47_500_000
/** Its 1% fee, 20% of which goes to the protection fund, and what the supplier nets. */
const FEE = 475_000n;
const FUND_FEE = 95_000n;
const PLATFORM_FEE = 380_000n;
const NET = 47_025_000n;
/** The fee-on-transfer token's fee: 1%. */
const TOLL_BPS = 100;
const CASE_REF = stringToHex("case-1", { size: 32 });
const REASON = stringToHex("wrong cards", { size: 32 });

const ERC20_VIEWS = ["function balanceOf(address) view returns (uint256)"];

/**
 * Every attack below must fail cleanly: the transaction reverts with the exact error, and no token,
 * credit, pool balance or order state moves (or, when a hostile token swallows a failed re-entry,
 * exactly the outer operation's amounts move and nothing else).
 */
describe("SettlementEscrow: hostile tokens", function () {
  async function hostileFixture() {
    const base = await deployEscrow(ethers);
    const { escrow, escrowAddress, admin, buyer, otherBuyer } = base;
    const signers = await ethers.getSigners();
    const tollCollector = signers[12];
    if (tollCollector === undefined) throw new Error("the local chain needs at least 13 accounts");

    const reentrant = await ethers.deployContract("ReentrantToken");
    const feeOnTransfer = await ethers.deployContract("FeeOnTransferToken", [TOLL_BPS, tollCollector.address]);
    const falseReturn = await ethers.deployContract("FalseReturnToken", [false]);
    const blocklist = await ethers.deployContract("BlocklistToken");
    const rebasing = await ethers.deployContract("RebasingToken");
    const tokens = [reentrant, feeOnTransfer, falseReturn, blocklist, rebasing];
    for (const hostile of tokens) {
      const address = await hostile.getAddress();
      await escrow.connect(admin).setTokenAllowed(address, true);
      await escrow.connect(admin).scheduleFundCap(address, FUND_CAP);
      for (const account of [buyer, otherBuyer]) {
        await hostile.mint(account.address, BUYER_FUNDS);
        await hostile.connect(account).approve(escrowAddress, BUYER_FUNDS);
      }
    }
    await networkHelpers.time.increase(CHANGE_DELAY);
    for (const hostile of tokens) await escrow.applyFundCapChange(await hostile.getAddress());
    // The re-entrant token is an account too: funded and approved, it can open orders of its own.
    const reentrantAddress = await reentrant.getAddress();
    await reentrant.mint(reentrantAddress, BUYER_FUNDS);
    await reentrant.execute(
      reentrantAddress,
      reentrant.interface.encodeFunctionData("approve", [escrowAddress, BUYER_FUNDS]),
    );
    const GUARD = escrow.interface.getError("ReentrancyGuardReentrantCall")!.selector;

    /** Wallet balances (escrow first), escrow credits and pool of `token` for `accounts`, to compare before and after. */
    async function ledgerOf(token: string, accounts: readonly string[]) {
      const erc20 = new Contract(token, ERC20_VIEWS, ethers.provider);
      const [wallets, credits, pool] = await Promise.all([
        Promise.all([escrowAddress, ...accounts].map((account) => erc20.balanceOf!(account) as Promise<bigint>)),
        Promise.all(accounts.map((account) => escrow.creditOf(account, token))),
        escrow.poolOf(token),
      ]);
      return { wallets, credits, pool: [pool[0], pool[1]] };
    }
    const statusOf = async (order: OrderTerms) => (await escrow.orderStateOf(await escrow.orderIdOf(order))).status;
    const balanceOf = (token: string, account: string) =>
      new Contract(token, ERC20_VIEWS, ethers.provider).balanceOf!(account) as Promise<bigint>;

    return {
      ...base,
      tollCollector,
      reentrant,
      reentrantAddress,
      feeOnTransfer,
      feeOnTransferAddress: await feeOnTransfer.getAddress(),
      falseReturn,
      falseReturnAddress: await falseReturn.getAddress(),
      blocklist,
      blocklistAddress: await blocklist.getAddress(),
      rebasing,
      rebasingAddress: await rebasing.getAddress(),
      GUARD,
      ledgerOf,
      statusOf,
      balanceOf,
    };
  }

  type Fixture = Awaited<ReturnType<typeof hostileFixture>>;

  /** Opens `order` as its buyer, has the supplier deliver cards `[start, start + quantity)` and returns the order's id. */
  async function openAndFulfil(f: Fixture, order: OrderTerms, buyer: HardhatEthersSigner, start: number) {
    await f.escrow.connect(buyer).open(order);
    await f.escrow.connect(f.supplier).fulfill(order, start, await f.lotHint(start));
    return f.escrow.orderIdOf(order);
  }

  // ------------------------------------------------------------------ re-entrant token

  describe("a token that re-enters the escrow", function () {
    it("reverts an open whose pull re-enters open, and stores neither order", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, reentrant, reentrantAddress } = f;
      const inner = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });
      const outer = await f.orderFor({ token: reentrantAddress });
      const openInner = escrow.interface.encodeFunctionData("open", [inner]);
      await reentrant.arm(escrowAddress, openInner, false, false);
      const accounts = [buyer.address, reentrantAddress];
      const before = await f.ledgerOf(reentrantAddress, accounts);

      await expect(escrow.connect(buyer).open(outer))
        .to.be.revertedWithCustomError(escrow, "ReentrancyGuardReentrantCall")
        .withArgs();
      expect(await f.statusOf(outer)).to.equal(OrderStatus.None);
      expect(await f.statusOf(inner)).to.equal(OrderStatus.None);
      expect(await f.ledgerOf(reentrantAddress, accounts)).to.deep.equal(before);

      // Made on its own, the same call opens the token's order: only the guard stopped it.
      await reentrant.disarm();
      await expect(reentrant.execute(escrowAddress, openInner))
        .to.emit(escrow, "OrderOpened")
        .withArgs(await escrow.orderIdOf(inner), reentrantAddress, f.supplier.address, Object.values(inner), AMOUNT);
    });

    it("lets the pull finish when the token swallows its failed re-entry, and opens only the outer order", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, reentrant, reentrantAddress, GUARD } = f;
      const inner = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });
      const outer = await f.orderFor({ token: reentrantAddress });
      await reentrant.arm(escrowAddress, escrow.interface.encodeFunctionData("open", [inner]), true, false);

      await expect(escrow.connect(buyer).open(outer))
        .to.emit(reentrant, "ReentryAttempted")
        .withArgs(escrowAddress, true, GUARD);
      expect(await reentrant.reentryAttempts()).to.equal(1n);
      expect(await reentrant.lastReentryReverted()).to.equal(true);
      expect(await reentrant.lastReentryResult()).to.equal(GUARD);
      expect(await f.statusOf(outer)).to.equal(OrderStatus.Open);
      expect(await f.statusOf(inner)).to.equal(OrderStatus.None);
      expect(await f.ledgerOf(reentrantAddress, [buyer.address, reentrantAddress])).to.deep.equal({
        wallets: [AMOUNT, BUYER_FUNDS - AMOUNT, BUYER_FUNDS],
        credits: [0n, 0n],
        pool: [0n, 0n],
      });
    });

    it("reverts a withdrawal whose push re-enters withdraw, and keeps the credit", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, reentrant, reentrantAddress } = f;
      // The token, as a buyer, gets a refund to withdraw.
      const own = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });
      await reentrant.execute(escrowAddress, escrow.interface.encodeFunctionData("open", [own]));
      await escrow.connect(f.supplier).reject(own);
      const withdrawCall = escrow.interface.encodeFunctionData("withdraw", [reentrantAddress]);
      // An ERC-777-style hook: the call back comes after the tokens moved.
      await reentrant.arm(escrowAddress, withdrawCall, false, true);
      const before = await f.ledgerOf(reentrantAddress, [reentrantAddress]);
      expect(before.credits).to.deep.equal([AMOUNT]);

      await expect(reentrant.execute(escrowAddress, withdrawCall))
        .to.be.revertedWithCustomError(escrow, "ReentrancyGuardReentrantCall")
        .withArgs();
      expect(await f.ledgerOf(reentrantAddress, [reentrantAddress])).to.deep.equal(before);
    });

    it("pays a withdrawal exactly once when the token swallows its failed re-entry into withdraw", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, reentrant, reentrantAddress, GUARD } = f;
      const own = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });
      await reentrant.execute(escrowAddress, escrow.interface.encodeFunctionData("open", [own]));
      await escrow.connect(f.supplier).reject(own);
      // Someone else's money is in the escrow too: a second payout would take it.
      await escrow.connect(f.buyer).open(await f.orderFor({ token: reentrantAddress }));
      const withdrawCall = escrow.interface.encodeFunctionData("withdraw", [reentrantAddress]);
      await reentrant.arm(escrowAddress, withdrawCall, true, true);

      const tx = reentrant.execute(escrowAddress, withdrawCall);
      await expect(tx).to.emit(reentrant, "ReentryAttempted").withArgs(escrowAddress, true, GUARD);
      await expect(tx)
        .to.emit(escrow, "Withdrawn")
        .withArgs(reentrantAddress, reentrantAddress, AMOUNT, reentrantAddress);
      const receipt = await (await tx).wait();
      const withdrawals = receipt!.logs.filter((log) => escrow.interface.parseLog(log)?.name === "Withdrawn");
      expect(withdrawals).to.have.length(1);
      expect(await f.ledgerOf(reentrantAddress, [reentrantAddress, f.buyer.address])).to.deep.equal({
        wallets: [AMOUNT, BUYER_FUNDS, BUYER_FUNDS - AMOUNT],
        credits: [0n, 0n],
        pool: [0n, 0n],
      });
    });

    it("reverts a withdrawal or fee collection whose push re-enters a call anyone may make, though each works on its own", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, supplier, reentrant, reentrantAddress, GUARD } = f;
      // An order past its deadline (anyone may refund it), one past its challenge window (anyone
      // may release it), fees accrued (anyone may collect them), and a credit of the token's own.
      const expired = await f.orderFor({ token: reentrantAddress });
      await escrow.connect(buyer).open(expired);
      const delivered = await f.orderFor({ token: reentrantAddress });
      await openAndFulfil(f, delivered, buyer, 0);
      const confirmed = await f.orderFor({ token: reentrantAddress });
      await openAndFulfil(f, confirmed, buyer, 10);
      await escrow.connect(buyer).confirm(confirmed);
      const own = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });
      await reentrant.execute(escrowAddress, escrow.interface.encodeFunctionData("open", [own]));
      await escrow.connect(supplier).reject(own);
      await networkHelpers.time.increaseTo(expired.fulfilDeadline + 1);

      const inner = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });
      const reentries = {
        refundExpired: escrow.interface.encodeFunctionData("refundExpired", [expired]),
        release: escrow.interface.encodeFunctionData("release", [delivered]),
        collectFees: escrow.interface.encodeFunctionData("collectFees", [reentrantAddress]),
        open: escrow.interface.encodeFunctionData("open", [inner]),
      };
      const outerCalls = {
        withdraw: () =>
          reentrant.execute(escrowAddress, escrow.interface.encodeFunctionData("withdraw", [reentrantAddress])),
        collectFees: () => escrow.connect(f.stranger).collectFees(reentrantAddress),
      };
      const accounts = [buyer.address, supplier.address, f.feeRecipient.address, reentrantAddress];
      const orders = [expired, delivered, confirmed, own, inner];
      const snapshot = async () => ({
        ledger: await f.ledgerOf(reentrantAddress, accounts),
        statuses: await Promise.all(orders.map((order) => f.statusOf(order))),
      });
      const before = await snapshot();
      expect(before.statuses).to.deep.equal([
        OrderStatus.Open,
        OrderStatus.Fulfilled,
        OrderStatus.Released,
        OrderStatus.Refunded,
        OrderStatus.None,
      ]);
      expect(before.ledger.pool).to.deep.equal([FUND_FEE, PLATFORM_FEE]);

      for (const [outer, send] of Object.entries(outerCalls)) {
        for (const [name, data] of Object.entries(reentries)) {
          await reentrant.arm(escrowAddress, data, false, false);
          await expect(send(), `${name} during ${outer}`)
            .to.be.revertedWithCustomError(escrow, "ReentrancyGuardReentrantCall")
            .withArgs();
          expect(await snapshot(), `${name} during ${outer}`).to.deep.equal(before);
        }
      }

      // Swallowed instead, the re-entry fails the same way and the outer call pays exactly its own amount.
      await reentrant.arm(escrowAddress, reentries.refundExpired, true, false);
      await expect(outerCalls.collectFees())
        .to.emit(reentrant, "ReentryAttempted")
        .withArgs(escrowAddress, true, GUARD)
        .and.to.emit(escrow, "FeesCollected")
        .withArgs(reentrantAddress, f.feeRecipient.address, PLATFORM_FEE);
      expect(await f.statusOf(expired)).to.equal(OrderStatus.Open);

      // Each call made on its own works: only the guard stopped them.
      await reentrant.disarm();
      await expect(escrow.connect(f.stranger).refundExpired(expired)).to.emit(escrow, "OrderRefunded");
      await expect(escrow.connect(f.stranger).release(delivered)).to.emit(escrow, "OrderReleased");
      await expect(reentrant.execute(escrowAddress, reentries.open)).to.emit(escrow, "OrderOpened");
      await expect(outerCalls.withdraw())
        .to.emit(escrow, "Withdrawn")
        .withArgs(reentrantAddress, reentrantAddress, AMOUNT, reentrantAddress);
    });

    it("refuses a re-entry into every state-changing function, and changes nothing it targets", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, supplier, arbiter, reentrant, reentrantAddress, GUARD } = f;
      const open = await f.orderFor({ token: reentrantAddress });
      await escrow.connect(buyer).open(open);
      const fulfilled = await f.orderFor({ token: reentrantAddress });
      await openAndFulfil(f, fulfilled, buyer, 0);
      const disputed = await f.orderFor({ token: reentrantAddress });
      await openAndFulfil(f, disputed, buyer, 10);
      await escrow.connect(buyer).dispute(disputed, REASON);
      const settled = await f.orderFor({ token: reentrantAddress });
      await openAndFulfil(f, settled, buyer, 20);
      await escrow.connect(buyer).confirm(settled);
      const inner = await f.orderFor({ buyer: reentrantAddress, token: reentrantAddress });

      const encode = escrow.interface.encodeFunctionData.bind(escrow.interface);
      const zero32 = `0x${"00".repeat(32)}`;
      const reentries: [string, string][] = [
        ["open", encode("open", [inner])],
        ["openWithPermit", encode("openWithPermit", [inner, 2n ** 40n, 27, zero32, zero32])],
        ["fulfill", encode("fulfill", [open, 30, 30])],
        ["confirm", encode("confirm", [fulfilled])],
        ["dispute", encode("dispute", [fulfilled, REASON])],
        ["release", encode("release", [fulfilled])],
        ["resolve", encode("resolve", [disputed, 5_000])],
        ["refundExpired", encode("refundExpired", [open])],
        ["reject", encode("reject", [open])],
        ["cancel", encode("cancel", [open])],
        ["withdraw", encode("withdraw", [reentrantAddress])],
        ["payFromFund", encode("payFromFund", [reentrantAddress, reentrantAddress, FUND_FEE, CASE_REF])],
        ["collectFees", encode("collectFees", [reentrantAddress])],
      ];
      const watched = [open, fulfilled, disputed, settled, inner];
      const statusesBefore = await Promise.all(watched.map((order) => f.statusOf(order)));
      const accounts = [buyer.address, supplier.address, arbiter.address, reentrantAddress];
      const creditsBefore = (await f.ledgerOf(reentrantAddress, accounts)).credits;

      // The buyer opens one more order per function; the token calls back into that function from
      // each pull and swallows the failure, so every outer open goes through and is the only change.
      for (const [index, [name, data]] of reentries.entries()) {
        await reentrant.arm(escrowAddress, data, true, index % 2 === 0);
        await expect(escrow.connect(buyer).open(await f.orderFor({ token: reentrantAddress })), name)
          .to.emit(reentrant, "ReentryAttempted")
          .withArgs(escrowAddress, true, GUARD);
      }
      expect(await reentrant.reentryAttempts()).to.equal(BigInt(reentries.length));
      expect(await Promise.all(watched.map((order) => f.statusOf(order)))).to.deep.equal(statusesBefore);
      const after = await f.ledgerOf(reentrantAddress, accounts);
      expect(after.credits).to.deep.equal(creditsBefore);
      expect(after.pool).to.deep.equal([FUND_FEE, PLATFORM_FEE]);
      // Three orders still held (open, fulfilled, disputed), the supplier's credit, the pool, and the new opens.
      expect(after.wallets[0]).to.equal(
        3n * AMOUNT + NET + FUND_FEE + PLATFORM_FEE + BigInt(reentries.length) * AMOUNT,
      );
    });
  });

  // ------------------------------------------------------------------ fee-on-transfer token

  describe("a token that takes a fee in transit", function () {
    it("rejects an open when the escrow receives less than the amount, and stores nothing", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, feeOnTransferAddress: token } = f;
      const order = await f.orderFor({ token });
      const accounts = [buyer.address, f.tollCollector.address];
      const before = await f.ledgerOf(token, accounts);

      await expect(escrow.connect(buyer).open(order))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, AMOUNT, AMOUNT - FEE);
      expect(await escrow.orderStateOf(await escrow.orderIdOf(order))).to.deep.equal([
        OrderStatus.None,
        0n,
        0n,
        0n,
        0n,
        0n,
        0n,
      ]);
      expect(await f.ledgerOf(token, accounts)).to.deep.equal(before);
    });

    it("reports zero received when the whole amount is taken in transit", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, feeOnTransfer, feeOnTransferAddress: token } = f;
      await feeOnTransfer.setFee(10_000, false);
      const order = await f.orderFor({ token });

      await expect(escrow.connect(buyer).open(order))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, AMOUNT, 0n);
      expect(await f.statusOf(order)).to.equal(OrderStatus.None);
      expect(await f.balanceOf(token, buyer.address)).to.equal(BUYER_FUNDS);
    });

    it("refuses a withdrawal or fee collection that costs the escrow more than it pays, and keeps the credit and fees", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, otherBuyer, supplier, feeOnTransfer, feeOnTransferAddress: token } = f;
      // Free while the orders open and settle; then the token charges senders 1% on top.
      await feeOnTransfer.setFee(0, false);
      const refunded = await f.orderFor({ token });
      await escrow.connect(buyer).open(refunded);
      await escrow.connect(supplier).reject(refunded);
      const confirmed = await f.orderFor({ token, buyer: otherBuyer.address });
      await openAndFulfil(f, confirmed, otherBuyer, 0);
      await escrow.connect(otherBuyer).confirm(confirmed);
      await feeOnTransfer.setFee(TOLL_BPS, true);
      const accounts = [buyer.address, supplier.address, f.feeRecipient.address, f.tollCollector.address];
      const before = await f.ledgerOf(token, accounts);
      expect(before.credits).to.deep.equal([AMOUNT, NET, 0n, 0n]);
      expect(before.pool).to.deep.equal([FUND_FEE, PLATFORM_FEE]);

      await expect(escrow.connect(buyer).withdraw(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, AMOUNT, AMOUNT + FEE);
      await expect(escrow.connect(supplier).withdraw(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, NET, NET + 470_250n);
      await expect(escrow.connect(f.stranger).collectFees(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, PLATFORM_FEE, PLATFORM_FEE + 3_800n);
      expect(await f.ledgerOf(token, accounts)).to.deep.equal(before);

      // Once the token behaves again, everything is paid in full.
      await feeOnTransfer.setFee(0, false);
      await escrow.connect(buyer).withdraw(token);
      await escrow.connect(supplier).withdraw(token);
      await escrow.connect(f.stranger).collectFees(token);
      expect(await f.ledgerOf(token, accounts)).to.deep.equal({
        wallets: [FUND_FEE, BUYER_FUNDS, NET, PLATFORM_FEE, 0n],
        credits: [0n, 0n, 0n, 0n],
        pool: [FUND_FEE, 0n],
      });
    });

    it("opens when the sender pays the fee on top, since the escrow receives the exact amount", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, feeOnTransfer, feeOnTransferAddress: token } = f;
      await feeOnTransfer.setFee(TOLL_BPS, true);
      const order = await f.orderFor({ token });

      await expect(escrow.connect(buyer).open(order)).to.emit(escrow, "OrderOpened");
      expect(await f.ledgerOf(token, [buyer.address, f.tollCollector.address])).to.deep.equal({
        wallets: [AMOUNT, BUYER_FUNDS - AMOUNT - FEE, FEE],
        credits: [0n, 0n],
        pool: [0n, 0n],
      });
    });

    it("keeps its books exact when a withdrawal's recipient bears the fee", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, supplier, feeOnTransfer, feeOnTransferAddress: token } = f;
      await feeOnTransfer.setFee(0, false);
      const order = await f.orderFor({ token });
      await escrow.connect(buyer).open(order);
      await escrow.connect(supplier).reject(order);
      await feeOnTransfer.setFee(TOLL_BPS, false);

      // The escrow pays out exactly the credit; the token takes its fee from what the buyer receives.
      await expect(escrow.connect(buyer).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(buyer.address, token, AMOUNT, buyer.address);
      expect(await f.ledgerOf(token, [buyer.address, f.tollCollector.address])).to.deep.equal({
        wallets: [0n, BUYER_FUNDS - FEE, FEE],
        credits: [0n, 0n],
        pool: [0n, 0n],
      });
    });
  });

  // ------------------------------------------------------------------ false-returning token

  describe("a token whose transfers return false", function () {
    it("rejects an open whose pull returns false, and stores nothing", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, falseReturn, falseReturnAddress: token } = f;
      await falseReturn.setFailing(true);
      const order = await f.orderFor({ token });
      const before = await f.ledgerOf(token, [buyer.address]);

      await expect(escrow.connect(buyer).open(order))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(token);
      expect(await f.statusOf(order)).to.equal(OrderStatus.None);
      expect(await f.ledgerOf(token, [buyer.address])).to.deep.equal(before);
    });

    it("rejects a withdrawal whose push returns false, keeps the credit, and pays it once the token works", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, supplier, falseReturn, falseReturnAddress: token } = f;
      const order = await f.orderFor({ token });
      await escrow.connect(buyer).open(order);
      await escrow.connect(supplier).reject(order);
      await falseReturn.setFailing(true);
      const before = await f.ledgerOf(token, [buyer.address]);
      expect(before).to.deep.equal({ wallets: [AMOUNT, BUYER_FUNDS - AMOUNT], credits: [AMOUNT], pool: [0n, 0n] });

      await expect(escrow.connect(buyer).withdraw(token))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(token);
      expect(await f.ledgerOf(token, [buyer.address])).to.deep.equal(before);

      await falseReturn.setFailing(false);
      await expect(escrow.connect(buyer).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(buyer.address, token, AMOUNT, buyer.address);
      expect(await f.ledgerOf(token, [buyer.address])).to.deep.equal({
        wallets: [0n, BUYER_FUNDS],
        credits: [0n],
        pool: [0n, 0n],
      });
    });

    it("rejects a fee collection whose push returns false, and keeps the fees", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, falseReturn, falseReturnAddress: token } = f;
      const order = await f.orderFor({ token });
      await openAndFulfil(f, order, buyer, 0);
      await escrow.connect(buyer).confirm(order);
      await falseReturn.setFailing(true);
      const before = await f.ledgerOf(token, [f.feeRecipient.address]);
      expect(before.pool).to.deep.equal([FUND_FEE, PLATFORM_FEE]);

      await expect(escrow.connect(f.stranger).collectFees(token))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(token);
      expect(await f.ledgerOf(token, [f.feeRecipient.address])).to.deep.equal(before);
    });
  });

  // ------------------------------------------------------------------ blocklisting token

  describe("a token that blocklists accounts", function () {
    it("rejects an open by a blocklisted buyer, and stores nothing", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, blocklist, blocklistAddress: token } = f;
      await blocklist.setBlocked(buyer.address, true);
      const order = await f.orderFor({ token });
      const before = await f.ledgerOf(token, [buyer.address]);

      await expect(escrow.connect(buyer).open(order))
        .to.be.revertedWithCustomError(blocklist, "BlocklistTokenBlocked")
        .withArgs(buyer.address);
      expect(await f.statusOf(order)).to.equal(OrderStatus.None);
      expect(await f.ledgerOf(token, [buyer.address])).to.deep.equal(before);
    });

    it("lets a blocklisted payee withdraw its credit to another address it names", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, supplier, stranger, blocklist } = f;
      const token = f.blocklistAddress;
      const order = await f.orderFor({ token });
      await escrow.connect(buyer).open(order);
      await escrow.connect(supplier).fulfill(order, 0, 0);
      await escrow.connect(buyer).confirm(order);
      await blocklist.setBlocked(supplier.address, true);
      await expect(escrow.connect(supplier).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "BlocklistTokenBlocked")
        .withArgs(supplier.address);

      // Only the credit's owner can redirect it, and never to nowhere or into the escrow's own books.
      await expect(escrow.connect(stranger).withdrawTo(token, stranger.address))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNothingToWithdraw")
        .withArgs(stranger.address, token);
      for (const to of [ethers.ZeroAddress, f.escrowAddress]) {
        await expect(escrow.connect(supplier).withdrawTo(token, to))
          .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidPayee")
          .withArgs(to);
      }
      await expect(escrow.connect(supplier).withdrawTo(token, stranger.address))
        .to.emit(escrow, "Withdrawn")
        .withArgs(supplier.address, token, NET, stranger.address);
      expect(await f.balanceOf(token, stranger.address)).to.equal(NET);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(0n);
      expect(await f.balanceOf(token, f.escrowAddress)).to.equal(PLATFORM_FEE + FUND_FEE);
    });

    it("still settles with a supplier blocklisted after the order opened, blocking only that supplier's withdrawal", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, otherBuyer, supplier, arbiter, feeRecipient, stranger, blocklist } = f;
      const token = f.blocklistAddress;
      const delivered = await f.orderFor({ token });
      await escrow.connect(buyer).open(delivered);
      const rejected = await f.orderFor({ token, buyer: otherBuyer.address });
      await escrow.connect(otherBuyer).open(rejected);
      await blocklist.setBlocked(supplier.address, true);

      // Delivery and release only move cards and credits: neither touches the token.
      await escrow.connect(supplier).fulfill(delivered, 0, 0);
      await networkHelpers.time.increase(DAY);
      await expect(escrow.connect(stranger).release(delivered))
        .to.emit(escrow, "OrderReleased")
        .withArgs(await escrow.orderIdOf(delivered), stranger.address, NET, PLATFORM_FEE, FUND_FEE);
      await escrow.connect(supplier).reject(rejected);
      const accounts = [supplier.address, otherBuyer.address, feeRecipient.address, buyer.address];
      expect(await f.ledgerOf(token, accounts)).to.deep.equal({
        wallets: [2n * AMOUNT, 0n, BUYER_FUNDS - AMOUNT, 0n, BUYER_FUNDS - AMOUNT],
        credits: [NET, AMOUNT, 0n, 0n],
        pool: [FUND_FEE, PLATFORM_FEE],
      });

      await expect(escrow.connect(supplier).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "BlocklistTokenBlocked")
        .withArgs(supplier.address);
      expect(await escrow.creditOf(supplier.address, token)).to.equal(NET);

      // Everyone else in the same token is paid as usual.
      await expect(escrow.connect(otherBuyer).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(otherBuyer.address, token, AMOUNT, otherBuyer.address);
      await expect(escrow.connect(stranger).collectFees(token))
        .to.emit(escrow, "FeesCollected")
        .withArgs(token, feeRecipient.address, PLATFORM_FEE);
      await escrow.connect(arbiter).payFromFund(token, buyer.address, FUND_FEE, CASE_REF);
      await expect(escrow.connect(buyer).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(buyer.address, token, FUND_FEE, buyer.address);
      expect(await f.ledgerOf(token, accounts)).to.deep.equal({
        wallets: [NET, 0n, BUYER_FUNDS, PLATFORM_FEE, BUYER_FUNDS - AMOUNT + FUND_FEE],
        credits: [NET, 0n, 0n, 0n],
        pool: [0n, 0n],
      });

      // Off the blocklist, the supplier is paid what it was owed, and the escrow is empty.
      await blocklist.setBlocked(supplier.address, false);
      await escrow.connect(supplier).withdraw(token);
      expect(await f.ledgerOf(token, [supplier.address])).to.deep.equal({
        wallets: [0n, NET],
        credits: [0n],
        pool: [0n, 0n],
      });
    });

    it("keeps the fees when the fee recipient is blocklisted, and pays them to a new recipient", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, admin, buyer, feeRecipient, stranger, blocklist, blocklistAddress: token } = f;
      const order = await f.orderFor({ token });
      await openAndFulfil(f, order, buyer, 0);
      await escrow.connect(buyer).confirm(order);
      await blocklist.setBlocked(feeRecipient.address, true);

      await expect(escrow.connect(stranger).collectFees(token))
        .to.be.revertedWithCustomError(blocklist, "BlocklistTokenBlocked")
        .withArgs(feeRecipient.address);
      expect(await escrow.poolOf(token)).to.deep.equal([FUND_FEE, PLATFORM_FEE]);

      await escrow.connect(admin).setFeeRecipient(stranger.address);
      await expect(escrow.connect(stranger).collectFees(token))
        .to.emit(escrow, "FeesCollected")
        .withArgs(token, stranger.address, PLATFORM_FEE);
      expect(await f.ledgerOf(token, [stranger.address, feeRecipient.address])).to.deep.equal({
        wallets: [NET + FUND_FEE, PLATFORM_FEE, 0n],
        credits: [0n, 0n],
        pool: [FUND_FEE, 0n],
      });
    });

    it("freezes every payment while the escrow itself is blocklisted, and loses no credit", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, otherBuyer, supplier, blocklist, blocklistAddress: token } = f;
      const order = await f.orderFor({ token });
      await escrow.connect(buyer).open(order);
      await escrow.connect(supplier).reject(order);
      await blocklist.setBlocked(escrowAddress, true);
      const next = await f.orderFor({ token, buyer: otherBuyer.address });
      const accounts = [buyer.address, otherBuyer.address];
      const before = await f.ledgerOf(token, accounts);

      await expect(escrow.connect(buyer).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "BlocklistTokenBlocked")
        .withArgs(escrowAddress);
      await expect(escrow.connect(otherBuyer).open(next))
        .to.be.revertedWithCustomError(blocklist, "BlocklistTokenBlocked")
        .withArgs(escrowAddress);
      expect(await f.statusOf(next)).to.equal(OrderStatus.None);
      expect(await f.ledgerOf(token, accounts)).to.deep.equal(before);

      await blocklist.setBlocked(escrowAddress, false);
      await escrow.connect(buyer).withdraw(token);
      expect(await f.ledgerOf(token, accounts)).to.deep.equal({
        wallets: [0n, BUYER_FUNDS, BUYER_FUNDS],
        credits: [0n, 0n],
        pool: [0n, 0n],
      });
    });
  });

  // ------------------------------------------------------------------ rebasing token

  describe("a token whose balances shrink", function () {
    it("rejects an open during whose pull the escrow's balance shrank, and stores nothing", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, buyer, otherBuyer, rebasing, rebasingAddress: token } = f;
      // A rebase while the escrow holds nothing only shrinks the buyer: the escrow still receives the amount.
      await rebasing.rebaseOnNextTransfer(1_000);
      const first = await f.orderFor({ token });
      await escrow.connect(buyer).open(first);
      expect(await f.balanceOf(token, f.escrowAddress)).to.equal(AMOUNT);

      // With the first order's amount held, a 10% rebase in the middle of the pull takes 4.75 units.
      await rebasing.rebaseOnNextTransfer(1_000);
      const second = await f.orderFor({ token, buyer: otherBuyer.address });
      const before = await f.ledgerOf(token, [buyer.address, otherBuyer.address]);
      await expect(escrow.connect(otherBuyer).open(second))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, AMOUNT, AMOUNT - AMOUNT / 10n);
      expect(await f.statusOf(second)).to.equal(OrderStatus.None);
      expect(await f.ledgerOf(token, [buyer.address, otherBuyer.address])).to.deep.equal(before);
    });

    it("refuses a withdrawal during whose push the escrow's balance shrank, and keeps the credit", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, otherBuyer, supplier, rebasing, rebasingAddress: token } = f;
      const refunded = await f.orderFor({ token });
      await escrow.connect(buyer).open(refunded);
      await escrow.connect(otherBuyer).open(await f.orderFor({ token, buyer: otherBuyer.address }));
      await escrow.connect(supplier).reject(refunded);
      await rebasing.rebaseOnNextTransfer(1_000);
      const before = await f.ledgerOf(token, [buyer.address]);
      expect(before.wallets[0]).to.equal(2n * AMOUNT);
      expect(await rebasing.rebaseCutOf(escrowAddress, 1_000)).to.equal((2n * AMOUNT) / 10n);

      // The escrow's balance falls by the 47.5 paid plus the 9.5 the rebase took.
      await expect(escrow.connect(buyer).withdraw(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTransferMismatch")
        .withArgs(token, AMOUNT, AMOUNT + (2n * AMOUNT) / 10n);
      expect(await f.ledgerOf(token, [buyer.address])).to.deep.equal(before);
    });

    it("cannot see a rebase between transactions: the last withdrawal fails, which is why such tokens stay off the allowlist", async function () {
      const f = await networkHelpers.loadFixture(hostileFixture);
      const { escrow, escrowAddress, buyer, otherBuyer, supplier, rebasing, rebasingAddress: token } = f;
      const first = await f.orderFor({ token });
      const second = await f.orderFor({ token, buyer: otherBuyer.address });
      await escrow.connect(buyer).open(first);
      await escrow.connect(otherBuyer).open(second);
      await rebasing.rebaseDown(1_000);
      await escrow.connect(supplier).reject(first);
      await escrow.connect(supplier).reject(second);

      // The books promise 95 units; the token left 85.5. The first buyer is paid in full...
      await escrow.connect(buyer).withdraw(token);
      const shrunk = 2n * AMOUNT - (2n * AMOUNT) / 10n - AMOUNT;
      expect(await f.balanceOf(token, escrowAddress)).to.equal(shrunk);
      // ...and the second is short: the token refuses, and the credit stays for a top-up.
      await expect(escrow.connect(otherBuyer).withdraw(token))
        .to.be.revertedWithCustomError(rebasing, "ERC20InsufficientBalance")
        .withArgs(escrowAddress, shrunk, AMOUNT);
      expect(await escrow.creditOf(otherBuyer.address, token)).to.equal(AMOUNT);
    });
  });
});
