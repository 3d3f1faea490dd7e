import type { Database, Statement } from "better-sqlite3";
import type { Address, Hex } from "viem";

/** A batch as mirrored; `seq`/`head` are the last link the events claimed. */
export type BatchView = {
  batchId: string;
  issuer: Address;
  issuerId: number;
  merkleRoot: Hex;
  count: number;
  faceValue: string;
  /** ISO 4217 code as the bytes3 hex the chain stores (e.g. 0x555344 for USD). */
  currency: Hex;
  expiresAt: number;
  activationRequired: boolean;
  metadataHash: Hex;
  manifestHash: Hex;
  metadataUri: string;
  /** Start of the issuer's untouched stock `[stockStart, count)`. */
  stockStart: number;
  seq: number;
  head: Hex;
  issuedBlock: number;
  issuedTx: Hex;
  issuedAt: number | null;
};

/** A custody run `[start, end)`; `start` is the hint the registry takes. */
export type RunView = {
  batchId: string;
  start: number;
  end: number;
  holder: Address;
  activated: boolean;
  revoked: boolean;
  revokeReason: number;
};

/** One link of a batch's chain that touches a card (or the whole batch). */
export type CardEventView = {
  blockNumber: number;
  /** From the raw log (null only in a store written without raw logs, as some tests do). */
  blockHash: Hex | null;
  logIndex: number;
  txHash: Hex;
  blockTimestamp: number | null;
  seq: number;
  eventName: string;
  start: number | null;
  end: number | null;
  from: Address | null;
  to: Address | null;
  /** Operator of a transfer or activation, redeemer of a redemption. */
  operator: Address | null;
  reason: number | null;
  /** The card key a redemption proved (`VoucherRedeemed.cardKey`), null for other links. */
  cardKey: Address | null;
  head: Hex;
};

/** An escrow order: its terms (what every later escrow call takes back) and its state. */
export type OrderView = {
  orderId: Hex;
  terms: {
    buyer: Address;
    supplier: Address;
    token: Address;
    batchId: string;
    quantity: number;
    unitPrice: string;
    fulfilDeadline: number;
    challengeWindow: number;
    minValidity: number;
    acceptActivated: boolean;
    policyId: number;
    buyerRef: Hex;
    salt: Hex;
  };
  amount: string;
  status: string;
  lotStart: number | null;
  lotEnd: number | null;
  releaseAt: number | null;
  disputeReasonHash: Hex | null;
  /** Once disputed: until when the arbiter may rule; from then on anyone settles by the policy's rule. */
  disputeDeadline: number | null;
  /** Delivered cards the buyer gave back through the registry. */
  returned: number;
  openedBlock: number;
  openedTx: Hex;
  updatedBlock: number;
};

/** The indexer's replayed tip of a batch's hash chain next to the last one the events claimed. */
export type ChainHeadView = {
  batchId: string;
  seq: number;
  head: Hex;
  claimedSeq: number;
  claimedHead: Hex;
  chainOk: boolean;
  mismatches: number;
};

export type ChainMismatchView = {
  blockNumber: number;
  logIndex: number;
  batchId: string;
  reason: string;
  expectedSeq: number;
  actualSeq: number;
  expectedHead: Hex | null;
  claimedHead: Hex | null;
};

/** The block the mirror reflects: the checkpoint, with its timestamp and whether it is final. */
export type SnapshotView = {
  number: number;
  hash: Hex;
  /** Unix seconds of the checkpoint block (null only if its header was not kept). */
  timestamp: number | null;
  finalizedBlock: number;
};

export type IssuerView = {
  account: Address;
  issuerId: number;
  profileHash: Hex | null;
  /** Block of `IssuerRegistered`; null for an issuer known only from its batches. */
  registeredBlock: number | null;
};

/**
 * Everything a card-status answer needs, read by one statement: the snapshot, the batch's status
 * fields, the run holding the serial and whether it was redeemed. `batch` is undefined for an
 * unknown batch; `run` for a serial past the batch.
 */
export type CardStateView = {
  snapshot: SnapshotView | undefined;
  batch: Pick<BatchView, "batchId" | "count" | "expiresAt" | "activationRequired"> | undefined;
  run: RunView | undefined;
  redeemed: boolean;
};

/** Keyset paging: rows after `after` (exclusive), at most `limit`. */
export type Page<Cursor> = { after?: Cursor | undefined; limit: number };

