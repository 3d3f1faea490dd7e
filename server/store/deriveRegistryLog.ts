import type { Logger } from "../internal/createLogger.js";
import type { EventWriter } from "./createEventWriter.js";
import type { Row, StateJournal } from "./createStateJournal.js";
import type { StoredLog } from "./StoredLog.js";

type BatchRow = Row & { batch_id: string; count: number; stock_start: number; issuer: string };
/** A row of `runs`. */
export type RunRow = Row & {
  batch_id: string;
  start_serial: number;
  end_serial: number;
  holder: string;
  activated: number;
  revoked: number;
  revoke_reason: number;
};

/** What `deriveRegistryLog` writes through. */
export type RegistryDeriveContext = {
  journal: StateJournal;
  events: EventWriter;
  logger: Logger;
  /** The run of `batchId` containing `serial` (largest start <= serial), read inside the transaction. */
  runContaining(batchId: string, serial: number): RunRow | undefined;
};

const lower = (value: unknown) => String(value).toLowerCase();
const int = (value: unknown) => Number(value);

/**
 * Applies one `VoucherRegistry` log to the derived tables: issuers, batches, custody runs,
 * redeemers, approvals and the per-batch event tables. The hash chain is tracked separately
 * (`createProvenanceTracker`).
 *
 * @dev Custody mirrors the contract's `_split` exactly, with the issuer's untouched stock
 * `[stockStart, count)` kept as an ordinary row: a lot `[start, end)` inside the run `[rs, re)`
 * leaves `[rs, start)` and `[end, re)` with the run's old properties, and the lot gets its new
 * ones. When the run was the stock, `stock_start` moves to `end`, as on chain. A log that does not
 * fit the mirrored state (only possible when `raw_logs` was tampered with, or the indexer started
 * after the batch was issued) changes no custody and is logged; the hash-chain tracker flags it.
 */
