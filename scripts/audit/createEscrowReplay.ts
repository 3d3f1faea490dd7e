import type { Hex } from "viem";

import { computeOrderId } from "../lib/orderId.js";
import { finding, type AuditFinding } from "./AuditFinding.js";
import type { AuditOrderTerms, EscrowEvent, LogPosition, RegistryEvent } from "./AuditEvent.js";
import { shareOf, splitFee } from "./splitFee.js";

/** `ISettlementEscrow.OrderStatus` names, in enum order. */
export const ORDER_STATUSES = ["None", "Open", "Fulfilled", "Disputed", "Released", "Resolved", "Refunded"] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

/** An escrow order as the replay of its events leaves it. */
export type ReplayOrder = {
  orderId: Hex;
  terms: AuditOrderTerms;
  /** `unitPrice * quantity`, as `OrderOpened` carries it. */
  amount: bigint;
  status: Exclude<OrderStatusName, "None">;
  lot: { start: number; end: number } | null;
  releaseAt: number | null;
  disputeReasonHash: Hex | null;
  /** Once disputed: until when the arbiter may rule; from then on the policy's timeout rule. */
  disputeDeadline: number | null;
  /** Delivered cards the buyer gave back through the registry. */
  returned: number;
  /** The lowest serial the buyer may still return (serials below were returned or passed over). */
  returnFrom: number | null;
  opened: LogPosition;
  /** Block of the order's last event. */
  updatedBlock: number;
};

/** A payee's withdrawable balance of one token; kept once credited, also at zero. */
export type ReplayCredit = { account: Hex; token: Hex; amount: bigint };
/** A token's protection fund and accrued platform fees. */
export type ReplayPool = { token: Hex; fund: bigint; fees: bigint };
export type ReplayPolicy = {
  policyId: number;
  arbiter: Hex;
  feeBps: number;
  fundShareBps: number;
  disputeTimeout: number;
  timeoutBuyerShareBps: number;
  setBlock: number;
};

type LotTransferred = Extract<RegistryEvent, { name: "LotTransferred" }>;

/** States in which an order's money is still held for it (neither settled nor refunded). */
const HELD = new Set<string>(["Open", "Fulfilled", "Disputed"]);

/**
 * The escrow's books, replayed from its events: order states, credits, the protection fund and
 * platform fees per token, policies, the token allowlist and the fee recipient. Settlement amounts
 * are recomputed from the order's amount and its policy (FeeSplit) and compared with the events';
 * an order's id is recomputed from its terms; a fulfilment must come with the registry's transfer
 * of the lot to the buyer in the same transaction. What cannot have happened is reported, as in
 * the registry's replay.
 */
