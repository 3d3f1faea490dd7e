import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Signature } from "ethers";

import type { ISettlementEscrow, MockStablecoin, SettlementEscrow } from "../../../types/ethers-contracts/index.js";
import type { BenchContext } from "../createBenchContext.js";
import { gasRow, gasUsedBy, type GasRow } from "../lib/gasRow.js";
import { placeholderParams } from "../lib/prepareBenchBatch.js";

/** Target: one order's open (approve path) + fulfil + release, summed. */
export const ORDER_ROUND_TRIP_TARGET = 250_000;

const BATCH_SIZE = 1_000_000;
const LOT_SIZES = [1, 10_000] as const;
/** 1% fee, 20% of it to the protection fund: realistic non-zero settlement splits. */
const FEE_BPS = 100;
const FUND_SHARE_BPS = 2_000;
const UNIT_PRICE = 4_750_000n; // 4.75 USDC (6 decimals)
const CHALLENGE_WINDOW = 86_400;
const FULFIL_PERIOD = 7 * 86_400;
/** Policy 1's dispute timeout (the escrow's DEFAULT_DISPUTE_TIMEOUT). */
const DISPUTE_TIMEOUT = 14 * 86_400;

/**
 * Every SettlementEscrow transition on one escrow, in the state it meets in the field: the escrow
 * already holds other buyers' money (its token balance slot is non-zero), the supplier is the
 * batch's issuer selling from the front of its untouched stock with the escrow as approved operator.
 * Side by side, the unsafe two-step the escrow replaces: a plain ERC-20 transfer and a separate
 * `transferLot`.
 *
 * @dev Which credit slots a settlement finds empty changes its gas by 17,100 (a new slot costs
 *      22,100, a rewrite 5,000), so rows say which case they measure.
 */