export function deriveRegistryLog(ctx: RegistryDeriveContext, log: StoredLog): void {
  const { journal, events, logger } = ctx;
  const args = log.args;
  const at = {
    block_number: log.blockNumber,
    log_index: log.logIndex,
    tx_hash: log.txHash,
    block_timestamp: log.blockTimestamp,
  };
  const batchId = args.batchId === undefined ? "" : String(args.batchId);

  const batchEvent = (fields: Partial<Row> & { start_serial: number | null; end_serial: number | null }) =>
    events.insert("batch_events", {
      block_number: log.blockNumber,
      log_index: log.logIndex,
      batch_id: batchId,
      seq: int(args.seq),
      event_name: log.eventName!,
      from_account: null,
      to_account: null,
      operator: null,
      reason: null,
      code_hash: null,
      allowed: null,
      head: lower(args.head),
      tx_hash: log.txHash,
      block_timestamp: log.blockTimestamp,
      ...fields,
    });

  /** Advances the batch's claimed seq/head (and stock start); false for an unknown batch. */
  const advance = (changes: Partial<BatchRow> = {}): boolean => {
    const batch = journal.get<BatchRow>("batches", { batch_id: batchId });
    if (batch === undefined) {
      logger.warn("registry event for a batch the mirror does not hold; custody not updated", {
        event: log.eventName,
        batchId,
        blockNumber: log.blockNumber,
        hint: "was CARDPROOF_START_BLOCK set after the batch was issued?",
      });
      return false;
    }
    journal.put("batches", { ...batch, ...changes, seq: int(args.seq), head: lower(args.head) });
    return true;
  };

  /** Replaces `[start, end)` of the run containing it by a run with `lot(run)`'s properties. */
  const splitLot = (lot: (run: RunRow) => Pick<RunRow, "holder" | "activated" | "revoked" | "revoke_reason">) => {
    const start = int(args.start);
    const end = int(args.end);
    const batch = journal.get<BatchRow>("batches", { batch_id: batchId });
    const run = batch === undefined ? undefined : ctx.runContaining(batchId, start);
    if (batch === undefined || run === undefined || end > run.end_serial || start >= end) {
      logger.error("registry lot does not fit the mirrored custody runs; custody not updated", {
        event: log.eventName,
        batchId,
        start,
        end,
        run: run === undefined ? null : [run.start_serial, run.end_serial],
        blockNumber: log.blockNumber,
      });
      advance();
      return;
    }
    if (run.start_serial < start) journal.put("runs", { ...run, end_serial: start });
    if (end < run.end_serial) journal.put("runs", { ...run, start_serial: end });
    journal.put("runs", { ...lot(run), batch_id: batchId, start_serial: start, end_serial: end });
    advance(run.start_serial === batch.stock_start ? { stock_start: end } : {});
  };

  switch (log.eventName) {
    case "IssuerRegistered": {
      const account = lower(args.account);
      const existing = journal.get<Row>("issuers", { account });
      journal.put("issuers", {
        account,
        issuer_id: int(args.issuerId),
        profile_hash: lower(args.profileHash),
        registered_block: (existing?.registered_block as number | null | undefined) ?? log.blockNumber,
      });
      return;
    }
    case "BatchIssued": {
      const params = args.params as Record<string, unknown>;
      const issuer = lower(args.issuer);
      if (journal.get<BatchRow>("batches", { batch_id: batchId }) !== undefined) {
        logger.error("batch issued twice in the mirrored logs; keeping the first issuance", { batchId });
        return;
      }
      const issuerId = Number(BigInt(batchId) >> 32n);
      if (journal.get<Row>("issuers", { account: issuer }) === undefined) {
        journal.put("issuers", { account: issuer, issuer_id: issuerId, profile_hash: null, registered_block: null });
      }
      const count = int(params.count);
      journal.put("batches", {
        batch_id: batchId,
        issuer,
        issuer_id: issuerId,
        merkle_root: lower(params.merkleRoot),
        count,
        face_value: String(params.faceValue),
        currency: lower(params.currency),
        expires_at: int(params.expiresAt),
        activation_required: params.activationRequired === true ? 1 : 0,
        metadata_hash: lower(params.metadataHash),
        manifest_hash: lower(params.manifestHash),
        metadata_uri: String(params.metadataURI),
        stock_start: 0,
        seq: int(args.seq),
        head: lower(args.head),
        issued_block: log.blockNumber,
        issued_tx: log.txHash,
        issued_at: log.blockTimestamp,
      });
      if (count > 0) {
        journal.put("runs", {
          batch_id: batchId,
          start_serial: 0,
          end_serial: count,
          holder: issuer,
          activated: 0,
          revoked: 0,
          revoke_reason: 0,
        });
      }
      batchEvent({ start_serial: 0, end_serial: count, to_account: issuer, operator: issuer });
      return;
    }
    case "LotTransferred": {
      const from = lower(args.from);
      const to = lower(args.to);
      const operator = lower(args.operator);
      splitLot((run) => ({ holder: to, activated: run.activated, revoked: 0, revoke_reason: 0 }));
      const range = { start_serial: int(args.start), end_serial: int(args.end) };
      events.insert("transfers", { ...at, batch_id: batchId, ...range, from_account: from, to_account: to, operator });
      batchEvent({ ...range, from_account: from, to_account: to, operator });
      return;
    }
    case "LotActivated": {
      const holder = lower(args.holder);
      const operator = lower(args.operator);
      splitLot((run) => ({ holder: run.holder, activated: 1, revoked: 0, revoke_reason: 0 }));
      const range = { start_serial: int(args.start), end_serial: int(args.end) };
      events.insert("activations", { ...at, batch_id: batchId, ...range, holder, operator });
      batchEvent({ ...range, to_account: holder, operator });
      return;
    }
    case "LotRevoked": {
      const reason = int(args.reason);
      splitLot((run) => ({ holder: run.holder, activated: run.activated, revoked: 1, revoke_reason: reason }));
      const range = { start_serial: int(args.start), end_serial: int(args.end) };
      events.insert("revocations", { ...at, batch_id: batchId, ...range, reason });
      batchEvent({ ...range, reason });
      return;
    }
    case "VoucherRedeemed": {
      const serial = int(args.serial);
      const redeemer = lower(args.redeemer);
      const codeHash = lower(args.codeHash);
      advance();
      events.insert("redemptions", {
        ...at,
        batch_id: batchId,
        serial,
        redeemer,
        code_hash: codeHash,
        seq: int(args.seq),
      });
      batchEvent({ start_serial: serial, end_serial: serial + 1, operator: redeemer, code_hash: codeHash });
      return;
    }
    case "RedeemerSet": {
      const redeemer = lower(args.redeemer);
      const allowed = args.allowed === true ? 1 : 0;
      advance();
      journal.put("redeemers", { batch_id: batchId, account: redeemer, allowed });
      batchEvent({ start_serial: null, end_serial: null, operator: redeemer, allowed });
      return;
    }
    case "ApprovalForBatch":
    case "ApprovalForAll":
      journal.put("approvals", {
        holder: lower(args.holder),
        scope: log.eventName === "ApprovalForAll" ? "*" : batchId,
        operator: lower(args.operator),
        approved: args.approved === true ? 1 : 0,
      });
      return;
    default:
      // Roles and pausing: kept in raw_logs only.
      return;
  }
}
