import type { Hex } from "viem";

import type { AuditEvent, EscrowEvent, LinkEvent } from "./AuditEvent.js";
import { isLinkEvent } from "./AuditEvent.js";
import { compareSqlKeys } from "./compareSqlValues.js";
import type { Replay } from "./replayEvents.js";

/** A row as the mirror should hold it; JSON columns hold the decoded object, compared by meaning. */
export type MirrorRow = Record<string, unknown>;

/** What expected rows are derived from: the replay at the mirror's checkpoint and the logs up to it. */
export type MirrorSource = {
  replay: Replay;
  events: readonly AuditEvent[];
  registry: Hex;
  escrow: Hex | null;
};

/** One table of the indexer's mirror (`server/store/schemaV1.ts`) as the auditor derives it. */
export type MirrorTable = {
  name: string;
  /** Primary key columns, in the mirror's order. */
  key: readonly string[];
  /** Columns compared (key included). */
  columns: readonly string[];
  /** Column holding a batch id, for `--batch`; tables without one are skipped for a one-batch scope. */
  batchColumn?: string;
  /** Derived from escrow logs: compared only when the mirror follows the audited escrow. */
  escrow?: true;
  /** Columns holding event arguments as JSON text, compared by meaning ({@link sameArgs}). */
  jsonColumns?: readonly string[];
  /** Expected rows, in primary-key order as SQLite sorts them. */
  rows(source: MirrorSource): Iterable<MirrorRow>;
};

const bit = (value: boolean) => (value ? 1 : 0);
const sorted = (rows: MirrorRow[], key: readonly string[]) => rows.sort((a, b) => compareSqlKeys(a, b, key));
const at = (event: AuditEvent) => ({ block_number: event.block, log_index: event.logIndex });
const stamp = (event: AuditEvent) => ({ tx_hash: event.tx, block_timestamp: event.time });

/** Status an order has after each of its events (`ISettlementEscrow.OrderStatus` names). */
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

function* eventsOf(source: MirrorSource): Generator<AuditEvent> {
  const until = source.replay.untilBlock;
  for (const event of source.events) {
    if (event.block > until) return;
    yield event;
  }
}

function* linksOf(source: MirrorSource): Generator<LinkEvent> {
  for (const event of eventsOf(source)) if (isLinkEvent(event)) yield event;
}

function* escrowEventsOf(source: MirrorSource): Generator<EscrowEvent> {
  for (const event of eventsOf(source)) if (event.contract === "escrow" && !("other" in event)) yield event;
}

/** The serial range and parties of a link, as `batch_events` spreads them over its columns. */
export function linkColumns(event: LinkEvent): MirrorRow {
  const none = { start_serial: null, end_serial: null, from_account: null, to_account: null, operator: null };
  const rest = { reason: null, card_key: null, allowed: null };
  switch (event.name) {
    case "BatchIssued": {
      const { issuer, params } = event.args;
      return { ...none, ...rest, start_serial: 0, end_serial: params.count, to_account: issuer, operator: issuer };
    }
    case "LotTransferred": {
      const { start, end, from, to, operator } = event.args;
      return { ...rest, start_serial: start, end_serial: end, from_account: from, to_account: to, operator };
    }
    case "LotActivated": {
      const { start, end, holder, operator } = event.args;
      return { ...rest, start_serial: start, end_serial: end, from_account: null, to_account: holder, operator };
    }
    case "LotRevoked": {
      const { start, end, reason } = event.args;
      return { ...none, ...rest, start_serial: start, end_serial: end, reason };
    }
    case "VoucherRedeemed": {
      const { serial, redeemer, cardKey } = event.args;
      return {
        ...none,
        ...rest,
        start_serial: serial,
        end_serial: serial + 1,
        operator: redeemer,
        card_key: cardKey,
      };
    }
    case "RedeemerSet":
      return { ...none, ...rest, operator: event.args.redeemer, allowed: bit(event.args.allowed) };
  }
}

/**
 * The mirror's tables, each with the rows the auditor's replay says it must hold. What a row
 * means comes from the schema's documentation; the values are the auditor's own (its decoder, its
 * state machine), never the indexer's derivation code.
 */
