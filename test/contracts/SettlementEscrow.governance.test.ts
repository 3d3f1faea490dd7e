import { expect } from "chai";
import { network } from "hardhat";
import { encodeAbiParameters, keccak256, stringToHex, type Address } from "viem";

import {
  DAY,
  DISPUTE_TIMEOUT,
  FEE_BPS,
  FUND_SHARE_BPS,
  OrderStatus,
  deployEscrow,
  type OrderTerms,
} from "../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

type Fixture = Awaited<ReturnType<typeof deployEscrow>>;

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const PAUSER_ROLE = ethers.id("CardProof.PAUSER_ROLE");
const MAX_FEE_BPS = 500;
const MIN_WINDOW = 3_600;
const MAX_WINDOW = 30 * DAY;

/** The default order (10 cards at 4.75 = 47,500,000) split under policy 1: 1% fee, 20% of it to the fund. */
const OLD_POLICY_SPLIT = { net: 47_025_000n, platform: 380_000n, fund: 95_000n };
/** The same amount under a 5% fee with half of it to the fund. */
const NEW_POLICY_SPLIT = { net: 45_125_000n, platform: 1_187_500n, fund: 1_187_500n };

/** The Order struct's fields in declaration order, for viem. */
const ORDER_COMPONENTS = [
  { name: "buyer", type: "address" },
  { name: "supplier", type: "address" },
  { name: "token", type: "address" },
  { name: "batchId", type: "uint64" },
  { name: "quantity", type: "uint32" },
  { name: "unitPrice", type: "uint96" },
  { name: "fulfilDeadline", type: "uint40" },
  { name: "challengeWindow", type: "uint32" },
  { name: "minValidity", type: "uint32" },
  { name: "acceptActivated", type: "bool" },
  { name: "policyId", type: "uint16" },
  { name: "buyerRef", type: "bytes32" },
  { name: "salt", type: "bytes32" },
] as const;

/** `keccak256(abi.encode(chainId, escrow, order))`, computed off chain. */
function computeOrderId(chainId: bigint, escrow: string, order: OrderTerms) {
  const encoded = encodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "tuple", components: ORDER_COMPONENTS }],
    [
      chainId,
      escrow as Address,
      {
        buyer: order.buyer as Address,
        supplier: order.supplier as Address,
        token: order.token as Address,
        batchId: order.batchId,
        quantity: order.quantity,
        unitPrice: order.unitPrice,
        fulfilDeadline: order.fulfilDeadline,
        challengeWindow: order.challengeWindow,
        minValidity: order.minValidity,
        acceptActivated: order.acceptActivated,
        policyId: order.policyId,
        buyerRef: order.buyerRef,
        salt: order.salt,
      },
    ],
  );
  return keccak256(encoded);
}

/** Opens an order as the buyer; returns its terms and id. */
async function openOrder(f: Fixture, overrides: Partial<OrderTerms> = {}) {
  const order = await f.orderFor(overrides);
  await f.escrow.connect(f.buyer).open(order);
  return { order, orderId: await f.orderIdOf(order) };
}

/** Constructor arguments of a valid escrow over the fixture's registry; override any. */
function constructorArgs(
  f: Fixture,
  overrides: Partial<{
    registry: string;
    admin: string;
    arbiter: string;
    feeBps: number;
    fundShareBps: number;
    feeRecipient: string;
  }> = {},
) {
  return [
    overrides.registry ?? f.registryAddress,
    overrides.admin ?? f.admin.address,
    f.pauser.address,
    overrides.arbiter ?? f.arbiter.address,
    overrides.feeBps ?? FEE_BPS,
    overrides.fundShareBps ?? FUND_SHARE_BPS,
    overrides.feeRecipient ?? f.feeRecipient.address,
  ];
}

