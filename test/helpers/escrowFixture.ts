import { stringToHex, type Hex } from "viem";

import type { ISettlementEscrow, VoucherRegistry } from "../../types/ethers-contracts/index.js";
import { deployRegistry } from "./registryFixture.js";
import type { TestBatch } from "./makeBatch.js";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

/** The terms of an order, as `open` and every later call take them. */
export type OrderTerms = ISettlementEscrow.OrderStruct & {
  buyer: string;
  supplier: string;
  token: string;
  batchId: bigint;
  quantity: number;
  unitPrice: bigint;
  fulfilDeadline: number;
  challengeWindow: number;
  minValidity: number;
  acceptActivated: boolean;
  policyId: number;
  buyerRef: Hex;
  salt: Hex;
};

export const OrderStatus = {
  None: 0n,
  Open: 1n,
  Fulfilled: 2n,
  Disputed: 3n,
  Released: 4n,
  Resolved: 5n,
  Refunded: 6n,
} as const;
export const RefundReason = { Expired: 0n, Rejected: 1n, Cancelled: 2n } as const;

/** 1% fee, 20% of it to the protection fund. */
export const FEE_BPS = 100;
export const FUND_SHARE_BPS = 2_000;
/** 4.75 units of a 6-decimal stablecoin. */
export const UNIT_PRICE = 4_750_000n;
export const DAY = 86_400;
export const BATCH_COUNT = 300;
/** The fund's payout cap the fixture sets per 30 days (1,000 units): above any fund a test builds. */
export const FUND_CAP = 1_000_000_000n;
/** The escrow's governance delay ({CHANGE_DELAY}). */
export const CHANGE_DELAY = 3 * DAY;
/** Policy 1's dispute timeout ({DEFAULT_DISPUTE_TIMEOUT}). */
export const DISPUTE_TIMEOUT = 14 * DAY;
/** What each buyer starts with: plenty for any test. */
export const BUYER_FUNDS = 10n ** 12n;

/**
 * A registry with batch 1 of 300 real cards (codes and proofs, so tests can redeem), an escrow
 * (1% fee, 20% of it to the fund) approved by the supplier as operator for all its lots, and a
 * 6-decimal permit stablecoin on the allowlist. Both buyers hold {@link BUYER_FUNDS} and approved
 * the escrow for all of it.
 *
 * Roles: supplier = the batch's issuer; buyer = a distributor; otherBuyer = a retailer.
 */