export const MIRROR_TABLES: readonly MirrorTable[] = [
  {
    name: "issuers",
    key: ["account"],
    columns: ["account", "issuer_id", "profile_hash", "registered_block"],
    rows: ({ replay }) =>
      sorted(
        [...replay.registry.issuers.values()].map((issuer) => ({
          account: issuer.account,
          issuer_id: issuer.issuerId,
          profile_hash: issuer.profileHash,
          registered_block: issuer.registeredBlock,
        })),
        ["account"],
      ),
  },
  {
    name: "batches",
    key: ["batch_id"],
    batchColumn: "batch_id",
    columns: [
      "batch_id",
      "issuer",
      "issuer_id",
      "merkle_root",
      "count",
      "face_value",
      "currency",
      "expires_at",
      "activation_required",
      "metadata_hash",
      "manifest_hash",
      "metadata_uri",
      "stock_start",
      "seq",
      "head",
      "issued_block",
      "issued_tx",
      "issued_at",
    ],
    rows: ({ replay }) =>
      sorted(
        [...replay.registry.batches.values()].map((batch) => ({
          batch_id: batch.key,
          issuer: batch.issuer,
          issuer_id: batch.issuerId,
          merkle_root: batch.params.merkleRoot,
          count: batch.params.count,
          face_value: batch.params.faceValue.toString(),
          currency: batch.params.currency,
          expires_at: batch.params.expiresAt,
          activation_required: bit(batch.params.activationRequired),
          metadata_hash: batch.params.metadataHash,
          manifest_hash: batch.params.manifestHash,
          metadata_uri: batch.params.metadataURI,
          stock_start: batch.custody.stockStart,
          seq: batch.chain.claimedSeq,
          head: batch.chain.claimedHead,
          issued_block: batch.issued.block,
          issued_tx: batch.issued.tx,
          issued_at: batch.issued.time,
        })),
        ["batch_id"],
      ),
  },
  {
    name: "runs",
    key: ["batch_id", "start_serial"],
    batchColumn: "batch_id",
    columns: ["batch_id", "start_serial", "end_serial", "holder", "activated", "revoked", "revoke_reason"],
    *rows({ replay }) {
      const batches = [...replay.registry.batches.values()].sort((a, b) =>
        a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
      );
      for (const batch of batches) {
        for (const run of batch.custody.runs()) {
          yield {
            batch_id: batch.key,
            start_serial: run.start,
            end_serial: run.end,
            holder: run.holder,
            activated: bit(run.activated),
            revoked: bit(run.revoked),
            revoke_reason: run.revokeReason,
          };
        }
      }
    },
  },
  {
    name: "redeemers",
    key: ["batch_id", "account"],
    batchColumn: "batch_id",
    columns: ["batch_id", "account", "allowed"],
    rows: ({ replay }) =>
      sorted(
        [...replay.registry.batches.values()].flatMap((batch) =>
          [...batch.redeemers].map(([account, allowed]) => ({ batch_id: batch.key, account, allowed: bit(allowed) })),
        ),
        ["batch_id", "account"],
      ),
  },
  {
    name: "approvals",
    key: ["holder", "scope", "operator"],
    columns: ["holder", "scope", "operator", "approved"],
    rows: ({ replay }) =>
      sorted(
        [...replay.registry.approvals.values()].map((approval) => ({
          holder: approval.holder,
          scope: approval.scope,
          operator: approval.operator,
          approved: bit(approval.approved),
        })),
        ["holder", "scope", "operator"],
      ),
  },
  {
    name: "chain_heads",
    key: ["batch_id"],
    batchColumn: "batch_id",
    columns: ["batch_id", "seq", "head", "claimed_seq", "claimed_head", "chain_ok", "mismatches"],
    rows: ({ replay }) =>
      sorted(
        [...replay.registry.batches.values()].map((batch) => ({
          batch_id: batch.key,
          seq: batch.chain.seq,
          head: batch.chain.head,
          claimed_seq: batch.chain.claimedSeq,
          claimed_head: batch.chain.claimedHead,
          chain_ok: bit(batch.chain.mismatches === 0),
          mismatches: batch.chain.mismatches,
        })),
        ["batch_id"],
      ),
  },
  {
    name: "orders",
    key: ["order_id"],
    escrow: true,
    columns: [
      "order_id",
      "buyer",
      "supplier",
      "token",
      "batch_id",
      "quantity",
      "unit_price",
      "fulfil_deadline",
      "challenge_window",
      "policy_id",
      "buyer_ref",
      "salt",
      "amount",
      "status",
      "lot_start",
      "lot_end",
      "release_at",
      "dispute_reason_hash",
      "min_validity",
      "accept_activated",
      "dispute_deadline",
      "returned",
      "opened_block",
      "opened_tx",
      "updated_block",
    ],
    rows: ({ replay }) =>
      sorted(
        [...(replay.escrow?.orders.values() ?? [])].map((order) => ({
          order_id: order.orderId,
          buyer: order.terms.buyer,
          supplier: order.terms.supplier,
          token: order.terms.token,
          batch_id: order.terms.batchId.toString(),
          quantity: order.terms.quantity,
          unit_price: order.terms.unitPrice.toString(),
          fulfil_deadline: order.terms.fulfilDeadline,
          challenge_window: order.terms.challengeWindow,
          policy_id: order.terms.policyId,
          buyer_ref: order.terms.buyerRef,
          salt: order.terms.salt,
          amount: order.amount.toString(),
          status: order.status,
          lot_start: order.lot?.start ?? null,
          lot_end: order.lot?.end ?? null,
          release_at: order.releaseAt,
          dispute_reason_hash: order.disputeReasonHash,
          min_validity: order.terms.minValidity,
          accept_activated: bit(order.terms.acceptActivated),
          dispute_deadline: order.disputeDeadline,
          returned: order.returned,
          opened_block: order.opened.block,
          opened_tx: order.opened.tx,
          updated_block: order.updatedBlock,
        })),
        ["order_id"],
      ),
  },
  {
    name: "credits",
    key: ["account", "token"],
    escrow: true,
    columns: ["account", "token", "amount"],
    rows: ({ replay }) =>
      sorted(
        [...(replay.escrow?.credits.values() ?? [])].map((credit) => ({
          account: credit.account,
          token: credit.token,
          amount: credit.amount.toString(),
        })),
        ["account", "token"],
      ),
  },
  {
    name: "pools",
    key: ["token"],
    escrow: true,
    columns: ["token", "fund", "fees"],
    rows: ({ replay }) =>
      sorted(
        [...(replay.escrow?.pools.values() ?? [])].map((pool) => ({
          token: pool.token,
          fund: pool.fund.toString(),
          fees: pool.fees.toString(),
        })),
        ["token"],
      ),
  },
  {
    name: "policies",
    key: ["policy_id"],
    escrow: true,
    columns: [
      "policy_id",
      "arbiter",
      "fee_bps",
      "fund_share_bps",
      "dispute_timeout",
      "timeout_buyer_share_bps",
      "set_block",
    ],
    rows: ({ replay }) =>
      sorted(
        [...(replay.escrow?.policies.values() ?? [])].map((policy) => ({
          policy_id: policy.policyId,
          arbiter: policy.arbiter,
          fee_bps: policy.feeBps,
          fund_share_bps: policy.fundShareBps,
          dispute_timeout: policy.disputeTimeout,
          timeout_buyer_share_bps: policy.timeoutBuyerShareBps,
          set_block: policy.setBlock,
        })),
        ["policy_id"],
      ),
  },
  {
    name: "tokens",
    key: ["token"],
    escrow: true,
    columns: ["token", "allowed"],
    rows: ({ replay }) =>
      sorted(
        [...(replay.escrow?.tokens ?? [])].map(([token, allowed]) => ({ token, allowed: bit(allowed) })),
        ["token"],
      ),
  },
  {
    name: "batch_events",
    key: ["block_number", "log_index"],
    batchColumn: "batch_id",
    columns: [
      "block_number",
      "log_index",
      "batch_id",
      "seq",
      "event_name",
      "start_serial",
      "end_serial",
      "from_account",
      "to_account",
      "operator",
      "reason",
      "card_key",
      "allowed",
      "head",
      "tx_hash",
      "block_timestamp",
    ],
    *rows(source) {
      for (const event of linksOf(source)) {
        yield {
          ...at(event),
          batch_id: event.args.batchId.toString(),
          seq: event.args.seq,
          event_name: event.name,
          ...linkColumns(event),
          head: event.args.head,
          ...stamp(event),
        };
      }
    },
  },
  {
    name: "transfers",
    key: ["block_number", "log_index"],
    batchColumn: "batch_id",
    columns: [
      "block_number",
      "log_index",
      "batch_id",
      "start_serial",
      "end_serial",
      "from_account",
      "to_account",
      "operator",
      "tx_hash",
      "block_timestamp",
    ],
    *rows(source) {
      for (const event of linksOf(source)) {
        if (event.name !== "LotTransferred") continue;
        const { batchId, start, end, from, to, operator } = event.args;
        yield {
          ...at(event),
          batch_id: batchId.toString(),
          start_serial: start,
          end_serial: end,
          from_account: from,
          to_account: to,
          operator,
          ...stamp(event),
        };
      }
    },
  },
  {
    name: "activations",
    key: ["block_number", "log_index"],
    batchColumn: "batch_id",
    columns: [
      "block_number",
      "log_index",
      "batch_id",
      "start_serial",
      "end_serial",
      "holder",
      "operator",
      "tx_hash",
      "block_timestamp",
    ],
    *rows(source) {
      for (const event of linksOf(source)) {
        if (event.name !== "LotActivated") continue;
        const { batchId, start, end, holder, operator } = event.args;
        yield {
          ...at(event),
          batch_id: batchId.toString(),
          start_serial: start,
          end_serial: end,
          holder,
          operator,
          ...stamp(event),
        };
      }
    },
  },
  {
    name: "revocations",
    key: ["block_number", "log_index"],
    batchColumn: "batch_id",
    columns: [
      "block_number",
      "log_index",
      "batch_id",
      "start_serial",
      "end_serial",
      "reason",
      "tx_hash",
      "block_timestamp",
    ],
    *rows(source) {
      for (const event of linksOf(source)) {
        if (event.name !== "LotRevoked") continue;
        const { batchId, start, end, reason } = event.args;
        yield {
          ...at(event),
          batch_id: batchId.toString(),
          start_serial: start,
          end_serial: end,
          reason,
          ...stamp(event),
        };
      }
    },
  },
  {
    name: "redemptions",
    key: ["block_number", "log_index"],
    batchColumn: "batch_id",
    columns: [
      "block_number",
      "log_index",
      "batch_id",
      "serial",
      "redeemer",
      "card_key",
      "seq",
      "tx_hash",
      "block_timestamp",
    ],
    *rows(source) {
      for (const event of linksOf(source)) {
        if (event.name !== "VoucherRedeemed") continue;
        const { batchId, serial, redeemer, cardKey, seq } = event.args;
        yield {
          ...at(event),
          batch_id: batchId.toString(),
          serial,
          redeemer,
          card_key: cardKey,
          seq,
          ...stamp(event),
        };
      }
    },
  },
  {
    name: "chain_mismatches",
    key: ["block_number", "log_index", "reason"],
    batchColumn: "batch_id",
    columns: [
      "block_number",
      "log_index",
      "batch_id",
      "reason",
      "expected_seq",
      "actual_seq",
      "expected_head",
      "claimed_head",
    ],
    rows: ({ replay }) =>
      sorted(
        [...replay.registry.batches.values()].flatMap((batch) =>
          batch.linkMismatches.map((mismatch) => ({
            block_number: mismatch.at.block,
            log_index: mismatch.at.logIndex,
            batch_id: batch.key,
            reason: mismatch.reason,
            expected_seq: mismatch.expectedSeq,
            actual_seq: mismatch.actualSeq,
            expected_head: mismatch.expectedHead ?? null,
            claimed_head: mismatch.claimedHead ?? null,
          })),
        ),
        ["block_number", "log_index", "reason"],
      ),
  },
  {
    name: "order_events",
    key: ["block_number", "log_index"],
    escrow: true,
    columns: [
      "block_number",
      "log_index",
      "order_id",
      "event_name",
      "status",
      "args_json",
      "tx_hash",
      "block_timestamp",
    ],
    jsonColumns: ["args_json"],
    *rows(source) {
      for (const event of escrowEventsOf(source)) {
        const status = STATUS_AFTER[event.name];
        if (status === undefined || !("orderId" in event.args)) continue;
        yield {
          ...at(event),
          order_id: event.args.orderId,
          event_name: event.name,
          status,
          args_json: event.args,
          ...stamp(event),
        };
      }
    },
  },
  {
    name: "fund_movements",
    key: ["block_number", "log_index"],
    escrow: true,
    columns: [
      "block_number",
      "log_index",
      "token",
      "direction",
      "amount",
      "order_id",
      "recipient",
      "arbiter",
      "case_ref",
      "tx_hash",
      "block_timestamp",
    ],
    *rows(source) {
      const orders = source.replay.escrow?.orders;
      for (const event of escrowEventsOf(source)) {
        if (event.name === "ProtectionFundPaid") {
          const { token, to, amount, arbiter, caseRef } = event.args;
          yield {
            ...at(event),
            token,
            direction: "out",
            amount: amount.toString(),
            order_id: null,
            recipient: to,
            arbiter,
            case_ref: caseRef,
            ...stamp(event),
          };
        } else if (
          (event.name === "OrderConfirmed" || event.name === "OrderReleased" || event.name === "OrderResolved") &&
          event.args.fundFee > 0n
        ) {
          const order = orders?.get(event.args.orderId);
          if (order === undefined) continue;
          yield {
            ...at(event),
            token: order.terms.token,
            direction: "in",
            amount: event.args.fundFee.toString(),
            order_id: order.orderId,
            recipient: null,
            arbiter: null,
            case_ref: null,
            ...stamp(event),
          };
        }
      }
    },
  },
  {
    name: "raw_logs",
    key: ["block_number", "log_index"],
    columns: [
      "block_number",
      "log_index",
      "block_hash",
      "block_timestamp",
      "tx_hash",
      "address",
      "event_name",
      "args_json",
    ],
    jsonColumns: ["args_json"],
    *rows(source) {
      for (const event of eventsOf(source)) {
        if (event.contract === "escrow" && source.escrow === null) continue;
        yield {
          ...at(event),
          block_hash: event.blockHash,
          block_timestamp: event.time,
          tx_hash: event.tx,
          address: event.contract === "registry" ? source.registry : source.escrow,
          event_name: event.name,
          args_json: event.args,
        };
      }
    },
  },
];