/** Filters of {@link StoreReader.listOrders}; each set one must match. */
export type OrderFilter = { buyer?: string | undefined; supplier?: string | undefined; batchId?: string | undefined };

type Raw = Record<string, unknown>;

/** Batch ids are below 2^56 (24-bit issuer ids), so SQLite integers hold them; larger cursors match nothing. */
const MAX_INT64 = (1n << 63n) - 1n;
/** What `batch_lots` (schema v7) subtracts from uint32 coordinates to store them as signed 32-bit integers. */
const LOT_OFFSET = 2 ** 31;

/**
 * Read queries over the mirror, for tests and the REST API (which reads only through
 * server/store). Each is one indexed query.
 */
export function createStoreReader(db: Database) {
  const q = {
    batch: db.prepare("SELECT * FROM batches WHERE batch_id = ?"),
    // CAST: better-sqlite3 builds SQLite with STAT4, which re-prepares a statement on every bind when
    // a bound value could change its plan (~8 µs here); a cast expression is not a plan input.
    run: db.prepare(
      "SELECT * FROM runs WHERE batch_id = CAST(? AS TEXT) AND start_serial <= ? ORDER BY start_serial DESC LIMIT 1",
    ),
    runs: db.prepare("SELECT * FROM runs WHERE batch_id = ? ORDER BY start_serial"),
    // Two disjoint halves: the card's own one-card events by an exact seek, and the lots holding
    // it through the R*Tree of lots (schema v7), which visits only nodes whose box holds the card
    // (a lot [start, end) is the box [start, end - 1]; coordinates are offset by 2^31, see schemaV7).
    // The lot's row is then one primary-key seek (the R*Tree id is block_number * 2^24 + log_index).
    // CAST on every bound value, as in `run`: without it each call re-prepared the whole statement
    // (STAT4), 30-40 µs of the 70-95 µs a timeline read took.
    cardHistory: db.prepare(
      // The block hash comes from raw_logs (one primary-key lookup per event), so a verifier can
      // fetch exactly that block's logs from its own node.
      `SELECT e.*, l.block_hash FROM batch_events e
         LEFT JOIN raw_logs l ON l.block_number = e.block_number AND l.log_index = e.log_index
         WHERE e.batch_id = CAST(@batchId AS TEXT) AND e.start_serial = CAST(@serial AS INTEGER)
           AND e.end_serial = CAST(@serial AS INTEGER) + 1
       UNION ALL
       SELECT e.*, l.block_hash FROM batch_lots x
         JOIN batch_events e ON e.block_number = x.id >> 24 AND e.log_index = x.id & 16777215
         LEFT JOIN raw_logs l ON l.block_number = e.block_number AND l.log_index = e.log_index
         WHERE x.issuer_min <= @issuer AND x.issuer_max >= @issuer
           AND x.number_min <= @number AND x.number_max >= @number
           AND x.serial_min <= @point AND x.serial_max >= @point
       ORDER BY block_number, log_index`,
    ),
    redemption: db.prepare("SELECT * FROM redemptions WHERE batch_id = ? AND serial = ? ORDER BY block_number LIMIT 1"),
    order: db.prepare("SELECT * FROM orders WHERE order_id = ?"),
    orderEvents: db.prepare("SELECT * FROM order_events WHERE order_id = ? ORDER BY block_number, log_index"),
    chainHead: db.prepare("SELECT * FROM chain_heads WHERE batch_id = ?"),
    chainHeads: db.prepare(
      "SELECT * FROM chain_heads WHERE CAST(batch_id AS INTEGER) > ? ORDER BY CAST(batch_id AS INTEGER) LIMIT ?",
    ),
    snapshot: db.prepare(
      `SELECT s.last_block, s.last_block_hash, s.finalized_block, b.timestamp
       FROM sync_state s LEFT JOIN blocks b ON b.number = s.last_block WHERE s.id = 1`,
    ),
    issuers: db.prepare("SELECT * FROM issuers WHERE issuer_id > ? ORDER BY issuer_id LIMIT ?"),
    cardState: db
      .prepare(
        `SELECT s.last_block, s.last_block_hash, s.finalized_block, h.timestamp,
           b.batch_id, b.count, b.expires_at, b.activation_required,
           r.start_serial, r.end_serial, r.holder, r.activated, r.revoked, r.revoke_reason,
           EXISTS (SELECT 1 FROM redemptions WHERE batch_id = CAST(@batchId AS TEXT) AND serial = @serial) AS redeemed
         FROM sync_state s
         LEFT JOIN blocks h ON h.number = s.last_block
         LEFT JOIN batches b ON b.batch_id = CAST(@batchId AS TEXT)
         LEFT JOIN runs r ON r.batch_id = CAST(@batchId AS TEXT) AND r.start_serial = (
           SELECT start_serial FROM runs WHERE batch_id = CAST(@batchId AS TEXT) AND start_serial <= @serial
           ORDER BY start_serial DESC LIMIT 1)
         WHERE s.id = 1`,
      )
      .raw(),
    batches: db.prepare(
      "SELECT * FROM batches WHERE CAST(batch_id AS INTEGER) > ? ORDER BY CAST(batch_id AS INTEGER) LIMIT ?",
    ),
    batchesOf: db.prepare(
      "SELECT * FROM batches WHERE issuer = ? AND CAST(batch_id AS INTEGER) > ? ORDER BY CAST(batch_id AS INTEGER) LIMIT ?",
    ),
    mismatches: db.prepare("SELECT * FROM chain_mismatches WHERE batch_id = ? ORDER BY block_number, log_index"),
    issuer: db.prepare("SELECT * FROM issuers WHERE account = ?"),
    credit: db.prepare("SELECT amount FROM credits WHERE account = ? AND token = ?"),
    pool: db.prepare("SELECT fund, fees FROM pools WHERE token = ?"),
  };
  const id = (batchId: bigint | string) => batchId.toString();
  const addr = (address: string) => address.toLowerCase();
  const orderQueries = new Map<string, Statement>();
  /** Paging cursor as a SQLite integer: -1 before the first row, undefined past every possible one. */
  const cursor = (after: bigint | string | undefined): bigint | undefined => {
    if (after === undefined) return -1n;
    const value = BigInt(after);
    return value > MAX_INT64 ? undefined : value;
  };

  return {
    getBatch(batchId: bigint | string): BatchView | undefined {
      const row = q.batch.get(id(batchId)) as Raw | undefined;
      return row === undefined ? undefined : toBatch(row);
    },

    /** Batches in numeric id order, optionally of one issuer account. */
    listBatches({ issuer, after, limit }: Page<bigint | string> & { issuer?: string | undefined }): BatchView[] {
      const from = cursor(after);
      if (from === undefined) return [];
      const rows = issuer === undefined ? q.batches.all(from, limit) : q.batchesOf.all(addr(issuer), from, limit);
      return (rows as Raw[]).map(toBatch);
    },

    /**
     * A card's state in one statement (the API's hot path: one read transaction, no `SELECT *`).
     * @dev Same answers as `getSnapshot`, `getBatch`, `findRun` and `isRedeemed` read together.
     */
    getCardState(batchId: bigint | string, serial: number): CardStateView {
      const row = q.cardState.get({ batchId: id(batchId), serial }) as unknown[] | undefined;
      if (row === undefined) return { snapshot: undefined, batch: undefined, run: undefined, redeemed: false };
      const [lastBlock, hash, finalized, timestamp, batch, count, expiresAt, activation] = row;
      const [start, end, holder, activated, revoked, reason, redeemed] = row.slice(8);
      return {
        snapshot:
          lastBlock === null || hash === null
            ? undefined
            : {
                number: lastBlock as number,
                hash: hash as Hex,
                timestamp: timestamp as number | null,
                finalizedBlock: finalized as number,
              },
        batch:
          batch === null
            ? undefined
            : {
                batchId: batch as string,
                count: count as number,
                expiresAt: expiresAt as number,
                activationRequired: activation === 1,
              },
        run:
          start === null || (end as number) <= serial
            ? undefined
            : {
                batchId: batch as string,
                start: start as number,
                end: end as number,
                holder: holder as Address,
                activated: activated === 1,
                revoked: revoked === 1,
                revokeReason: reason as number,
              },
        redeemed: redeemed === 1,
      };
    },

    /** The block the mirror reflects, or undefined before the first page (or after a rollback past the start). */
    getSnapshot(): SnapshotView | undefined {
      const row = q.snapshot.get() as Raw | undefined;
      if (row === undefined || row.last_block === null || row.last_block_hash === null) return undefined;
      return {
        number: row.last_block as number,
        hash: row.last_block_hash as Hex,
        timestamp: row.timestamp as number | null,
        finalizedBlock: row.finalized_block as number,
      };
    },

    /** The custody run holding `serial` (its `start` is the registry's hint), or undefined past the batch. */
    findRun(batchId: bigint | string, serial: number): RunView | undefined {
      const row = q.run.get(id(batchId), serial) as Raw | undefined;
      if (row === undefined || (row.end_serial as number) <= serial) return undefined;
      return toRun(row);
    },

    /**
     * The hint a lot operation on `[start, …)` takes (registry v2): 0 when `start` is 0, else the
     * start of the run containing `start - 1`, the left neighbour the registry merges with.
     * Undefined when `start - 1` is past the batch.
     */
    findLotHint(batchId: bigint | string, start: number): number | undefined {
      if (start === 0) return 0;
      const row = q.run.get(id(batchId), start - 1) as Raw | undefined;
      if (row === undefined || (row.end_serial as number) <= start - 1) return undefined;
      return row.start_serial as number;
    },

    /** Every custody run of a batch, in serial order. */
    listRuns(batchId: bigint | string): RunView[] {
      return (q.runs.all(id(batchId)) as Raw[]).map(toRun);
    },

    /** Every link touching the card, oldest first: issuance, the lots it moved in, its redemption. */
    getCardHistory(batchId: bigint | string, serial: number): CardEventView[] {
      const batch = BigInt(batchId);
      const point = {
        issuer: Number(batch >> 32n),
        number: Number(batch & 0xffffffffn) - LOT_OFFSET,
        point: serial - LOT_OFFSET,
      };
      return (q.cardHistory.all({ batchId: id(batchId), serial, ...point }) as Raw[]).map((row) => ({
        blockNumber: row.block_number as number,
        blockHash: (row.block_hash ?? null) as Hex | null,
        logIndex: row.log_index as number,
        txHash: row.tx_hash as Hex,
        blockTimestamp: row.block_timestamp as number | null,
        seq: row.seq as number,
        eventName: row.event_name as string,
        start: row.start_serial as number | null,
        end: row.end_serial as number | null,
        from: row.from_account as Address | null,
        to: row.to_account as Address | null,
        operator: row.operator as Address | null,
        reason: row.reason as number | null,
        cardKey: row.card_key as Address | null,
        head: row.head as Hex,
      }));
    },

    isRedeemed(batchId: bigint | string, serial: number): boolean {
      return q.redemption.get(id(batchId), serial) !== undefined;
    },

    getOrder(orderId: string): OrderView | undefined {
      const row = q.order.get(orderId.toLowerCase()) as Raw | undefined;
      return row === undefined ? undefined : toOrder(row);
    },

    /** An order's transitions, oldest first, with each event's arguments. */
    getOrderEvents(orderId: string): { eventName: string; status: string; blockNumber: number; args: Raw }[] {
      return (q.orderEvents.all(orderId.toLowerCase()) as Raw[]).map((row) => ({
        eventName: row.event_name as string,
        status: row.status as string,
        blockNumber: row.block_number as number,
        args: JSON.parse(row.args_json as string) as Raw,
      }));
    },

    /** Orders in id order, filtered by buyer, supplier and/or batch. */
    listOrders(filter: OrderFilter, { after, limit }: Page<string>): OrderView[] {
      const columns = (["buyer", "supplier", "batchId"] as const).filter((key) => filter[key] !== undefined);
      const signature = columns.join(",");
      let statement = orderQueries.get(signature);
      if (statement === undefined) {
        const where = columns.map((key) => `${key === "batchId" ? "batch_id" : key} = ? AND `).join("");
        statement = db.prepare(`SELECT * FROM orders WHERE ${where}order_id > ? ORDER BY order_id LIMIT ?`);
        orderQueries.set(signature, statement);
      }
      const values = columns.map((key) => (key === "batchId" ? filter.batchId! : addr(filter[key]!)));
      return (statement.all(...values, after?.toLowerCase() ?? "", limit) as Raw[]).map(toOrder);
    },

    getChainHead(batchId: bigint | string): ChainHeadView | undefined {
      const row = q.chainHead.get(id(batchId)) as Raw | undefined;
      return row === undefined ? undefined : toChainHead(row);
    },

    /** Replayed chain heads in numeric batch id order (every one by default). */
    listChainHeads({ after, limit }: Page<bigint | string> = { limit: -1 }): ChainHeadView[] {
      const from = cursor(after);
      return from === undefined ? [] : (q.chainHeads.all(from, limit) as Raw[]).map(toChainHead);
    },

    listChainMismatches(batchId: bigint | string): ChainMismatchView[] {
      return (q.mismatches.all(id(batchId)) as Raw[]).map((row) => ({
        blockNumber: row.block_number as number,
        logIndex: row.log_index as number,
        batchId: row.batch_id as string,
        reason: row.reason as string,
        expectedSeq: row.expected_seq as number,
        actualSeq: row.actual_seq as number,
        expectedHead: row.expected_head as Hex | null,
        claimedHead: row.claimed_head as Hex | null,
      }));
    },

    getIssuer(account: string): IssuerView | undefined {
      const row = q.issuer.get(addr(account)) as Raw | undefined;
      return row === undefined ? undefined : toIssuer(row);
    },

    /** Issuers in issuer id order. */
    listIssuers({ after, limit }: Page<number>): IssuerView[] {
      return (q.issuers.all(after ?? -1, limit) as Raw[]).map(toIssuer);
    },

    /** What `account` can withdraw from the escrow in `token` (decimal string). */
    getCredit(account: string, token: string): string {
      return ((q.credit.get(addr(account), addr(token)) as Raw | undefined)?.amount as string | undefined) ?? "0";
    },

    /** Protection fund and accrued fees in `token` (decimal strings). */
    getPool(token: string): { fund: string; fees: string } {
      const row = q.pool.get(addr(token)) as { fund: string; fees: string } | undefined;
      return row ?? { fund: "0", fees: "0" };
    },
  };
}