export async function deployEscrow(ethers: HardhatEthers) {
  const base = await deployRegistry(ethers);
  const signers = await ethers.getSigners();
  const arbiter = signers[9];
  const feeRecipient = signers[10];
  const newArbiter = signers[11];
  if (arbiter === undefined || feeRecipient === undefined || newArbiter === undefined) {
    throw new Error("the local chain needs at least 12 accounts");
  }
  const { registry, admin, pauser, issuer: supplier, distributor: buyer, retailer: otherBuyer } = base;
  const usdc = await ethers.deployContract("MockStablecoin", ["Test USD", "tUSD"]);
  const escrow = await ethers.deployContract("SettlementEscrow", [
    base.registryAddress,
    admin.address,
    pauser.address,
    arbiter.address,
    FEE_BPS,
    FUND_SHARE_BPS,
    feeRecipient.address,
  ]);
  const escrowAddress = await escrow.getAddress();
  const token = await usdc.getAddress();
  await escrow.connect(admin).setTokenAllowed(token, true);
  // The fund pays nothing until governance caps it, after the delay anyone can watch.
  await escrow.connect(admin).scheduleFundCap(token, FUND_CAP);
  await ethers.provider.send("evm_increaseTime", [CHANGE_DELAY]);
  await escrow.connect(admin).applyFundCapChange(token);

  const batch = base.prepareBatch(1, { count: BATCH_COUNT });
  await registry.connect(supplier).issueBatch(batch.batchId, batch.params);
  await registry.connect(supplier).setApprovalForAll(escrowAddress, true);
  for (const account of [buyer, otherBuyer]) {
    await usdc.mint(account.address, BUYER_FUNDS);
    await usdc.connect(account).approve(escrowAddress, BUYER_FUNDS);
    // So that a buyer can give disputed cards back through the escrow (returnCards).
    await registry.connect(account).setApprovalForAll(escrowAddress, true);
  }

  let salt = 0;
  const now = async () => (await ethers.provider.getBlock("latest"))!.timestamp;
  /** Terms of a 10-card order from `buyer` to `supplier`, due in 7 days with a 1-day window; override any field. */
  const orderFor = async (overrides: Partial<OrderTerms> = {}): Promise<OrderTerms> => {
    const [policyId] = await escrow.currentPolicy();
    salt += 1;
    return {
      buyer: buyer.address,
      supplier: supplier.address,
      token,
      batchId: batch.batchId,
      quantity: 10,
      unitPrice: UNIT_PRICE,
      fulfilDeadline: (await now()) + 7 * DAY,
      challengeWindow: DAY,
      minValidity: 0,
      acceptActivated: false,
      policyId: Number(policyId),
      buyerRef: stringToHex(`PO-${salt}`, { size: 32 }),
      salt: stringToHex(`salt-${salt}`, { size: 32 }),
      ...overrides,
    };
  };

  return {
    ...base,
    escrow,
    escrowAddress,
    usdc,
    token,
    batch,
    supplier,
    buyer,
    otherBuyer,
    arbiter,
    newArbiter,
    feeRecipient,
    now,
    orderFor,
    /** The order id `open` gives `order` (the contract's own hash). */
    orderIdOf: (order: OrderTerms) => escrow.orderIdOf(order),
    /** `unitPrice * quantity`. */
    amountOf: (order: OrderTerms) => order.unitPrice * BigInt(order.quantity),
    /** The hint `fulfill`, `returnCards` and `transferLot` take for a lot starting at `start` (see {@link lotHint}). */
    lotHint: (start: number) => lotHint(registry, batch.batchId, start),
    /** Activates cards `[start, end)` of the fixture's batch as their holder `holder` (the supplier by default). */
    activateCards: async (start: number, end: number, holder: HardhatEthersSigner = supplier) => {
      await activateCards(registry, holder, batch.batchId, start, end);
    },
    /** Redeems card `serial` of the fixture's batch as `redeemer` (made a redeemer of the batch first). */
    redeemCard: async (serial: number) => {
      await redeemCard(registry, supplier, base.redeemer, batch, serial);
    },
  };
}

/**
 * The custody hint the registry wants for a lot starting at `start`: the one place escrow tests
 * compute it, so a change of the registry's hint rule is a change here only.
 *
 * @dev Registry v2 rule: the start of the run containing `start - 1`, or 0 when `start` is 0 (the
 *      left neighbour, so the registry can merge runs).
 */
export async function lotHint(registry: VoucherRegistry, batchId: bigint, start: number): Promise<number> {
  return start === 0 ? 0 : Number(await registry.runStartOf(batchId, start - 1));
}

/**
 * Redeems card `serial` of `batch` as `redeemer`, which `issuer` names a redeemer of the batch
 * first: the one place escrow tests redeem, so a change of the registry's redemption call is a
 * change here only.
 */
export async function redeemCard(
  registry: VoucherRegistry,
  issuer: HardhatEthersSigner,
  redeemer: HardhatEthersSigner,
  batch: TestBatch,
  serial: number,
): Promise<void> {
  if (!(await registry.isRedeemer(batch.batchId, redeemer.address))) {
    await registry.connect(issuer).setRedeemer(batch.batchId, redeemer.address, true);
  }
  const { sigR, sigVs, proof } = await batch.redemptionOf(serial, redeemer.address);
  const hint = await registry.runStartOf(batch.batchId, serial);
  await registry.connect(redeemer).redeem(batch.batchId, serial, hint, sigR, sigVs, proof);
}

/**
 * Activates the lot `[start, end)` of `batchId` as `holder` (registry v2: one call, whatever runs
 * it spans): the one place escrow tests activate, so a change of the registry's call is a change here only.
 */
export async function activateCards(
  registry: VoucherRegistry,
  holder: HardhatEthersSigner,
  batchId: bigint,
  start: number,
  end: number,
): Promise<void> {
  await registry.connect(holder).activateLot(batchId, start, end, await lotHint(registry, batchId, start));
}
