import type { Logger } from "../internal/createLogger.js";
import type { EventWriter } from "./createEventWriter.js";
import type { Row, StateJournal } from "./createStateJournal.js";
import type { StoredLog } from "./StoredLog.js";

type OrderRow = Row & { order_id: string; buyer: string; supplier: string; token: string; status: string };

/** What `deriveEscrowLog` writes through. */
export type EscrowDeriveContext = { journal: StateJournal; events: EventWriter; logger: Logger };

/** Status after each order event, as `ISettlementEscrow.OrderStatus` names it. */
const STATUS_AFTER: Record<string, string> = {
  OrderOpened: "Open",
  OrderFulfilled: "Fulfilled",
  OrderDisputed: "Disputed",
  OrderCardsReturned: "Disputed",
  OrderConfirmed: "Released",
  OrderReleased: "Released",
  OrderResolved: "Resolved",
  OrderRefunded: "Refunded",
};

const lower = (value: unknown) => String(value).toLowerCase();
const amount = (value: unknown) => BigInt(String(value));

/**
 * Applies one `SettlementEscrow` log to the derived tables: orders (with their full terms, which
 * every later escrow call takes back) and their transitions, credits per account and token, the
 * protection fund and accrued fees per token, policies and the token allowlist.
 *
 * @dev Balances follow the contract's own bookkeeping: a settlement credits the supplier with
 * `supplierAmount` and adds `platformFee` and `fundFee` to the token's pool; a resolution also
 * credits the buyer's share; a refund credits the buyer; `Withdrawn` empties a credit;
 * `ProtectionFundPaid` moves fund to a credit; `FeesCollected` empties the fees. A resolution by
 * the policy's timeout rule names the zero address as arbiter; `OrderCardsReturned` keeps the order
 * Disputed and counts the cards back; `ArbiterReplaced` rewrites a policy's arbiter.
 */