export type StoreReader = ReturnType<typeof createStoreReader>;

function toRun(row: Raw): RunView {
  return {
    batchId: row.batch_id as string,
    start: row.start_serial as number,
    end: row.end_serial as number,
    holder: row.holder as Address,
    activated: row.activated === 1,
    revoked: row.revoked === 1,
    revokeReason: row.revoke_reason as number,
  };
}

function toChainHead(row: Raw): ChainHeadView {
  return {
    batchId: row.batch_id as string,
    seq: row.seq as number,
    head: row.head as Hex,
    claimedSeq: row.claimed_seq as number,
    claimedHead: row.claimed_head as Hex,
    chainOk: row.chain_ok === 1,
    mismatches: row.mismatches as number,
  };
}

function toBatch(row: Raw): BatchView {
  return {
    batchId: row.batch_id as string,
    issuer: row.issuer as Address,
    issuerId: row.issuer_id as number,
    merkleRoot: row.merkle_root as Hex,
    count: row.count as number,
    faceValue: row.face_value as string,
    currency: row.currency as Hex,
    expiresAt: row.expires_at as number,
    activationRequired: row.activation_required === 1,
    metadataHash: row.metadata_hash as Hex,
    manifestHash: row.manifest_hash as Hex,
    metadataUri: row.metadata_uri as string,
    stockStart: row.stock_start as number,
    seq: row.seq as number,
    head: row.head as Hex,
    issuedBlock: row.issued_block as number,
    issuedTx: row.issued_tx as Hex,
    issuedAt: row.issued_at as number | null,
  };
}

