import { stringToHex } from "viem";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { DAY, DISPUTE_TIMEOUT, deployEscrow } from "./escrowFixture.js";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

export type ActivityFixture = Awaited<ReturnType<typeof deployIndexerFixture>>;

type NetworkHelpersLike = { time: { increase(seconds: number): Promise<unknown> } };

/**
 * The escrow fixture (registry, batch 1 of 300 real cards, escrow, stablecoin) with a redeemer
 * named for batch 1: the chain the indexer tests mirror.
 */
export async function deployIndexerFixture(ethers: HardhatEthers) {
  const base = await deployEscrow(ethers);
  await base.registry.connect(base.supplier).setRedeemer(base.batch.batchId, base.redeemer.address, true);
  return base;
}

/**
 * Emits every event kind the indexer derives: orders confirmed, rejected, resolved after a dispute
 * and released after the window; a protection-fund payout, a withdrawal, fee collection and a new
 * policy; lot transfers, an activation, single and batched redemptions, a revocation, approvals
 * and a second batch that requires activation.
 */
export async function runFullLifecycle(f: ActivityFixture, networkHelpers: NetworkHelpersLike) {
  const { registry, escrow, batch, supplier, buyer, otherBuyer, arbiter, redeemer, issuer, admin } = f;
  const batchId = batch.batchId;
  const hint = lotHintOf(f, batchId);

  const confirmed = await f.orderFor({ quantity: 20 });
  await escrow.connect(buyer).open(confirmed);
  await escrow.connect(supplier).fulfill(confirmed, 0, await hint(0));
  await escrow.connect(buyer).confirm(confirmed);

  const rejected = await f.orderFor({ buyer: otherBuyer.address, quantity: 5 });
  await escrow.connect(otherBuyer).open(rejected);
  await escrow.connect(supplier).reject(rejected);

  const disputed = await f.orderFor({ quantity: 10 });
  await escrow.connect(buyer).open(disputed);
  await escrow.connect(supplier).fulfill(disputed, 20, await hint(20));
  await escrow.connect(buyer).dispute(disputed, stringToHex("cards did not work", { size: 32 }));
  await escrow.connect(arbiter).resolve(disputed, 4_000);

  const released = await f.orderFor({ buyer: otherBuyer.address, quantity: 10 });
  await escrow.connect(otherBuyer).open(released);
  await escrow.connect(supplier).fulfill(released, 30, await hint(30));
  await networkHelpers.time.increase(DAY + 1);
  await escrow.connect(otherBuyer).release(released);

  await escrow.connect(arbiter).payFromFund(f.token, buyer.address, 1_000n, stringToHex("case-1", { size: 32 }));
  await escrow.connect(supplier).withdraw(f.token);
  await escrow.collectFees(f.token);
  await escrow.connect(admin).setPolicy(arbiter.address, 150, 3_000, DISPUTE_TIMEOUT, 10_000);

  await registry.connect(buyer).transferLot(batchId, buyer.address, otherBuyer.address, 0, 5, 0);
  await registry.connect(otherBuyer).activateLot(batchId, 0, 3, 0);
  const one = await batch.redemptionOf(1, redeemer.address);
  await registry.connect(redeemer).redeem(batchId, 1, 0, one.sigR, one.sigVs, one.proof);
  const two = await batch.redemptionOf(2, redeemer.address);
  const four = await batch.redemptionOf(4, redeemer.address);
  await registry.connect(redeemer).redeemMany(batchId, [
    { serial: 2, hint: 0, ...two },
    { serial: 4, hint: 3, ...four },
  ]);
  await registry.connect(issuer).revokeLot(batchId, 200, 250, await hint(200), 1);
  await registry.connect(buyer).setApprovalForBatch(batchId, f.operator.address, true);
  await registry.connect(otherBuyer).setApprovalForAll(f.operator.address, true);

  const second = f.prepareBatch(2, { count: 1_000, activationRequired: true });
  await registry.connect(issuer).issueBatch(second.batchId, second.params);
  await registry
    .connect(issuer)
    .transferLot(second.batchId, issuer.address, buyer.address, 100, 400, await lotHintOf(f, second.batchId)(100));
  return { secondBatchId: makeBatchId(1, 2) };
}

