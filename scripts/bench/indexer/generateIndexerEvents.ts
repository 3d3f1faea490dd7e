import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { encodeFunctionData, toHex, type Address, type Hex } from "viem";

import { makeBatchId } from "../../lib/batchId.js";
import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { placeholderParams, prepareBenchBatch, seconds } from "../lib/prepareBenchBatch.js";
import type { ChainDriver, RawTransaction } from "./createChainDriver.js";
import { API_BATCH_CARDS, ORDER_QUANTITY, REDEMPTIONS_PER_TX, type EventPlan } from "./planEvents.js";

/** Gas limits: explicit, so nothing is estimated; each well above what the call uses. */
const GAS = { transferLot: 200_000, redeemMany: 16_700_000, open: 300_000, fulfill: 300_000, confirm: 200_000 };
const UNIT_PRICE = 4_750_000n; // 4.75 units of a 6-decimal stablecoin
const DAY = 86_400;
/** Cards of the batch live-lag blocks transfer from, one card per block. */
const LIVE_BATCH_CARDS = 10_000;

/** The chain the benchmark indexes, and what generating it took. */
export type GeneratedChain = {
  registry: Address;
  escrow: Address;
  /** Block the registry was deployed in: the indexer's start block. */
  startBlock: number;
  headBlock: number;
  plan: EventPlan;
  /** Followed events in total: setup (deployments, issuance, roles) plus the plan's. */
  events: number;
  setupEvents: number;
  /** Blocks and transactions of the bulk generation (automine off). */
  blocks: number;
  transactions: number;
  /** Wall time of the whole generation, setup and Merkle tree included (not part of any indexer figure). */
  seconds: number;
  apiBatch: { batchId: bigint; count: number };
  /** A batch for live-lag blocks: `nextSerial` is the front of the issuer's stock. */
  liveBatch: { batchId: bigint; nextSerial: number; count: number };
  actors: { issuer: Address; buyer: Address; otherBuyer: Address };
};

/**
 * Builds a local chain with `plan.events` followed events (plus a few dozen from setup): a
 * registry and an escrow with a 6-decimal stablecoin; a 1,000,000-card batch (placeholder root)
 * whose custody is split into runs by `plan.transfers` lot transfers; a batch with real codes and
 * a real Merkle tree whose `plan.redemptions` cards are redeemed by `redeemMany`, 500 per
 * transaction, with real proofs; `plan.orders` escrow orders opened, fulfilled and confirmed.
 *
 * @dev Setup runs with automine on through ethers; the bulk is queued with automine off as
 *      pre-encoded `eth_sendTransaction`s and mined many to a block (`evm_mine`, 60M block gas).
 *      Nothing is assumed to have succeeded: each batch's on-chain `seq` (one per hash-chain
 *      link) and the supplier's escrow credit are checked against the plan afterwards. Empty
 *      blocks mined last put every event below the indexer's reorg window, as in a backfill of
 *      history (the live-lag measure covers blocks near the head).
 */