export function createEscrowReplay(options: {
  chainId: bigint;
  escrow: Hex;
  report: (finding: AuditFinding) => void;
  /** Whether the registry's replay holds the batch. */
  isIssued: (batchId: bigint) => boolean;
  /** The registry's last `LotTransferred` (fulfilment's own comes right before `OrderFulfilled`). */
  lastTransfer: () => LotTransferred | undefined;
}) {
  const { chainId, escrow, report } = options;
  const orders = new Map<Hex, ReplayOrder>();
  const credits = new Map<string, ReplayCredit>();
  const pools = new Map<Hex, ReplayPool>();
  const policies = new Map<number, ReplayPolicy>();
  const tokens = new Map<Hex, boolean>();
  /** Tokens the escrow ever held or was told about: the balance invariant is checked for each. */
  const seenTokens = new Set<Hex>();
  let currentPolicyId = 0;
  let feeRecipient: Hex | null = null;
  /** Who pays out the protection fund: policy 0's arbiter, set by the constructor's `ArbiterReplaced`. */
  let fundArbiter: Hex | null = null;
  const ZERO = "0x0000000000000000000000000000000000000000";

  const at = (event: EscrowEvent) => ({ block: event.block, logIndex: event.logIndex, tx: event.tx });
  const conflict = (event: EscrowEvent, message: string, extra: Partial<AuditFinding> = {}) =>
    report(finding("replay-conflict", `${event.name} at block ${event.block}: ${message}`, { ...at(event), ...extra }));

  const credit = (account: Hex, token: Hex, delta: bigint) => {
    if (delta === 0n) return;
    const key = `${account}|${token}`;
    const entry = credits.get(key) ?? { account, token, amount: 0n };
    entry.amount += delta;
    credits.set(key, entry);
  };
  /** Moves a token's fund and fees; a pool exists once either changed, as a mirror keeps it. */
  const addToPool = (token: Hex, fund: bigint, fees: bigint) => {
    if (fund === 0n && fees === 0n) return;
    const entry = pools.get(token) ?? { token, fund: 0n, fees: 0n };
    entry.fund += fund;
    entry.fees += fees;
    pools.set(token, entry);
  };
  const poolOf = (token: Hex) => pools.get(token) ?? { token, fund: 0n, fees: 0n };

  /** Credits the supplier and the pool with `gross` split by the order's policy; checks the event's amounts. */
  function settle(
    event: EscrowEvent & { args: { supplierAmount: bigint; platformFee: bigint; fundFee: bigint } },
    order: ReplayOrder,
    gross: bigint,
  ) {
    const policy = policies.get(order.terms.policyId);
    const { supplierAmount, platformFee, fundFee } = event.args;
    if (policy === undefined) {
      conflict(event, `order ${order.orderId} names policy ${order.terms.policyId}, which was never set`, {
        orderId: order.orderId,
      });
    } else {
      const expected = splitFee(gross, policy.feeBps, policy.fundShareBps);
      if (expected.net !== supplierAmount || expected.platformFee !== platformFee || expected.fundFee !== fundFee) {
        report(
          finding(
            "settlement-mismatch",
            `order ${order.orderId}: ${event.name} pays ${supplierAmount} + fees ${platformFee}/${fundFee}, policy ${policy.policyId} gives ${expected.net} + ${expected.platformFee}/${expected.fundFee}`,
            {
              ...at(event),
              orderId: order.orderId,
              expected: { supplierAmount: expected.net, platformFee: expected.platformFee, fundFee: expected.fundFee },
              actual: { supplierAmount, platformFee, fundFee },
            },
          ),
        );
      }
    }
    // The books follow what the contract credited (the event), so later checks compare like with like.
    credit(order.terms.supplier, order.terms.token, supplierAmount);
    addToPool(order.terms.token, fundFee, platformFee);
  }

  /** The order `event` is about, in one of `from`; undefined (reported) otherwise. */
  function orderIn(event: EscrowEvent & { args: { orderId: Hex } }, from: readonly string[]): ReplayOrder | undefined {
    const order = orders.get(event.args.orderId);
    if (order === undefined) {
      conflict(event, `order ${event.args.orderId} was never opened`, { orderId: event.args.orderId });
      return undefined;
    }
    if (!from.includes(order.status)) {
      conflict(event, `order ${order.orderId} is ${order.status}, not ${from.join(" or ")}`, {
        orderId: order.orderId,
      });
    }
    return order;
  }

  function apply(event: EscrowEvent): void {
    switch (event.name) {
      case "OrderOpened": {
        const { orderId, buyer, supplier, order: terms, amount } = event.args;
        const computed = computeOrderId({ chainId, escrow, order: terms }).toLowerCase();
        if (computed !== orderId) {
          report(
            finding("order-id-mismatch", `OrderOpened at block ${event.block}: the terms hash to ${computed}`, {
              ...at(event),
              orderId,
              expected: computed,
              actual: orderId,
            }),
          );
        }
        if (orders.has(orderId)) conflict(event, `order ${orderId} opened twice`, { orderId });
        if (buyer !== terms.buyer || supplier !== terms.supplier) {
          conflict(event, "the indexed buyer or supplier differs from the terms", { orderId });
        }
        if (amount !== terms.unitPrice * BigInt(terms.quantity)) {
          conflict(event, `amount ${amount} is not unitPrice × quantity`, { orderId });
        }
        if (tokens.get(terms.token) !== true) conflict(event, `token ${terms.token} is not allowed`, { orderId });
        if (terms.policyId !== currentPolicyId) {
          conflict(event, `policy ${terms.policyId} is not the current one (${currentPolicyId})`, { orderId });
        }
        if (!options.isIssued(terms.batchId)) conflict(event, `batch ${terms.batchId} was never issued`, { orderId });
        seenTokens.add(terms.token);
        orders.set(orderId, {
          orderId,
          terms,
          amount,
          status: "Open",
          lot: null,
          releaseAt: null,
          disputeReasonHash: null,
          disputeDeadline: null,
          returned: 0,
          returnFrom: null,
          opened: {
            block: event.block,
            logIndex: event.logIndex,
            blockHash: event.blockHash,
            tx: event.tx,
            time: event.time,
          },
          updatedBlock: event.block,
        });
        return;
      }
      case "OrderFulfilled": {
        const order = orderIn(event, ["Open"]);
        if (order === undefined) return;
        const { start, end, releaseAt } = event.args;
        if (end - start !== order.terms.quantity) {
          conflict(event, `lot [${start}, ${end}) is not the ${order.terms.quantity} cards ordered`, {
            orderId: order.orderId,
          });
        }
        const transfer = options.lastTransfer();
        const delivered =
          transfer !== undefined &&
          transfer.tx === event.tx &&
          transfer.args.batchId === order.terms.batchId &&
          transfer.args.from === order.terms.supplier &&
          transfer.args.to === order.terms.buyer &&
          transfer.args.start === start &&
          transfer.args.end === end &&
          transfer.args.operator === escrow;
        if (!delivered) {
          report(
            finding(
              "delivery-mismatch",
              `order ${order.orderId} fulfilled at block ${event.block} without the registry moving [${start}, ${end}) of batch ${order.terms.batchId} from the supplier to the buyer in that transaction`,
              { ...at(event), orderId: order.orderId, batchId: order.terms.batchId.toString(), serial: start },
            ),
          );
        }
        Object.assign(order, { status: "Fulfilled", lot: { start, end }, releaseAt, updatedBlock: event.block });
        return;
      }
      case "OrderDisputed": {
        const order = orderIn(event, ["Fulfilled"]);
        if (order === undefined) return;
        const policy = policies.get(order.terms.policyId);
        if (policy !== undefined && event.time !== null && event.args.deadline !== event.time + policy.disputeTimeout) {
          conflict(
            event,
            `dispute deadline ${event.args.deadline} is not the dispute time plus policy ${policy.policyId}'s ${policy.disputeTimeout} s`,
            { orderId: order.orderId },
          );
        }
        Object.assign(order, {
          status: "Disputed",
          disputeReasonHash: event.args.reasonHash,
          disputeDeadline: event.args.deadline,
          returnFrom: order.lot?.start ?? null,
          updatedBlock: event.block,
        });
        return;
      }
      case "OrderCardsReturned": {
        const order = orderIn(event, ["Disputed"]);
        if (order === undefined) return;
        const { start, end, returned } = event.args;
        const lotEnd = order.lot?.end ?? 0;
        if (start < (order.returnFrom ?? lotEnd) || start >= end || end > lotEnd) {
          conflict(event, `returns [${start}, ${end}), outside what is left of the delivered lot`, {
            orderId: order.orderId,
          });
        }
        if (returned !== order.returned + (end - start)) {
          conflict(
            event,
            `says ${returned} cards are back, the earlier returns and this one make ${order.returned + (end - start)}`,
            {
              orderId: order.orderId,
            },
          );
        }
        const transfer = options.lastTransfer();
        const moved =
          transfer !== undefined &&
          transfer.tx === event.tx &&
          transfer.args.batchId === order.terms.batchId &&
          transfer.args.from === order.terms.buyer &&
          transfer.args.to === order.terms.supplier &&
          transfer.args.start === start &&
          transfer.args.end === end &&
          transfer.args.operator === escrow;
        if (!moved) {
          report(
            finding(
              "delivery-mismatch",
              `order ${order.orderId}: cards [${start}, ${end}) returned at block ${event.block} without the registry moving them from the buyer to the supplier in that transaction`,
              { ...at(event), orderId: order.orderId, batchId: order.terms.batchId.toString(), serial: start },
            ),
          );
        }
        Object.assign(order, { returned, returnFrom: end, updatedBlock: event.block });
        return;
      }
      case "OrderConfirmed":
      case "OrderReleased": {
        const order = orderIn(event, event.name === "OrderConfirmed" ? ["Fulfilled", "Disputed"] : ["Fulfilled"]);
        if (order === undefined) return;
        settle(event, order, order.amount);
        Object.assign(order, { status: "Released", updatedBlock: event.block });
        return;
      }
      case "OrderResolved": {
        const order = orderIn(event, ["Disputed"]);
        if (order === undefined) return;
        const { arbiter, buyerShareBps, buyerAmount } = event.args;
        const policy = policies.get(order.terms.policyId);
        const byRule = arbiter === ZERO;
        if (policy !== undefined && !byRule && policy.arbiter !== arbiter) {
          conflict(event, `resolved by ${arbiter}, not the policy's arbiter ${policy.arbiter}`, {
            orderId: order.orderId,
          });
        }
        if (policy !== undefined && byRule && buyerShareBps !== policy.timeoutBuyerShareBps) {
          conflict(
            event,
            `settled by the timeout rule at ${buyerShareBps} bps, policy ${policy.policyId} says ${policy.timeoutBuyerShareBps}`,
            {
              orderId: order.orderId,
            },
          );
        }
        const deadline = order.disputeDeadline;
        if (deadline !== null && event.time !== null && (byRule ? event.time < deadline : event.time >= deadline)) {
          conflict(
            event,
            `${byRule ? "settled by the timeout rule before" : "ruled by the arbiter after"} the dispute deadline ${deadline}`,
            {
              orderId: order.orderId,
            },
          );
        }
        // A refund of delivered cards is capped by the price of the cards that came back.
        const ruled = shareOf(order.amount, buyerShareBps);
        const returnedValue = order.terms.unitPrice * BigInt(order.returned);
        const expectedBuyer = ruled < returnedValue ? ruled : returnedValue;
        if (buyerShareBps > 10_000 || expectedBuyer !== buyerAmount) {
          report(
            finding(
              "settlement-mismatch",
              `order ${order.orderId}: the buyer's ${buyerShareBps} bps of ${order.amount} is ${expectedBuyer}, not ${buyerAmount}`,
              {
                ...at(event),
                orderId: order.orderId,
                expected: expectedBuyer,
                actual: buyerAmount,
              },
            ),
          );
        }
        credit(order.terms.buyer, order.terms.token, buyerAmount);
        settle(event, order, order.amount - buyerAmount);
        Object.assign(order, { status: "Resolved", updatedBlock: event.block });
        return;
      }
      case "OrderRefunded": {
        const order = orderIn(event, ["Open"]);
        if (order === undefined) return;
        const { buyer, amount } = event.args;
        if (buyer !== order.terms.buyer || amount !== order.amount) {
          conflict(event, `refunds ${amount} to ${buyer}, the order is ${order.amount} from ${order.terms.buyer}`, {
            orderId: order.orderId,
          });
        }
        credit(buyer, order.terms.token, amount);
        Object.assign(order, { status: "Refunded", updatedBlock: event.block });
        return;
      }
      case "Withdrawn": {
        const { account, token, amount } = event.args;
        const held = credits.get(`${account}|${token}`)?.amount ?? 0n;
        if (amount === 0n || amount !== held) {
          conflict(event, `${account} withdrew ${amount} of ${token}, its credit was ${held}`, { account, token });
        }
        credit(account, token, -amount);
        return;
      }
      case "ProtectionFundPaid": {
        const { token, to, amount, arbiter } = event.args;
        const fund = poolOf(token).fund;
        if (amount === 0n || amount > fund)
          conflict(event, `pays ${amount} of ${token} from a fund of ${fund}`, { token });
        if (fundArbiter !== null && fundArbiter !== arbiter) {
          conflict(event, `paid by ${arbiter}, not the fund's arbiter ${fundArbiter}`, {
            token,
            account: arbiter,
          });
        }
        addToPool(token, -amount, 0n);
        credit(to, token, amount);
        return;
      }
      case "FeesCollected": {
        const { token, recipient, amount } = event.args;
        const fees = poolOf(token).fees;
        if (amount === 0n || amount !== fees)
          conflict(event, `collects ${amount} of ${token}, the fees were ${fees}`, { token });
        if (feeRecipient !== null && recipient !== feeRecipient) {
          conflict(event, `paid to ${recipient}, not the fee recipient ${feeRecipient}`, { token, account: recipient });
        }
        addToPool(token, 0n, -amount);
        return;
      }
      case "PolicyUpdated": {
        const { policyId, arbiter, feeBps, fundShareBps, disputeTimeout, timeoutBuyerShareBps } = event.args;
        if (policyId !== currentPolicyId + 1) conflict(event, `policy ${policyId} follows policy ${currentPolicyId}`);
        if (feeBps > 500 || fundShareBps > 10_000 || timeoutBuyerShareBps > 10_000)
          conflict(
            event,
            `fee ${feeBps} bps / fund share ${fundShareBps} bps / timeout share ${timeoutBuyerShareBps} bps out of range`,
          );
        if (disputeTimeout < 86_400 || disputeTimeout > 90 * 86_400)
          conflict(event, `dispute timeout ${disputeTimeout} s out of range`);
        policies.set(policyId, {
          policyId,
          arbiter,
          feeBps,
          fundShareBps,
          disputeTimeout,
          timeoutBuyerShareBps,
          setBlock: event.block,
        });
        currentPolicyId = policyId;
        return;
      }
      case "ArbiterReplaced": {
        const { policyId, previous, arbiter } = event.args;
        if (policyId === 0) {
          if (previous !== (fundArbiter ?? ZERO))
            conflict(event, `replaces ${previous}, the fund's arbiter was ${fundArbiter}`);
          fundArbiter = arbiter;
          return;
        }
        const policy = policies.get(policyId);
        if (policy === undefined) {
          conflict(event, `replaces the arbiter of policy ${policyId}, which was never set`);
          return;
        }
        if (previous !== policy.arbiter)
          conflict(event, `replaces ${previous}, policy ${policyId}'s arbiter was ${policy.arbiter}`);
        policy.arbiter = arbiter;
        return;
      }
      case "TokenAllowlistUpdated":
        tokens.set(event.args.token, event.args.allowed);
        seenTokens.add(event.args.token);
        return;
      case "FeeRecipientUpdated":
        feeRecipient = event.args.recipient;
        return;
    }
  }

  return {
    orders,
    credits,
    pools,
    policies,
    tokens,
    seenTokens,
    apply,
    get currentPolicyId() {
      return currentPolicyId;
    },
    get feeRecipient() {
      return feeRecipient;
    },
    get fundArbiter() {
      return fundArbiter;
    },
    /** What the escrow must hold of `token`: orders not settled nor refunded, credits, fund and fees. */
    booksOf(token: Hex): { held: bigint; credits: bigint; fund: bigint; fees: bigint; total: bigint } {
      let held = 0n;
      for (const order of orders.values())
        if (order.terms.token === token && HELD.has(order.status)) held += order.amount;
      let credited = 0n;
      for (const entry of credits.values()) if (entry.token === token) credited += entry.amount;
      const { fund, fees } = poolOf(token);
      return { held, credits: credited, fund, fees, total: held + credited + fund + fees };
    },
  };
}

export type EscrowReplay = ReturnType<typeof createEscrowReplay>;