export function deriveEscrowLog(ctx: EscrowDeriveContext, log: StoredLog): void {
  const { journal, events, logger } = ctx;
  const args = log.args;
  const at = {
    block_number: log.blockNumber,
    log_index: log.logIndex,
    tx_hash: log.txHash,
    block_timestamp: log.blockTimestamp,
  };

  const credit = (account: string, token: string, delta: bigint) => {
    if (delta === 0n) return;
    const key = { account: lower(account), token: lower(token) };
    const current = journal.get<Row>("credits", key);
    const next = amount(current?.amount ?? "0") + delta;
    journal.put("credits", { ...key, amount: (next < 0n ? 0n : next).toString() });
  };
  const pool = (token: string, fundDelta: bigint, feesDelta: bigint) => {
    if (fundDelta === 0n && feesDelta === 0n) return;
    const current = journal.get<Row>("pools", { token: lower(token) });
    const fund = amount(current?.fund ?? "0") + fundDelta;
    const fees = amount(current?.fees ?? "0") + feesDelta;
    journal.put("pools", {
      token: lower(token),
      fund: (fund < 0n ? 0n : fund).toString(),
      fees: (fees < 0n ? 0n : fees).toString(),
    });
  };

  const eventName = log.eventName ?? "";
  const status = STATUS_AFTER[eventName];
  if (status !== undefined) {
    const orderId = lower(args.orderId);
    events.insert("order_events", {
      ...at,
      order_id: orderId,
      event_name: eventName,
      status,
      args_json: JSON.stringify(args),
    });
    if (eventName === "OrderOpened") {
      const order = args.order as Record<string, unknown>;
      journal.put("orders", {
        order_id: orderId,
        buyer: lower(order.buyer),
        supplier: lower(order.supplier),
        token: lower(order.token),
        batch_id: String(order.batchId),
        quantity: Number(order.quantity),
        unit_price: String(order.unitPrice),
        fulfil_deadline: Number(order.fulfilDeadline),
        challenge_window: Number(order.challengeWindow),
        policy_id: Number(order.policyId),
        buyer_ref: lower(order.buyerRef),
        salt: lower(order.salt),
        amount: String(args.amount),
        status,
        lot_start: null,
        lot_end: null,
        release_at: null,
        dispute_reason_hash: null,
        min_validity: Number(order.minValidity),
        accept_activated: order.acceptActivated === true ? 1 : 0,
        dispute_deadline: null,
        returned: 0,
        opened_block: log.blockNumber,
        opened_tx: log.txHash,
        updated_block: log.blockNumber,
      });
      return;
    }
    const order = journal.get<OrderRow>("orders", { order_id: orderId });
    if (order === undefined) {
      logger.warn("escrow event for an order the mirror does not hold; order not updated", {
        event: eventName,
        orderId,
        blockNumber: log.blockNumber,
        hint: "was CARDPROOF_START_BLOCK set after the order was opened?",
      });
      return;
    }
    const changes: Row = { status, updated_block: log.blockNumber };
    switch (eventName) {
      case "OrderFulfilled":
        Object.assign(changes, { lot_start: Number(args.start), lot_end: Number(args.end) });
        changes.release_at = Number(args.releaseAt);
        break;
      case "OrderDisputed":
        changes.dispute_reason_hash = lower(args.reasonHash);
        changes.dispute_deadline = Number(args.deadline);
        break;
      case "OrderCardsReturned":
        changes.returned = Number(args.returned);
        break;
      case "OrderResolved":
        credit(order.buyer, order.token, amount(args.buyerAmount));
        settle(order);
        break;
      case "OrderConfirmed":
      case "OrderReleased":
        settle(order);
        break;
      case "OrderRefunded":
        credit(order.buyer, order.token, amount(args.amount));
        break;
    }
    journal.put("orders", { ...order, ...changes });
    return;
  }

  function settle(order: OrderRow) {
    credit(order.supplier, order.token, amount(args.supplierAmount));
    const fundFee = amount(args.fundFee);
    pool(order.token, fundFee, amount(args.platformFee));
    if (fundFee > 0n) {
      events.insert("fund_movements", {
        ...at,
        token: order.token,
        direction: "in",
        amount: fundFee.toString(),
        order_id: order.order_id,
        recipient: null,
        arbiter: null,
        case_ref: null,
      });
    }
  }

  switch (eventName) {
    case "Withdrawn":
      credit(lower(args.account), lower(args.token), -amount(args.amount));
      return;
    case "ProtectionFundPaid":
      pool(lower(args.token), -amount(args.amount), 0n);
      credit(lower(args.to), lower(args.token), amount(args.amount));
      events.insert("fund_movements", {
        ...at,
        token: lower(args.token),
        direction: "out",
        amount: String(args.amount),
        order_id: null,
        recipient: lower(args.to),
        arbiter: lower(args.arbiter),
        case_ref: lower(args.caseRef),
      });
      return;
    case "FeesCollected":
      pool(lower(args.token), 0n, -amount(args.amount));
      return;
    case "PolicyUpdated":
      journal.put("policies", {
        policy_id: Number(args.policyId),
        arbiter: lower(args.arbiter),
        fee_bps: Number(args.feeBps),
        fund_share_bps: Number(args.fundShareBps),
        dispute_timeout: Number(args.disputeTimeout),
        timeout_buyer_share_bps: Number(args.timeoutBuyerShareBps),
        set_block: log.blockNumber,
      });
      return;
    case "ArbiterReplaced": {
      // Policy 0 is the protection fund's arbiter, not a policy orders open under: raw_logs only.
      const policy = journal.get<Row>("policies", { policy_id: Number(args.policyId) });
      if (policy !== undefined) journal.put("policies", { ...policy, arbiter: lower(args.arbiter) });
      return;
    }
    case "TokenAllowlistUpdated":
      journal.put("tokens", { token: lower(args.token), allowed: args.allowed === true ? 1 : 0 });
      return;
    default:
      // Roles, pausing, fee recipient: kept in raw_logs only.
      return;
  }
}