/**
 * The hint a lot operation starting at `start` takes (registry v2): 0 for `start == 0`, else the
 * start of the run containing `start - 1`, read from the chain (not from the indexer under test).
 */
export function lotHintOf(f: Pick<ActivityFixture, "registry">, batchId: bigint) {
  return async (start: number) => (start === 0 ? 0 : Number(await f.registry.runStartOf(batchId, start - 1)));
}

/** A small deterministic PRNG (mulberry32), so a failing random sequence can be replayed. */
export function createRng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const Status = { Active: 1n, Inactive: 2n };

/**
 * Random valid custody actions on batch 1, one transaction each: lot transfers between the
 * issuer, distributor and retailer (which merge runs when equal neighbours touch), activations,
 * redemptions and revocations. Inputs come from the chain's own views (`lookupStatus`, `runAt`,
 * `runStartOf`), not from the indexer under test.
 */
export function createRandomActivity(f: ActivityFixture, seed: number) {
  const rng = createRng(seed);
  const { registry, batch, issuer, redeemer } = f;
  const batchId = batch.batchId;
  const people: HardhatEthersSigner[] = [f.issuer, f.buyer, f.otherBuyer];
  const lotHint = lotHintOf(f, batchId);

  return {
    /** Sends one random action; returns what it did (for failure messages). */
    async step(): Promise<string> {
      for (let tries = 0; tries < 20; tries++) {
        const serial = rng.int(Number(batch.params.count));
        const [status, holder, runStart] = await registry.lookupStatus(batchId, serial);
        const run = await registry.runAt(batchId, runStart);
        const end = Number(run.end);
        const start = Number(runStart);
        const revoked = (Number(run.flags) & 2) !== 0;
        const activated = (Number(run.flags) & 1) !== 0;
        const owner = people.find((p) => p.address === holder);
        const roll = rng.next();
        if (roll < 0.5 && owner !== undefined && !revoked) {
          const lotStart = start + rng.int(end - start);
          const lotEnd = lotStart + 1 + rng.int(Math.min(20, end - lotStart));
          const to = people.filter((p) => p !== owner)[rng.int(2)]!;
          await registry
            .connect(owner)
            .transferLot(batchId, owner.address, to.address, lotStart, lotEnd, await lotHint(lotStart));
          return `transfer [${lotStart}, ${lotEnd}) to ${to.address}`;
        }
        if (roll < 0.65 && owner !== undefined && !revoked && !activated) {
          const lotEnd = start + 1 + rng.int(Math.min(10, end - start));
          await registry.connect(owner).activateLot(batchId, start, lotEnd, await lotHint(start));
          return `activate [${start}, ${lotEnd})`;
        }
        if (roll < 0.9 && (status === Status.Active || status === Status.Inactive) && !revoked) {
          if (await registry.isRedeemed(batchId, serial)) continue;
          const { sigR, sigVs, proof } = await batch.redemptionOf(serial, redeemer.address);
          await registry.connect(redeemer).redeem(batchId, serial, start, sigR, sigVs, proof);
          return `redeem ${serial}`;
        }
        if (!revoked) {
          const lotEnd = serial + 1 + rng.int(Math.min(5, end - serial));
          await registry.connect(issuer).revokeLot(batchId, serial, lotEnd, await lotHint(serial), 1 + rng.int(3));
          return `revoke [${serial}, ${lotEnd})`;
        }
      }
      await registry.connect(issuer).setApprovalForBatch(batchId, f.operator.address, rng.next() < 0.5);
      return "approval";
    },
  };
}