function toOrder(row: Raw): OrderView {
  return {
    orderId: row.order_id as Hex,
    terms: {
      buyer: row.buyer as Address,
      supplier: row.supplier as Address,
      token: row.token as Address,
      batchId: row.batch_id as string,
      quantity: row.quantity as number,
      unitPrice: row.unit_price as string,
      fulfilDeadline: row.fulfil_deadline as number,
      challengeWindow: row.challenge_window as number,
      minValidity: row.min_validity as number,
      acceptActivated: row.accept_activated === 1,
      policyId: row.policy_id as number,
      buyerRef: row.buyer_ref as Hex,
      salt: row.salt as Hex,
    },
    amount: row.amount as string,
    status: row.status as string,
    lotStart: row.lot_start as number | null,
    lotEnd: row.lot_end as number | null,
    releaseAt: row.release_at as number | null,
    disputeReasonHash: row.dispute_reason_hash as Hex | null,
    disputeDeadline: row.dispute_deadline as number | null,
    returned: row.returned as number,
    openedBlock: row.opened_block as number,
    openedTx: row.opened_tx as Hex,
    updatedBlock: row.updated_block as number,
  };
}

function toIssuer(row: Raw): IssuerView {
  return {
    account: row.account as Address,
    issuerId: row.issuer_id as number,
    profileHash: row.profile_hash as Hex | null,
    registeredBlock: row.registered_block as number | null,
  };
}
