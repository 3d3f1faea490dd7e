import type { Logger } from "../internal/createLogger.js";
import type { EventWriter } from "./createEventWriter.js";
import type { Row, StateJournal } from "./createStateJournal.js";
import type { StoredLog } from "./StoredLog.js";

/** A row of `batches` (the columns derivation reads; the row holds them all). */
export type BatchRow = Row & { batch_id: string; count: number; stock_start: number; issuer: string };
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

/** The properties a custody run carries besides its range. */
type RunProperties = Pick<RunRow, "holder" | "activated" | "revoked" | "revoke_reason">;

/** What `deriveRegistryLog` writes through. */
export type RegistryDeriveContext = {
  journal: StateJournal;
  events: EventWriter;
  logger: Logger;
  /** The run of `batchId` containing `serial` (largest start <= serial), read inside the transaction. */
  runContaining(batchId: string, serial: number): RunRow | undefined;
  /** The runs of `batchId` starting in `[from, to)`, in serial order, read inside the transaction. */
  runsStartingIn(batchId: string, from: number, to: number): RunRow[];
  /** The batches issued under `issuerId` (read by SQL: write the journal's cached rows first). */
  batchesOfIssuer(issuerId: number): BatchRow[];
};

const lower = (value: unknown) => String(value).toLowerCase();
const int = (value: unknown) => Number(value);
const sameProperties = (a: RunProperties, b: RunProperties) =>
  a.holder === b.holder &&
  a.activated === b.activated &&
  a.revoked === b.revoked &&
  a.revoke_reason === b.revoke_reason;

