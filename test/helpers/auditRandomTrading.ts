import { stringToHex } from "viem";

import { createRandom } from "./createRandom.js";
import { DAY, OrderStatus, lotHint, type OrderTerms } from "./escrowFixture.js";
import { createRandomActivity, type ActivityFixture } from "./indexerActivity.js";

type NetworkHelpersLike = { time: { increase(seconds: number): Promise<unknown> } };

/**
 * Random valid trading on the indexer fixture for auditor property tests: the indexer tests'
 * random custody actions on batch 1 (transfers, activations, redemptions, revocations, approvals)
 * mixed with escrow orders taken through every path (open, fulfil, confirm, dispute and resolve,
 * release after the window, reject, refund after the deadline, cancel), withdrawals, fund payouts,
 * fee collection, policy changes and time jumps. Inputs come from the contracts' own views.
 */
export async function createAuditRandomTrading(f: ActivityFixture, networkHelpers: NetworkHelpersLike, seed: number) {
  const random = createRandom(seed);
  // Orders sell from their own batch, whose stock no random custody action touches.
  const stock = f.prepareBatch(4, { count: 3_000 });
  await f.registry.connect(f.issuer).issueBatch(stock.batchId, stock.params);
  const custody = createRandomActivity(f, seed ^ 0x5a5a_5a5a);
  const { registry, escrow, supplier, buyer, otherBuyer, arbiter, admin } = f;
  const orders: OrderTerms[] = [];
  const buyers = [buyer, otherBuyer];
  const payees = [supplier, buyer, otherBuyer];
  const stats = new Map<string, number>();
  const count = (what: string) => stats.set(what, (stats.get(what) ?? 0) + 1);

  async function statusOf(order: OrderTerms) {
    return (await escrow.orderStateOf(await f.orderIdOf(order))).status;
  }

  async function escrowStep(): Promise<string | undefined> {
    const roll = random.weighted({ open: 2, advance: 6, withdraw: 1, fund: 0.5, fees: 0.5, policy: 0.3, time: 0.6 });
    if (roll === "open") {
      const who = random.pick(buyers);
      const order = await f.orderFor({ buyer: who.address, batchId: stock.batchId, quantity: random.between(1, 6) });
      await escrow.connect(who).open(order);
      orders.push(order);
      return "open";
    }
    if (roll === "advance" && orders.length > 0) {
      const order = random.pick(orders);
      const status = await statusOf(order);
      const asBuyer = escrow.connect(buyers.find((b) => b.address === order.buyer)!);
      const now = await f.now();
      if (status === OrderStatus.Open) {
        if (now > order.fulfilDeadline) {
          await (random.chance(0.5) ? escrow.refundExpired(order) : asBuyer.cancel(order));
          return "refund after the deadline";
        }
        if (random.chance(0.2)) {
          await escrow.connect(supplier).reject(order);
          return "reject";
        }
        const { stockStart, count: cards } = await registry.batchOf(stock.batchId);
        const start = Number(stockStart);
        if (start + order.quantity > Number(cards)) return undefined;
        await escrow.connect(supplier).fulfill(order, start, await lotHint(registry, order.batchId, start));
        return "fulfil";
      }
      if (status === OrderStatus.Fulfilled) {
        const { releaseAt } = await escrow.orderStateOf(await f.orderIdOf(order));
        if (now >= Number(releaseAt)) {
          await escrow.release(order);
          return "release after the window";
        }
        if (random.chance(0.5)) {
          await asBuyer.dispute(order, stringToHex(`dispute ${orders.indexOf(order)}`, { size: 32 }));
          return "dispute";
        }
        await asBuyer.confirm(order);
        return "confirm";
      }
      if (status === OrderStatus.Disputed) {
        if (random.chance(0.3)) {
          await asBuyer.confirm(order);
          return "confirm a dispute";
        }
        const state = await escrow.orderStateOf(await f.orderIdOf(order));
        if (now >= Number(state.disputeDeadline)) {
          await escrow.resolveExpiredDispute(order);
          return "end a dispute by the policy's rule";
        }
        const lotEnd = Number(state.lotStart) + Number(order.quantity);
        if (Number(state.returnFrom) < lotEnd && random.chance(0.5)) {
          // Some of the cards back (passing over a few now and then), through the escrow.
          const start = Number(state.returnFrom) + (random.chance(0.3) ? 1 : 0);
          if (start >= lotEnd) return undefined;
          const end = start + random.between(1, lotEnd - start + 1);
          await asBuyer.returnCards(order, start, end, await lotHint(registry, order.batchId, start));
          return "return cards";
        }
        const policy = await escrow.policyOf(order.policyId);
        const judge = [arbiter, f.newArbiter].find((signer) => signer.address === policy.arbiter);
        if (judge === undefined) return undefined;
        await escrow.connect(judge).resolve(order, random.pick([0, 2_500, 3_333, 5_000, 10_000]));
        return "resolve";
      }
      return undefined;
    }
    if (roll === "withdraw") {
      const who = random.pick(payees);
      if ((await escrow.creditOf(who.address, f.token)) === 0n) return undefined;
      await escrow.connect(who).withdraw(f.token);
      return "withdraw";
    }
    if (roll === "fund") {
      const [fund] = await escrow.poolOf(f.token);
      const fundArbiter = await escrow.fundArbiter();
      const judge = [arbiter, f.newArbiter].find((signer) => signer.address === fundArbiter);
      if (fund === 0n || judge === undefined) return undefined;
      await escrow
        .connect(judge)
        .payFromFund(f.token, random.pick(payees).address, 1n + (fund - 1n) / 3n, stringToHex("case", { size: 32 }));
      return "pay from the fund";
    }
    if (roll === "fees") {
      const [, fees] = await escrow.poolOf(f.token);
      if (fees === 0n) return undefined;
      await escrow.collectFees(f.token);
      return "collect fees";
    }
    if (roll === "policy") {
      await escrow
        .connect(admin)
        .setPolicy(
          random.pick([arbiter, f.newArbiter]).address,
          random.between(0, 501),
          random.between(0, 10_001),
          random.pick([DAY, 14 * DAY]),
          random.pick([0, 5_000, 10_000]),
        );
      return "new policy";
    }
    await networkHelpers.time.increase(random.chance(0.9) ? random.pick([3_600, DAY + 1]) : 8 * DAY);
    return "time jump";
  }

  return {
    stats,
    /** One random valid action (a third of them custody, the rest escrow). */
    async step(): Promise<void> {
      if (random.chance(0.4)) {
        const what = await custody.step();
        count(what.split(" ")[0]!);
        return;
      }
      for (let tries = 0; tries < 5; tries++) {
        const what = await escrowStep();
        if (what !== undefined) {
          count(what);
          return;
        }
      }
    },
  };
}