describe("SettlementEscrow: governance", function () {
  async function escrowFixture() {
    return deployEscrow(ethers);
  }

  describe("constructor", function () {
    it("sets policy 1 and the fee recipient, with their events, and grants the roles", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const escrow = await ethers.deployContract("SettlementEscrow", constructorArgs(f, { feeBps: 250 }));
      const deployment = escrow.deploymentTransaction()!;
      await expect(deployment)
        .to.emit(escrow, "PolicyUpdated")
        .withArgs(1, f.arbiter.address, 250, FUND_SHARE_BPS, DISPUTE_TIMEOUT, 10_000)
        .and.to.emit(escrow, "ArbiterReplaced")
        .withArgs(0, ethers.ZeroAddress, f.arbiter.address)
        .and.to.emit(escrow, "FeeRecipientUpdated")
        .withArgs(f.feeRecipient.address);
      expect(await escrow.currentPolicy()).to.deep.equal([
        1n,
        [f.arbiter.address, 250n, BigInt(FUND_SHARE_BPS), BigInt(DISPUTE_TIMEOUT), 10_000n],
      ]);
      expect(await escrow.feeRecipient()).to.equal(f.feeRecipient.address);
      expect(await escrow.hasRole(DEFAULT_ADMIN_ROLE, f.admin.address)).to.equal(true);
      expect(await escrow.hasRole(PAUSER_ROLE, f.pauser.address)).to.equal(true);
      expect(await escrow.hasRole(PAUSER_ROLE, f.admin.address)).to.equal(false);
      expect(await escrow.hasRole(DEFAULT_ADMIN_ROLE, f.pauser.address)).to.equal(false);
      expect(await escrow.paused()).to.equal(false);
    });

    it("accepts a fee of exactly MAX_FEE_BPS, a zero fee and a fund share of 10,000 bps", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const capped = await ethers.deployContract("SettlementEscrow", constructorArgs(f, { feeBps: MAX_FEE_BPS }));
      expect(await capped.feeBps()).to.equal(BigInt(MAX_FEE_BPS));
      const free = await ethers.deployContract(
        "SettlementEscrow",
        constructorArgs(f, { feeBps: 0, fundShareBps: 10_000 }),
      );
      expect(await free.policyOf(1)).to.deep.equal([f.arbiter.address, 0n, 10_000n, BigInt(DISPUTE_TIMEOUT), 10_000n]);
    });

    it("rejects a zero registry", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(ethers.deployContract("SettlementEscrow", constructorArgs(f, { registry: ethers.ZeroAddress })))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowZeroAddress")
        .withArgs();
    });

    it("rejects a zero admin, which would freeze governance for good", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(ethers.deployContract("SettlementEscrow", constructorArgs(f, { admin: ethers.ZeroAddress })))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowZeroAddress")
        .withArgs();
    });

    it("rejects a zero fee recipient", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(ethers.deployContract("SettlementEscrow", constructorArgs(f, { feeRecipient: ethers.ZeroAddress })))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowZeroAddress")
        .withArgs();
    });

    it("rejects a fee above MAX_FEE_BPS", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(ethers.deployContract("SettlementEscrow", constructorArgs(f, { feeBps: MAX_FEE_BPS + 1 })))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowFeeTooHigh")
        .withArgs(MAX_FEE_BPS + 1, MAX_FEE_BPS);
    });

    it("rejects a zero arbiter", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(ethers.deployContract("SettlementEscrow", constructorArgs(f, { arbiter: ethers.ZeroAddress })))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidArbiter")
        .withArgs(ethers.ZeroAddress);
    });

    it("rejects a fund share above 10,000 bps", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(ethers.deployContract("SettlementEscrow", constructorArgs(f, { fundShareBps: 10_001 })))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowInvalidFundShare")
        .withArgs(10_001);
    });
  });

  describe("setPolicy", function () {
    it("makes a new policy with the next id for new orders, keeping the old ones readable", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, arbiter, newArbiter } = f;
      expect(
        await escrow.connect(admin).setPolicy.staticCall(newArbiter.address, 500, 5_000, DISPUTE_TIMEOUT, 10_000),
      ).to.equal(2n);
      await expect(escrow.connect(admin).setPolicy(newArbiter.address, 500, 5_000, DISPUTE_TIMEOUT, 10_000))
        .to.emit(escrow, "PolicyUpdated")
        .withArgs(2, newArbiter.address, 500, 5_000, DISPUTE_TIMEOUT, 10_000);
      await expect(escrow.connect(admin).setPolicy(arbiter.address, 0, 0, DISPUTE_TIMEOUT, 10_000))
        .to.emit(escrow, "PolicyUpdated")
        .withArgs(3, arbiter.address, 0, 0, DISPUTE_TIMEOUT, 10_000);

      expect(await escrow.currentPolicy()).to.deep.equal([
        3n,
        [arbiter.address, 0n, 0n, BigInt(DISPUTE_TIMEOUT), 10_000n],
      ]);
      expect(await escrow.feeBps()).to.equal(0n);
      expect(await escrow.policyOf(1)).to.deep.equal([arbiter.address, 100n, 2_000n, BigInt(DISPUTE_TIMEOUT), 10_000n]);
      expect(await escrow.policyOf(2)).to.deep.equal([
        newArbiter.address,
        500n,
        5_000n,
        BigInt(DISPUTE_TIMEOUT),
        10_000n,
      ]);
      expect(await escrow.policyOf(3)).to.deep.equal([arbiter.address, 0n, 0n, BigInt(DISPUTE_TIMEOUT), 10_000n]);
      expect(await escrow.policyOf(4)).to.deep.equal([ethers.ZeroAddress, 0n, 0n, 0n, 0n]);
      expect((await f.orderFor()).policyId).to.equal(3);
    });

    it("is reserved to the admin", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      for (const caller of [f.stranger, f.pauser, f.arbiter]) {
        await expect(f.escrow.connect(caller).setPolicy(f.newArbiter.address, 100, 2_000, DISPUTE_TIMEOUT, 10_000))
          .to.be.revertedWithCustomError(f.escrow, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
      expect((await f.escrow.currentPolicy())[0]).to.equal(1n);
    });

    it("validates the new policy like the constructor", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, newArbiter } = f;
      await expect(escrow.connect(admin).setPolicy(ethers.ZeroAddress, 100, 2_000, DISPUTE_TIMEOUT, 10_000))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidArbiter")
        .withArgs(ethers.ZeroAddress);
      await expect(escrow.connect(admin).setPolicy(newArbiter.address, MAX_FEE_BPS + 1, 2_000, DISPUTE_TIMEOUT, 10_000))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowFeeTooHigh")
        .withArgs(MAX_FEE_BPS + 1, MAX_FEE_BPS);
      await expect(escrow.connect(admin).setPolicy(newArbiter.address, 100, 10_001, DISPUTE_TIMEOUT, 10_000))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidFundShare")
        .withArgs(10_001);
      expect((await escrow.currentPolicy())[0]).to.equal(1n);
    });

    it("refuses a policy after id 65,535", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, escrowAddress, admin, arbiter } = f;
      // Slot 2 holds the current policy (after AccessControl's roles and Pausable's flag), packed as
      // feeBps | id << 16. Setting 65,534 policies one by one would take too long, so the id is
      // written directly.
      const packed = BigInt(FEE_BPS) | (1n << 16n);
      expect(BigInt(await networkHelpers.getStorageAt(escrowAddress, 2))).to.equal(packed);
      await networkHelpers.setStorageAt(escrowAddress, 2, packed | (0xffffn << 16n));
      expect((await escrow.currentPolicy())[0]).to.equal(65_535n);

      await expect(escrow.connect(admin).setPolicy(arbiter.address, 100, 2_000, DISPUTE_TIMEOUT, 10_000))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowPolicyLimitReached")
        .withArgs();
    });

    it("leaves open orders on the fee and arbiter they opened with", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, buyer, supplier, arbiter, newArbiter, token } = f;
      const confirmed = await openOrder(f);
      const resolved = await openOrder(f);
      await escrow.connect(admin).setPolicy(newArbiter.address, 500, 5_000, DISPUTE_TIMEOUT, 10_000);

      await escrow.connect(supplier).fulfill(confirmed.order, 0, 0);
      await expect(escrow.connect(buyer).confirm(confirmed.order))
        .to.emit(escrow, "OrderConfirmed")
        .withArgs(confirmed.orderId, OLD_POLICY_SPLIT.net, OLD_POLICY_SPLIT.platform, OLD_POLICY_SPLIT.fund);

      await escrow.connect(supplier).fulfill(resolved.order, 10, await f.lotHint(10));
      await escrow.connect(buyer).dispute(resolved.order, ethers.ZeroHash);
      await expect(escrow.connect(newArbiter).resolve(resolved.order, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotArbiter")
        .withArgs(resolved.orderId, newArbiter.address);
      await expect(escrow.connect(arbiter).resolve(resolved.order, 0))
        .to.emit(escrow, "OrderResolved")
        .withArgs(
          resolved.orderId,
          arbiter.address,
          0,
          0n,
          OLD_POLICY_SPLIT.net,
          OLD_POLICY_SPLIT.platform,
          OLD_POLICY_SPLIT.fund,
        );

      expect(await escrow.creditOf(supplier.address, token)).to.equal(2n * OLD_POLICY_SPLIT.net);
      expect(await escrow.poolOf(token)).to.deep.equal([2n * OLD_POLICY_SPLIT.fund, 2n * OLD_POLICY_SPLIT.platform]);
    });

    it("makes new orders name the new policy and settles them under it", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, buyer, supplier, newArbiter, token } = f;
      await escrow.connect(admin).setPolicy(newArbiter.address, 500, 5_000, DISPUTE_TIMEOUT, 10_000);
      const stale = await f.orderFor({ policyId: 1 });
      await expect(escrow.connect(buyer).open(stale))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowPolicyMismatch")
        .withArgs(1, 2);

      const { order, orderId } = await openOrder(f);
      expect(order.policyId).to.equal(2);
      await escrow.connect(supplier).fulfill(order, 0, 0);
      await escrow.connect(buyer).dispute(order, ethers.ZeroHash);
      await expect(escrow.connect(f.arbiter).resolve(order, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotArbiter")
        .withArgs(orderId, f.arbiter.address);
      await expect(escrow.connect(newArbiter).resolve(order, 0))
        .to.emit(escrow, "OrderResolved")
        .withArgs(
          orderId,
          newArbiter.address,
          0,
          0n,
          NEW_POLICY_SPLIT.net,
          NEW_POLICY_SPLIT.platform,
          NEW_POLICY_SPLIT.fund,
        );
      expect(await escrow.poolOf(token)).to.deep.equal([NEW_POLICY_SPLIT.fund, NEW_POLICY_SPLIT.platform]);
    });
  });

  describe("setTokenAllowed", function () {
    it("adds a token to the allowlist, so orders can be paid in it", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, buyer, escrowAddress } = f;
      const eur = await ethers.deployContract("MockStablecoin", ["Test EUR", "tEUR"]);
      const eurAddress = await eur.getAddress();
      expect(await escrow.isTokenAllowed(eurAddress)).to.equal(false);
      await expect(escrow.connect(admin).setTokenAllowed(eurAddress, true))
        .to.emit(escrow, "TokenAllowlistUpdated")
        .withArgs(eurAddress, true);
      expect(await escrow.isTokenAllowed(eurAddress)).to.equal(true);

      await eur.mint(buyer.address, 1_000_000_000n);
      await eur.connect(buyer).approve(escrowAddress, 1_000_000_000n);
      const { orderId } = await openOrder(f, { token: eurAddress });
      expect((await escrow.orderStateOf(orderId)).status).to.equal(OrderStatus.Open);
      expect(await eur.balanceOf(escrowAddress)).to.equal(47_500_000n);
      expect(await f.usdc.balanceOf(escrowAddress)).to.equal(0n);
    });

    it("stops new orders in a removed token while open orders in it still settle and pay out", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, buyer, supplier, token, usdc } = f;
      const kept = await openOrder(f);
      const refunded = await openOrder(f, { quantity: 2 });
      await expect(escrow.connect(admin).setTokenAllowed(token, false))
        .to.emit(escrow, "TokenAllowlistUpdated")
        .withArgs(token, false);
      expect(await escrow.isTokenAllowed(token)).to.equal(false);

      const next = await f.orderFor();
      await expect(escrow.connect(buyer).open(next))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowTokenNotAllowed")
        .withArgs(token);

      await escrow.connect(supplier).fulfill(kept.order, 0, 0);
      await expect(escrow.connect(buyer).confirm(kept.order))
        .to.emit(escrow, "OrderConfirmed")
        .withArgs(kept.orderId, OLD_POLICY_SPLIT.net, OLD_POLICY_SPLIT.platform, OLD_POLICY_SPLIT.fund);
      await escrow.connect(supplier).reject(refunded.order);

      const supplierBefore = await usdc.balanceOf(supplier.address);
      await escrow.connect(supplier).withdraw(token);
      expect(await usdc.balanceOf(supplier.address)).to.equal(supplierBefore + OLD_POLICY_SPLIT.net);
      const buyerBefore = await usdc.balanceOf(buyer.address);
      await escrow.connect(buyer).withdraw(token);
      expect(await usdc.balanceOf(buyer.address)).to.equal(buyerBefore + 9_500_000n);
      await escrow.connect(f.stranger).collectFees(token);
      expect(await usdc.balanceOf(f.feeRecipient.address)).to.equal(OLD_POLICY_SPLIT.platform);
    });

    it("rejects the zero address", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(f.escrow.connect(f.admin).setTokenAllowed(ethers.ZeroAddress, true))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowZeroAddress")
        .withArgs();
    });

    it("is reserved to the admin", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      for (const caller of [f.stranger, f.pauser, f.arbiter]) {
        await expect(f.escrow.connect(caller).setTokenAllowed(f.token, false))
          .to.be.revertedWithCustomError(f.escrow, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
      expect(await f.escrow.isTokenAllowed(f.token)).to.equal(true);
    });
  });

  describe("setFeeRecipient", function () {
    it("sends fees collected afterwards to the new recipient, including fees accrued before", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, admin, buyer, supplier, stranger, feeRecipient, token, usdc } = f;
      const { order } = await openOrder(f);
      await escrow.connect(supplier).fulfill(order, 0, 0);
      await escrow.connect(buyer).confirm(order);

      await expect(escrow.connect(admin).setFeeRecipient(stranger.address))
        .to.emit(escrow, "FeeRecipientUpdated")
        .withArgs(stranger.address);
      expect(await escrow.feeRecipient()).to.equal(stranger.address);
      const strangerBefore = await usdc.balanceOf(stranger.address);
      await expect(escrow.connect(feeRecipient).collectFees(token))
        .to.emit(escrow, "FeesCollected")
        .withArgs(token, stranger.address, OLD_POLICY_SPLIT.platform);
      expect(await usdc.balanceOf(stranger.address)).to.equal(strangerBefore + OLD_POLICY_SPLIT.platform);
      expect(await usdc.balanceOf(feeRecipient.address)).to.equal(0n);
    });

    it("rejects the zero address", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await expect(f.escrow.connect(f.admin).setFeeRecipient(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.escrow, "SettlementEscrowZeroAddress")
        .withArgs();
    });

    it("is reserved to the admin", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      for (const caller of [f.stranger, f.feeRecipient, f.pauser]) {
        await expect(f.escrow.connect(caller).setFeeRecipient(caller.address))
          .to.be.revertedWithCustomError(f.escrow, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
      expect(await f.escrow.feeRecipient()).to.equal(f.feeRecipient.address);
    });
  });

  describe("pause and unpause", function () {
    it("lets the pauser pause and unpause", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, pauser } = f;
      await expect(escrow.connect(pauser).pause()).to.emit(escrow, "Paused").withArgs(pauser.address);
      expect(await escrow.paused()).to.equal(true);
      await expect(escrow.connect(pauser).pause()).to.be.revertedWithCustomError(escrow, "EnforcedPause").withArgs();
      await expect(escrow.connect(pauser).unpause()).to.emit(escrow, "Unpaused").withArgs(pauser.address);
      expect(await escrow.paused()).to.equal(false);
      await expect(escrow.connect(pauser).unpause()).to.be.revertedWithCustomError(escrow, "ExpectedPause").withArgs();
    });

    it("is reserved to the pauser, not even the admin", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, pauser } = f;
      for (const caller of [f.admin, f.stranger, f.arbiter]) {
        await expect(escrow.connect(caller).pause())
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, PAUSER_ROLE);
      }
      await escrow.connect(pauser).pause();
      for (const caller of [f.admin, f.stranger]) {
        await expect(escrow.connect(caller).unpause())
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, PAUSER_ROLE);
      }
      expect(await escrow.paused()).to.equal(true);
    });

    it("stops only new orders: deliveries, settlements, refunds, the fund, fees and withdrawals go on", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, pauser, buyer, supplier, arbiter, stranger, token } = f;
      const confirmed = await openOrder(f);
      const released = await openOrder(f);
      const resolved = await openOrder(f);
      const rejected = await openOrder(f, { quantity: 1 });
      const expired = await openOrder(f, { quantity: 2 });
      const cancelled = await openOrder(f, { quantity: 3 });
      await escrow.connect(pauser).pause();

      await escrow.connect(supplier).fulfill(confirmed.order, 0, 0);
      await escrow.connect(supplier).fulfill(released.order, 10, await f.lotHint(10));
      await escrow.connect(supplier).fulfill(resolved.order, 20, await f.lotHint(20));
      await escrow.connect(buyer).confirm(confirmed.order);
      await escrow.connect(buyer).dispute(resolved.order, ethers.ZeroHash);
      await escrow.connect(arbiter).resolve(resolved.order, 5_000);
      await escrow.connect(supplier).reject(rejected.order);
      await networkHelpers.time.increaseTo(expired.order.fulfilDeadline + 1);
      await escrow.connect(stranger).release(released.order);
      await escrow.connect(stranger).refundExpired(expired.order);
      await escrow.connect(buyer).cancel(cancelled.order);
      await escrow.connect(arbiter).payFromFund(token, stranger.address, 1n, ethers.ZeroHash);
      await escrow.connect(stranger).collectFees(token);
      await escrow.connect(supplier).withdraw(token);
      await escrow.connect(buyer).withdraw(token);

      const statuses = [];
      for (const { orderId } of [confirmed, released, resolved, rejected, expired, cancelled]) {
        statuses.push((await escrow.orderStateOf(orderId)).status);
      }
      expect(statuses).to.deep.equal([
        OrderStatus.Released,
        OrderStatus.Released,
        OrderStatus.Resolved,
        OrderStatus.Refunded,
        OrderStatus.Refunded,
        OrderStatus.Refunded,
      ]);
      expect(await escrow.paused()).to.equal(true);
      await expect(escrow.connect(buyer).open(await f.orderFor()))
        .to.be.revertedWithCustomError(escrow, "EnforcedPause")
        .withArgs();
    });

    it("lets an account the admin grants the pauser role pause", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await f.escrow.connect(f.admin).grantRole(PAUSER_ROLE, f.operator.address);
      await expect(f.escrow.connect(f.operator).pause()).to.emit(f.escrow, "Paused").withArgs(f.operator.address);
    });
  });

  describe("views", function () {
    it("report the registry, the constants, the current policy, the allowlist and the fee recipient", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const { escrow, arbiter } = f;
      expect(await escrow.registry()).to.equal(f.registryAddress);
      expect(await escrow.feeBps()).to.equal(BigInt(FEE_BPS));
      expect(await escrow.MAX_FEE_BPS()).to.equal(500n);
      expect(await escrow.MIN_CHALLENGE_WINDOW()).to.equal(BigInt(MIN_WINDOW));
      expect(await escrow.MAX_CHALLENGE_WINDOW()).to.equal(BigInt(MAX_WINDOW));
      expect(await escrow.PAUSER_ROLE()).to.equal(PAUSER_ROLE);
      expect(await escrow.currentPolicy()).to.deep.equal([
        1n,
        [arbiter.address, 100n, 2_000n, BigInt(DISPUTE_TIMEOUT), 10_000n],
      ]);
      expect(await escrow.policyOf(1)).to.deep.equal([arbiter.address, 100n, 2_000n, BigInt(DISPUTE_TIMEOUT), 10_000n]);
      // Policy 0 is the fund's: only its arbiter is used.
      expect(await escrow.policyOf(0)).to.deep.equal([arbiter.address, 0n, 0n, 0n, 0n]);
      expect(await escrow.fundArbiter()).to.equal(arbiter.address);
      expect(await escrow.isTokenAllowed(f.token)).to.equal(true);
      expect(await escrow.isTokenAllowed(f.registryAddress)).to.equal(false);
      expect(await escrow.feeRecipient()).to.equal(f.feeRecipient.address);
      expect(await escrow.poolOf(f.token)).to.deep.equal([0n, 0n]);
      expect(await escrow.creditOf(f.buyer.address, f.token)).to.equal(0n);
    });

    it("report an unknown order as all zeros", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      expect(await f.escrow.orderStateOf(ethers.id("no such order"))).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
      const neverOpened = await f.orderFor();
      expect(await f.escrow.orderStateOf(await f.orderIdOf(neverOpened))).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
    });

    it("record the block an order was opened in", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      await networkHelpers.mine(5);
      const order = await f.orderFor();
      const receipt = await (await f.escrow.connect(f.buyer).open(order)).wait();
      const state = await f.escrow.orderStateOf(await f.orderIdOf(order));
      expect(state.openedAt).to.equal(BigInt(receipt!.blockNumber));
      expect(state.openedAt).to.equal(BigInt(await ethers.provider.getBlockNumber()));
      // The log with the terms is in that block.
      const logs = await f.escrow.queryFilter(
        f.escrow.filters.OrderOpened(),
        receipt!.blockNumber,
        receipt!.blockNumber,
      );
      expect(logs.map((log) => log.args.orderId)).to.deep.equal([await f.orderIdOf(order)]);
    });
  });

  describe("orderIdOf", function () {
    it("equals keccak256(abi.encode(chainId, escrow, order)) computed off chain", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const order = await f.orderFor({ quantity: 123, unitPrice: 987_654_321n, challengeWindow: 2 * DAY });
      const expected = computeOrderId(f.chainId, f.escrowAddress, order);
      expect(await f.escrow.orderIdOf(order)).to.equal(expected);
      expect(await f.escrow.connect(f.buyer).open.staticCall(order)).to.equal(expected);
      await expect(f.escrow.connect(f.buyer).open(order))
        .to.emit(f.escrow, "OrderOpened")
        .withArgs(
          expected,
          f.buyer.address,
          f.supplier.address,
          [
            order.buyer,
            order.supplier,
            order.token,
            order.batchId,
            123,
            987_654_321n,
            order.fulfilDeadline,
            2 * DAY,
            0,
            false,
            1,
            order.buyerRef,
            order.salt,
          ],
          123n * 987_654_321n,
        );
    });

    it("changes with every field of the terms", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const order = await f.orderFor();
      const variants: Partial<OrderTerms>[] = [
        { buyer: f.otherBuyer.address },
        { supplier: f.stranger.address },
        { token: f.registryAddress },
        { batchId: order.batchId + 1n },
        { quantity: order.quantity + 1 },
        { unitPrice: order.unitPrice + 1n },
        { fulfilDeadline: order.fulfilDeadline + 1 },
        { challengeWindow: order.challengeWindow + 1 },
        { minValidity: order.minValidity + 1 },
        { acceptActivated: !order.acceptActivated },
        { policyId: order.policyId + 1 },
        { buyerRef: stringToHex("other PO", { size: 32 }) },
        { salt: stringToHex("other salt", { size: 32 }) },
      ];
      const ids = new Set([await f.escrow.orderIdOf(order)]);
      for (const variant of variants) {
        const changed = { ...order, ...variant };
        const id = await f.escrow.orderIdOf(changed);
        expect(id).to.equal(computeOrderId(f.chainId, f.escrowAddress, changed));
        ids.add(id);
      }
      expect(ids.size).to.equal(variants.length + 1);
    });

    it("binds the chain id and the escrow's address", async function () {
      const f = await networkHelpers.loadFixture(escrowFixture);
      const order = await f.orderFor();
      const other = await ethers.deployContract("SettlementEscrow", constructorArgs(f));
      const otherAddress = await other.getAddress();
      const here = await f.escrow.orderIdOf(order);
      expect(await other.orderIdOf(order)).to.equal(computeOrderId(f.chainId, otherAddress, order));
      expect(await other.orderIdOf(order)).to.not.equal(here);
      expect(computeOrderId(f.chainId + 1n, f.escrowAddress, order)).to.not.equal(here);
    });
  });
});