export async function measureSettlement(ctx: BenchContext): Promise<GasRow[]> {
  const { ethers, registry, issuer: supplier, distributor: buyer, retailer: otherBuyer } = ctx;
  const signers = await ethers.getSigners();
  const [admin, pauser] = signers;
  const arbiter = signers[7];
  const feeRecipient = signers[8];
  if (admin === undefined || pauser === undefined || arbiter === undefined || feeRecipient === undefined) {
    throw new Error("the benchmark chain needs at least 9 accounts");
  }
  const usdc = (await ethers.deployContract("MockStablecoin", ["Bench USD", "bUSD"])) as unknown as MockStablecoin;
  const escrow = (await ethers.deployContract("SettlementEscrow", [
    ctx.registryAddress,
    admin.address,
    pauser.address,
    arbiter.address,
    FEE_BPS,
    FUND_SHARE_BPS,
    feeRecipient.address,
  ])) as unknown as SettlementEscrow;
  const escrowAddress = await escrow.getAddress();
  const token = await usdc.getAddress();
  await gasUsedBy(escrow.connect(admin).setTokenAllowed(token, true));
  await gasUsedBy(registry.connect(supplier).setApprovalForAll(escrowAddress, true));
  // Buyers let the escrow give disputed cards back for them (returnCards).
  for (const account of [buyer, otherBuyer]) {
    await gasUsedBy(usdc.mint(account.address, 10n ** 15n));
    await gasUsedBy(registry.connect(account).setApprovalForAll(escrowAddress, true));
  }

  const batchId = ctx.batchIdOf(300);
  await ctx.issue(batchId, placeholderParams(batchId, BATCH_SIZE, false));
  let stockStart = 0;
  let salt = 0;
  const now = async () => (await ethers.provider.getBlock("latest"))!.timestamp;
  const travel = async (seconds: number) => {
    await ethers.provider.send("evm_increaseTime", [seconds]);
    await ethers.provider.send("evm_mine", []);
  };
  const [policyId] = await escrow.currentPolicy();
  const orderFor = async (from: HardhatEthersSigner, quantity: number): Promise<ISettlementEscrow.OrderStruct> => ({
    buyer: from.address,
    supplier: supplier.address,
    token,
    batchId,
    quantity,
    unitPrice: UNIT_PRICE,
    fulfilDeadline: (await now()) + FULFIL_PERIOD,
    challengeWindow: CHALLENGE_WINDOW,
    minValidity: 0,
    acceptActivated: false,
    policyId,
    buyerRef: ethers.id(`cardproof-bench/po/${salt}`),
    salt: ethers.zeroPadValue(ethers.toBeHex(++salt), 32),
  });
  /** Approve-path open: the buyer approves exactly the order's amount, then opens. */
  const openApproved = async (from: HardhatEthersSigner, quantity: number) => {
    const order = await orderFor(from, quantity);
    const approveGas = await gasUsedBy(usdc.connect(from).approve(escrowAddress, UNIT_PRICE * BigInt(quantity)));
    const openGas = await gasUsedBy(escrow.connect(from).open(order));
    return { order, approveGas, openGas };
  };
  const openPermitted = async (from: HardhatEthersSigner, quantity: number) => {
    const order = await orderFor(from, quantity);
    const value = UNIT_PRICE * BigInt(quantity);
    const deadline = (await now()) + 3_600;
    const signature = Signature.from(
      await from.signTypedData(
        { name: "Bench USD", version: "1", chainId: ctx.chainId, verifyingContract: token },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: from.address, spender: escrowAddress, value, nonce: await usdc.nonces(from.address), deadline },
      ),
    );
    const openGas = await gasUsedBy(
      escrow.connect(from).openWithPermit(order, deadline, signature.v, signature.r, signature.s),
    );
    return { order, openGas };
  };
  /** A lot hint (registry v2): the start of the run holding the card before the lot. */
  const lotHint = async (start: number) => (start === 0 ? 0 : Number(await registry.runStartOf(batchId, start - 1)));
  const fulfil = async (order: ISettlementEscrow.OrderStruct) => {
    const gas = await gasUsedBy(escrow.connect(supplier).fulfill(order, stockStart, await lotHint(stockStart)));
    stockStart += Number(order.quantity);
    return gas;
  };

  // The field's steady state: the escrow holds other buyers' money and has settled orders before
  // (its token balance and the token's fee pool are non-zero).
  const warmUp = await openApproved(otherBuyer, 1);
  await fulfil(warmUp.order);
  await gasUsedBy(escrow.connect(otherBuyer).confirm(warmUp.order));
  await gasUsedBy(escrow.connect(supplier).withdraw(token));
  await openApproved(otherBuyer, 1);

  const rows: GasRow[] = [];
  const row = (
    key: string,
    operation: string,
    shape: string,
    gas: number,
    extra: { size?: number; target?: number; note?: string; hotPath?: boolean } = {},
  ) =>
    rows.push(
      gasRow({
        key: `escrow/${key}`,
        operation,
        shape,
        size: extra.size ?? 1,
        gas,
        source: "receipt",
        hotPath: extra.hotPath ?? true,
        ...(extra.target === undefined ? {} : { target: extra.target }),
        ...(extra.note === undefined ? {} : { note: extra.note }),
      }),
    );

  // Round trip 1: approve-path open, fulfil 1 card, release after the window (supplier's first credit).
  const first = await openApproved(buyer, 1);
  row("open/approve", "open", "approve path, exact allowance (1 new order slot)", first.openGas, {
    note: `approve before it: ${first.approveGas.toLocaleString("en-US")}`,
  });
  const fulfilOne = await fulfil(first.order);
  await travel(CHALLENGE_WINDOW);
  const releaseNew = await gasUsedBy(escrow.connect(otherBuyer).release(first.order));

  // Round trip 2: fulfil 10,000 cards, release again (the supplier's credit slot is now non-zero).
  const second = await openApproved(buyer, LOT_SIZES[1]);
  const fulfilMany = await fulfil(second.order);
  await travel(CHALLENGE_WINDOW);
  const releaseUsed = await gasUsedBy(escrow.connect(otherBuyer).release(second.order));

  row(
    `fulfill/${LOT_SIZES[0]}`,
    "fulfill",
    "front of the supplier's stock, checked unredeemed and inactive",
    fulfilOne,
    {
      size: LOT_SIZES[0],
    },
  );
  row(
    `fulfill/${LOT_SIZES[1]}`,
    "fulfill",
    "front of the supplier's stock, checked unredeemed and inactive",
    fulfilMany,
    {
      size: LOT_SIZES[1],
      note: `${(fulfilMany / fulfilOne).toFixed(3)}x the 1-card lot`,
    },
  );
  row("release/new-credit", "release", "after the window, supplier's first credit (new slot)", releaseNew);
  row("release/used-credit", "release", "after the window, supplier already credited", releaseUsed);

  // Permit path, then confirm (early release by the buyer).
  const permitted = await openPermitted(buyer, 1);
  row("open/permit", "openWithPermit", "EIP-2612 permit in the same transaction", permitted.openGas, {
    note: "no separate approve transaction",
  });
  await fulfil(permitted.order);
  row(
    "confirm",
    "confirm",
    "buyer's early release, supplier already credited",
    await gasUsedBy(escrow.connect(buyer).confirm(permitted.order)),
  );

  // Dispute, then the arbiter splits 50/50.
  const disputed = await openApproved(buyer, 1);
  await fulfil(disputed.order);
  row(
    "dispute",
    "dispute",
    "inside the challenge window",
    await gasUsedBy(escrow.connect(buyer).dispute(disputed.order, ethers.id("cards did not work"))),
  );
  row(
    "resolve",
    "resolve",
    "50% to the buyer (first credit), 50% to the supplier",
    await gasUsedBy(escrow.connect(arbiter).resolve(disputed.order, 5_000)),
  );

  // Dispute of a 10-card lot: the buyer returns all of it, then the arbiter refunds it in full.
  const returned = await openApproved(buyer, 10);
  const returnedStart = stockStart;
  await fulfil(returned.order);
  await gasUsedBy(escrow.connect(buyer).dispute(returned.order, ethers.id("wrong cards")));
  row(
    "returnCards/10",
    "returnCards",
    "disputed 10-card lot back to the supplier through the registry, checked unredeemed",
    await gasUsedBy(
      escrow
        .connect(buyer)
        .returnCards(returned.order, returnedStart, returnedStart + 10, await lotHint(returnedStart)),
    ),
    { size: 10 },
  );
  row(
    "resolve/returned",
    "resolve",
    "100% to the buyer for 10 returned cards (buyer already credited)",
    await gasUsedBy(escrow.connect(arbiter).resolve(returned.order, 10_000)),
  );

  // A dispute nobody rules on ends by the policy's rule after its deadline.
  const timedOut = await openApproved(buyer, 1);
  await fulfil(timedOut.order);
  await gasUsedBy(escrow.connect(buyer).dispute(timedOut.order, ethers.id("no answer")));
  await travel(DISPUTE_TIMEOUT);
  row(
    "resolveExpiredDispute",
    "resolveExpiredDispute",
    "by a third party after the dispute deadline, nothing returned: all to the supplier",
    await gasUsedBy(escrow.connect(otherBuyer).resolveExpiredDispute(timedOut.order)),
  );

  // Refund of an order nobody fulfilled.
  const expired = await openApproved(buyer, 1);
  await travel(FULFIL_PERIOD + 1);
  row(
    "refundExpired",
    "refundExpired",
    "by a third party, buyer already credited",
    await gasUsedBy(escrow.connect(otherBuyer).refundExpired(expired.order)),
  );

  row("withdraw", "withdraw", "supplier's whole credit", await gasUsedBy(escrow.connect(supplier).withdraw(token)));

  const roundTrip = first.openGas + fulfilOne + releaseNew;
  row("round-trip", "open + fulfill + release", "approve path, 1 card, supplier's first credit", roundTrip, {
    target: ORDER_ROUND_TRIP_TARGET,
    hotPath: false,
    note: "sum of the three receipts above",
  });
  rows.at(-1)!.source = "sum of receipts";

  // The unsafe two-step the escrow replaces: pay first, then hope the lot comes. The supplier holds
  // no tokens yet, so the payment opens its balance slot, as the round trip's release opened its credit.
  const pay = await gasUsedBy(usdc.connect(buyer).transfer(supplier.address, UNIT_PRICE));
  const ship = await gasUsedBy(
    registry
      .connect(supplier)
      .transferLot(batchId, supplier.address, buyer.address, stockStart, stockStart + 1, await lotHint(stockStart)),
  );
  stockStart += 1;
  const twoStep = pay + ship;
  row("baseline/two-step", "ERC-20 transfer + transferLot", "unsafe two-step: no escrow, no refund", twoStep, {
    hotPath: false,
    note: `the escrow's round trip costs ${(roundTrip / twoStep).toFixed(2)}x (+${(roundTrip - twoStep).toLocaleString("en-US")})`,
  });
  rows.at(-1)!.source = "sum of receipts";
  return rows;
}