/**
 * Applies one `VoucherRegistry` log to the derived tables: issuers, batches, custody runs,
 * redeemers, approvals and the per-batch event tables. The hash chain is tracked separately
 * (`createProvenanceTracker`).
 *
 * @dev Custody mirrors registry v2 exactly (issue 12 §3), with the issuer's untouched stock
 * `[stockStart, count)` kept as an ordinary row. A lot operation on `[start, end)` may cross several
 * runs; it re-forms the region R from the start of the run containing `start - 1` (0 when
 * `start == 0`) to the end of the run containing `end` (`count` when `end == count`): each run of R
 * is cut at `start` and `end`, the pieces inside the lot get the operation's change (each keeping
 * its other properties), and adjacent pieces with equal (holder, activated, revoked, reason) are
 * coalesced. Runs outside R are untouched. Then `stock_start` is the start of the last run when it
 * is (issuer, not activated, not revoked, reason 0), else `count`: a lot returned to the issuer next
 * to its stock merges back into it. Every row change goes through the state journal, so a reorg
 * undoes merges like any other change. A log that does not fit the mirrored state (only possible
 * when `raw_logs` was tampered with, or the indexer started after the batch was issued) changes no
 * custody and is logged; the hash-chain tracker flags it.
 *
 * `IssuerKeyRotated` (§2) moves the issuer id, its profile and its batches to the new account, and
 * the untouched stock's holder with them; stored runs held by the old account stay with it.
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
      card_key: null,
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

  /** Applies `change` to every run piece inside the lot `[start, end)` and re-forms the region (see above). */
  const applyLot = (change: (run: RunRow) => RunProperties) => {
    const start = int(args.start);
    const end = int(args.end);
    const batch = journal.get<BatchRow>("batches", { batch_id: batchId });
    const misfit = (runs: RunRow[] | null) => {
      logger.error("registry lot does not fit the mirrored custody runs; custody not updated", {
        event: log.eventName,
        batchId,
        start,
        end,
        runs: runs === null ? null : runs.map((run) => [run.start_serial, run.end_serial]),
        blockNumber: log.blockNumber,
      });
      advance();
    };
    if (batch === undefined || start >= end || end > batch.count) return misfit(null);
    const regionStart = start === 0 ? 0 : ctx.runContaining(batchId, start - 1)?.start_serial;
    const regionEnd = end === batch.count ? batch.count : ctx.runContaining(batchId, end)?.end_serial;
    if (regionStart === undefined || regionEnd === undefined) return misfit(null);
    const runs = ctx.runsStartingIn(batchId, regionStart, regionEnd);
    let cursor = regionStart;
    for (const run of runs) {
      if (run.start_serial !== cursor || run.end_serial <= run.start_serial) return misfit(runs);
      cursor = run.end_serial;
    }
    if (cursor !== regionEnd || regionEnd < end) return misfit(runs);

    // Cut at start and end, change the pieces inside the lot, coalesce equal neighbours.
    const formed: RunRow[] = [];
    const push = (from: number, to: number, properties: RunProperties) => {
      if (from >= to) return;
      const last = formed.at(-1);
      if (last !== undefined && sameProperties(last, properties)) last.end_serial = to;
      else formed.push({ batch_id: batchId, start_serial: from, end_serial: to, ...pick(properties) });
    };
    for (const run of runs) {
      const inside = { from: Math.max(run.start_serial, start), to: Math.min(run.end_serial, end) };
      if (inside.from >= inside.to) {
        push(run.start_serial, run.end_serial, run);
        continue;
      }
      push(run.start_serial, inside.from, run);
      push(inside.from, inside.to, change(run));
      push(inside.to, run.end_serial, run);
    }

    const kept = new Set(formed.map((run) => run.start_serial));
    for (const run of runs) {
      if (!kept.has(run.start_serial)) journal.remove("runs", { batch_id: batchId, start_serial: run.start_serial });
    }
    const before = new Map(runs.map((run) => [run.start_serial, run]));
    for (const run of formed) {
      const old = before.get(run.start_serial);
      if (old === undefined || old.end_serial !== run.end_serial || !sameProperties(old, run)) journal.put("runs", run);
    }

    const last = regionEnd === batch.count ? formed.at(-1) : ctx.runContaining(batchId, batch.count - 1);
    const isStock =
      last !== undefined &&
      last.end_serial === batch.count &&
      last.holder === batch.issuer &&
      last.activated === 0 &&
      last.revoked === 0 &&
      last.revoke_reason === 0;
    advance({ stock_start: isStock ? last.start_serial : batch.count });
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
    case "IssuerKeyRotated": {
      const issuerId = int(args.issuerId);
      const previous = lower(args.previousAccount);
      const next = lower(args.newAccount);
      const profile = journal.get<Row>("issuers", { account: previous });
      if (profile !== undefined) journal.remove("issuers", { account: previous });
      journal.put("issuers", {
        account: next,
        issuer_id: issuerId,
        profile_hash: (profile?.profile_hash as string | null | undefined) ?? null,
        registered_block: (profile?.registered_block as number | null | undefined) ?? null,
      });
      journal.writeCached();
      for (const batch of ctx.batchesOfIssuer(issuerId)) {
        if (batch.stock_start < batch.count) {
          const stock = journal.get<RunRow>("runs", { batch_id: batch.batch_id, start_serial: batch.stock_start });
          if (stock !== undefined && stock.holder === batch.issuer) journal.put("runs", { ...stock, holder: next });
        }
        journal.put("batches", { ...batch, issuer: next });
      }
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
      applyLot((run) => ({ ...pick(run), holder: to }));
      const range = { start_serial: int(args.start), end_serial: int(args.end) };
      events.insert("transfers", { ...at, batch_id: batchId, ...range, from_account: from, to_account: to, operator });
      batchEvent({ ...range, from_account: from, to_account: to, operator });
      return;
    }
    case "LotActivated": {
      const holder = lower(args.holder);
      const operator = lower(args.operator);
      applyLot((run) => ({ ...pick(run), activated: 1 }));
      const range = { start_serial: int(args.start), end_serial: int(args.end) };
      events.insert("activations", { ...at, batch_id: batchId, ...range, holder, operator });
      batchEvent({ ...range, to_account: holder, operator });
      return;
    }
    case "LotRevoked": {
      const reason = int(args.reason);
      applyLot((run) => ({ ...pick(run), revoked: 1, revoke_reason: reason }));
      const range = { start_serial: int(args.start), end_serial: int(args.end) };
      events.insert("revocations", { ...at, batch_id: batchId, ...range, reason });
      batchEvent({ ...range, reason });
      return;
    }
    case "VoucherRedeemed": {
      const serial = int(args.serial);
      const redeemer = lower(args.redeemer);
      const cardKey = lower(args.cardKey);
      advance();
      events.insert("redemptions", {
        ...at,
        batch_id: batchId,
        serial,
        redeemer,
        card_key: cardKey,
        seq: int(args.seq),
      });
      batchEvent({ start_serial: serial, end_serial: serial + 1, operator: redeemer, card_key: cardKey });
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

/** The properties of a run (a fresh object: journal rows must not be changed after `put`). */
function pick(run: RunProperties): RunProperties {
  return { holder: run.holder, activated: run.activated, revoked: run.revoked, revoke_reason: run.revoke_reason };
}
