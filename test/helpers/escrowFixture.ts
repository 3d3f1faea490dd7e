import { stringToHex, type Hex } from "viem";

import type { ISettlementEscrow } from "../../types/ethers-contracts/index.js";
import { deployRegistry } from "./registryFixture.js";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

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

  const batch = base.prepareBatch(1, { count: BATCH_COUNT });
  await registry.connect(supplier).issueBatch(batch.batchId, batch.params);
  await registry.connect(supplier).setApprovalForAll(escrowAddress, true);
  for (const account of [buyer, otherBuyer]) {
    await usdc.mint(account.address, BUYER_FUNDS);
    await usdc.connect(account).approve(escrowAddress, BUYER_FUNDS);
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
  };
}