export async function generateIndexerEvents(
  {
    ethers,
    driver,
    plan,
    finalityDepth,
  }: {
    ethers: HardhatEthers;
    driver: ChainDriver;
    plan: EventPlan;
    /** `finalityDepth + 1` empty blocks are mined last, so the indexer takes every event's block as final. */
    finalityDepth: number;
  },
  log: (line: string) => void,
): Promise<GeneratedChain> {
  const started = performance.now();
  const signers = await ethers.getSigners();
  const [admin, pauser, issuer, buyer, otherBuyer, redeemer, arbiter, feeRecipient] = signers;
  if (feeRecipient === undefined) throw new Error("the benchmark chain needs at least 8 accounts");
  const addressOf = (signer: { address: string }) => signer.address as Address;

  // ---------------------------------------------------------------- setup (automine on)
  const registry = await ethers.deployContract("VoucherRegistry", [admin!.address, pauser!.address]);
  const startBlock = (await registry.deploymentTransaction()!.wait())!.blockNumber;
  const registryAddress = (await registry.getAddress()).toLowerCase() as Address;
  await (await registry.connect(admin).registerIssuer(issuer!.address, ethers.id("cardproof-bench/issuer"))).wait();
  const [issuerId] = await registry.issuerOf(issuer!.address);
  const token = await ethers.deployContract("MockStablecoin", ["Bench USD", "bUSD"]);
  const tokenAddress = (await token.getAddress()) as Address;
  const escrow = await ethers.deployContract("SettlementEscrow", [
    registryAddress,
    admin!.address,
    pauser!.address,
    arbiter!.address,
    100,
    2_000,
    feeRecipient.address,
  ]);
  const escrowAddress = (await escrow.getAddress()).toLowerCase() as Address;
  await (await escrow.connect(admin).setTokenAllowed(tokenAddress, true)).wait();

  const chainId = (await ethers.provider.getNetwork()).chainId;
  const batchIds = {
    api: makeBatchId(issuerId, 1),
    redeem: makeBatchId(issuerId, 2),
    orders: makeBatchId(issuerId, 3),
    live: makeBatchId(issuerId, 4),
  };
  const redeemBatch = prepareBenchBatch(
    {
      chainId,
      registry: registryAddress,
      batchId: batchIds.redeem,
      count: Math.max(1, plan.redemptions),
      activationRequired: false,
    },
    log,
  );
  const asIssuer = registry.connect(issuer);
  const ordersCards = plan.orders * ORDER_QUANTITY;
  for (const [batchId, params] of [
    [batchIds.api, placeholderParams(batchIds.api, API_BATCH_CARDS, false)],
    [batchIds.redeem, redeemBatch.params],
    [batchIds.orders, placeholderParams(batchIds.orders, ordersCards, false)],
    [batchIds.live, placeholderParams(batchIds.live, LIVE_BATCH_CARDS, false)],
  ] as const) {
    await (await asIssuer.issueBatch(batchId, params)).wait();
  }
  await (await asIssuer.setRedeemer(batchIds.redeem, redeemer!.address, true)).wait();
  await (await asIssuer.setApprovalForAll(escrowAddress, true)).wait();
  const funds = UNIT_PRICE * BigInt(ORDER_QUANTITY * plan.orders);
  for (const account of [buyer!, otherBuyer!]) {
    await (await token.mint(account.address, funds)).wait();
    await (await token.connect(account).approve(escrowAddress, funds)).wait();
  }
  const setupEnd = await driver.blockNumber();
  const setupLogs = await driver.rpc<unknown[]>("eth_getLogs", [
    { address: [registryAddress, escrowAddress], fromBlock: toHex(startBlock), toBlock: toHex(setupEnd) },
  ]);
  log(`setup: contracts and 4 batches in blocks ${startBlock}-${setupEnd} (${setupLogs.length} events)`);

  // ---------------------------------------------------------------- bulk (automine off)
  const from = { issuer: addressOf(issuer!), redeemer: addressOf(redeemer!) };
  const buyers = [addressOf(buyer!), addressOf(otherBuyer!)];
  const registryCall = (sender: Address, gas: number, data: Hex): RawTransaction => ({
    from: sender,
    to: registryAddress,
    data,
    gas,
  });
  let transactions = 0;
  let blocks = 0;
  const sendAll = async (label: string, txs: Iterable<RawTransaction>) => {
    const sending = performance.now();
    let sent = 0;
    for (const tx of txs) {
      await driver.send(tx);
      sent++;
    }
    const sendTime = seconds(sending);
    const mining = performance.now();
    const mined = await driver.mineAll();
    transactions += sent;
    blocks += mined;
    log(`${label}: ${sent} transactions sent in ${sendTime}, mined in ${mined} blocks in ${seconds(mining)}`);
  };

  // Card signatures are made before the blocks are filled: each needs its card key derived and an
  // EIP-712 signature, work the chain never sees.
  const signedRedemptions: { serial: number; hint: number; sigR: Hex; sigVs: Hex; proof: Hex[] }[] = [];
  for (let serial = 0; serial < plan.redemptions; serial++) {
    const { sigR, sigVs, proof } = await redeemBatch.redemptionOf(serial, from.redeemer);
    signedRedemptions.push({ serial, hint: 0, sigR, sigVs, proof: proof as Hex[] });
  }

  await driver.setAutomine(false);
  try {
    // Lots [i * stride, i * stride + half) of the 1M-card batch, each from the front of the issuer's
    // stock, whose run starts where the previous lot ended: two runs per transfer.
    const stride = Math.floor(API_BATCH_CARDS / plan.transfers);
    const half = Math.max(1, Math.floor(stride / 2));
    function* transfers() {
      for (let i = 0; i < plan.transfers; i++) {
        const start = i * stride;
        const hint = i === 0 ? 0 : (i - 1) * stride + half;
        yield registryCall(
          from.issuer,
          GAS.transferLot,
          encodeFunctionData({
            abi: voucherRegistryAbi,
            functionName: "transferLot",
            args: [batchIds.api, from.issuer, buyers[i % 2]!, start, start + half, hint],
          }),
        );
      }
    }
    function* redemptions() {
      for (let first = 0; first < plan.redemptions; first += REDEMPTIONS_PER_TX) {
        const items = signedRedemptions.slice(first, first + REDEMPTIONS_PER_TX);
        yield registryCall(
          from.redeemer,
          GAS.redeemMany,
          encodeFunctionData({ abi: voucherRegistryAbi, functionName: "redeemMany", args: [batchIds.redeem, items] }),
        );
      }
    }
    await sendAll(
      `${plan.transfers} lot transfers and ${plan.redemptions} redemptions`,
      interleave(transfers(), plan.transfers, redemptions(), Math.ceil(plan.redemptions / REDEMPTIONS_PER_TX)),
    );

    const now = Number((await ethers.provider.getBlock("latest"))!.timestamp);
    const [policyId] = await escrow.currentPolicy();
    const orders = Array.from({ length: plan.orders }, (_, k) => ({
      buyer: buyers[k % 2]!,
      supplier: from.issuer,
      token: tokenAddress,
      batchId: batchIds.orders,
      quantity: ORDER_QUANTITY,
      unitPrice: UNIT_PRICE,
      fulfilDeadline: now + 30 * DAY,
      challengeWindow: DAY,
      minValidity: 0,
      acceptActivated: false,
      policyId: Number(policyId),
      buyerRef: toHex(`PO-${k}`, { size: 32 }),
      salt: toHex(k, { size: 32 }),
    }));
    const escrowCall = (sender: Address, gas: number, data: Hex): RawTransaction => ({
      from: sender,
      to: escrowAddress,
      data,
      gas,
    });
    // Three phases, each mined before the next: a block orders different senders' transactions freely.
    await sendAll(
      `${plan.orders} escrow opens`,
      orders.map((order) =>
        escrowCall(
          order.buyer,
          GAS.open,
          encodeFunctionData({ abi: settlementEscrowAbi, functionName: "open", args: [order] }),
        ),
      ),
    );
    await sendAll(
      `${plan.orders} escrow fulfils`,
      orders.map((order, k) =>
        escrowCall(
          from.issuer,
          GAS.fulfill,
          encodeFunctionData({
            abi: settlementEscrowAbi,
            functionName: "fulfill",
            // Lot hint: the run holding the card before the lot, i.e. the previous order's lot
            // (buyers alternate, so neighbouring lots never merge).
            args: [order, k * ORDER_QUANTITY, k === 0 ? 0 : (k - 1) * ORDER_QUANTITY],
          }),
        ),
      ),
    );
    await sendAll(
      `${plan.orders} escrow confirms`,
      orders.map((order) =>
        escrowCall(
          order.buyer,
          GAS.confirm,
          encodeFunctionData({ abi: settlementEscrowAbi, functionName: "confirm", args: [order] }),
        ),
      ),
    );
  } finally {
    await driver.setAutomine(true);
  }

  // ---------------------------------------------------------------- check against the plan
  const expectSeq = async (name: string, batchId: bigint, seq: number) => {
    const actual = Number((await registry.batchOf(batchId)).seq);
    if (actual !== seq) {
      throw new Error(`generation failed: batch ${name} has seq ${actual}, expected ${seq} (a transaction reverted)`);
    }
  };
  await expectSeq("api", batchIds.api, 1 + plan.transfers);
  await expectSeq("redeem", batchIds.redeem, 2 + plan.redemptions);
  await expectSeq("orders", batchIds.orders, 1 + plan.orders);
  const credit = await escrow.creditOf(from.issuer, tokenAddress);
  const perOrder = UNIT_PRICE * BigInt(ORDER_QUANTITY);
  const expected = BigInt(plan.orders) * (perOrder - (perOrder * 100n) / 10_000n);
  if (credit !== expected) {
    throw new Error(`generation failed: supplier credit ${credit}, expected ${expected} (an escrow call reverted)`);
  }

  // History, as a backfill meets it: every block with events is below the reorg window.
  for (let i = 0; i <= finalityDepth; i++) await driver.mineBlock();
  const headBlock = await driver.blockNumber();
  log(
    `generated ${plan.events + setupLogs.length} events in ${blocks} blocks (head ${headBlock}) in ${seconds(started)}`,
  );
  return {
    registry: registryAddress,
    escrow: escrowAddress,
    startBlock,
    headBlock,
    plan,
    events: plan.events + setupLogs.length,
    setupEvents: setupLogs.length,
    blocks,
    transactions,
    seconds: (performance.now() - started) / 1000,
    apiBatch: { batchId: batchIds.api, count: API_BATCH_CARDS },
    liveBatch: { batchId: batchIds.live, nextSerial: 0, count: LIVE_BATCH_CARDS },
    actors: { issuer: from.issuer, buyer: buyers[0]!, otherBuyer: buyers[1]! },
  };
}

/** Merges two lazy sequences of known lengths in proportion, so blocks mix both kinds. */
function* interleave<T>(a: Iterator<T>, aCount: number, b: Iterator<T>, bCount: number): Generator<T> {
  let taken = { a: 0, b: 0 };
  while (taken.a < aCount || taken.b < bCount) {
    const fromA = taken.b >= bCount || (taken.a < aCount && taken.a * bCount <= taken.b * aCount);
    const next = fromA ? a.next() : b.next();
    if (next.done) throw new Error("interleave: a sequence ended early");
    taken = fromA ? { ...taken, a: taken.a + 1 } : { ...taken, b: taken.b + 1 };
    yield next.value;
  }
}
