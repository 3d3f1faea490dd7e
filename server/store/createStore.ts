import type { Database } from "better-sqlite3";
import type { Address, Hex } from "viem";

import type { Logger } from "../internal/createLogger.js";
import { CheckpointMismatchError } from "./CheckpointMismatchError.js";
import { createEventWriter } from "./createEventWriter.js";
import { createProvenanceTracker } from "./createProvenanceTracker.js";
import { createStateJournal } from "./createStateJournal.js";
import { createStoreReader } from "./createStoreReader.js";
import { deriveEscrowLog } from "./deriveEscrowLog.js";
import { deriveRegistryLog, type BatchRow, type RunRow } from "./deriveRegistryLog.js";
import { RollbackBelowFinalizedError } from "./RollbackBelowFinalizedError.js";
import { DERIVED_TABLES, EVENT_TABLES } from "./schemaV1.js";
import type { BlockHeader, StoredLog } from "./StoredLog.js";
import { toStoredLog } from "./toStoredLog.js";

/** Which chain and contracts a database mirrors; fixed when it is first synced. */
export type ChainIdentity = {
  chainId: string;
  genesisHash: Hex;
  registry: Address;
  escrow: Address | null;
  startBlock: number;
};

/** How far the mirror goes: the last applied block and the block up to which it is taken as final. */
export type Checkpoint = { blockNumber: number; blockHash: Hex; finalizedBlock: number };

/** One page of logs: every log of the followed contracts in `[fromBlock, toBlock]`, in chain order. */
export type StorePage = {
  fromBlock: number;
  toBlock: number;
  logs: readonly StoredLog[];
  /** Must include `toBlock`'s header (its hash becomes the checkpoint's); unfinalized blocks are kept for reorg checks. */
  headers: readonly BlockHeader[];
  /** The chain's finalized block as the caller sees it; blocks at or below it get no undo entries. */
  finalizedBlock: number;
};

/** Raw logs written by one multi-row `INSERT`, of `LOG_COLUMNS` values each. */
const LOGS_PER_INSERT = 64;
const LOG_COLUMNS = 8;

type SyncStateRow = {
  chain_id: string;
  genesis_hash: Hex;
  registry: Address;
  escrow: Address | null;
  start_block: number;
  last_block: number | null;
  last_block_hash: Hex | null;
  finalized_block: number;
};

/**
 * The indexer's SQLite mirror: raw logs, derived tables, block headers of the reorg window and
 * the checkpoint, written only through `applyPage`, `rollbackTo` and `rebuildDerived`, each one
 * transaction. Reads (`getBatch`, `findRun`, ...) come from `createStoreReader`.
 *
 * @dev Exactly once: `applyPage` refuses a page that does not start right after the checkpoint,
 * and writes the logs, their derived state, the headers and the new checkpoint in one
 * transaction; a crash anywhere leaves the previous page's state, which the next run resumes from.
 * Rollback: state tables are restored from the undo journal (see `createStateJournal`), event
 * tables and raw logs lose their rows above the target block.
 */
export function createStore({ db, logger }: { db: Database; logger: Logger }) {
  const journal = createStateJournal(db);
  const events = createEventWriter(db);
  const provenance = createProvenanceTracker({ journal, events, logger });
  const reader = createStoreReader(db);

  const q = {
    state: db.prepare("SELECT * FROM sync_state WHERE id = 1"),
    insertState: db.prepare(
      `INSERT INTO sync_state (id, chain_id, genesis_hash, registry, escrow, start_block)
       VALUES (1, @chainId, @genesisHash, @registry, @escrow, @startBlock)`,
    ),
    checkpoint: db.prepare(
      "UPDATE sync_state SET last_block = ?, last_block_hash = ?, finalized_block = ? WHERE id = 1",
    ),
    insertLog: db.prepare(
      `INSERT INTO raw_logs (block_number, log_index, block_hash, block_timestamp, tx_hash, address, event_name, args_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertLogs: db.prepare(
      `INSERT INTO raw_logs (block_number, log_index, block_hash, block_timestamp, tx_hash, address, event_name, args_json)
       VALUES ${Array.from({ length: LOGS_PER_INSERT }, () => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    ),
    insertHeader: db.prepare(
      "INSERT OR REPLACE INTO blocks (number, hash, parent_hash, timestamp) VALUES (@number, @hash, @parentHash, @timestamp)",
    ),
    header: db.prepare("SELECT number, hash, parent_hash AS parentHash, timestamp FROM blocks WHERE number = ?"),
    headersDown: db.prepare(
      "SELECT number, hash, parent_hash AS parentHash, timestamp FROM blocks WHERE number <= ? ORDER BY number DESC",
    ),
    pruneHeaders: db.prepare("DELETE FROM blocks WHERE number < ? AND number <> ?"),
    pruneUndo: db.prepare("DELETE FROM undo_log WHERE block_number <= ?"),
    runContaining: db.prepare(
      "SELECT * FROM runs WHERE batch_id = ? AND start_serial <= ? ORDER BY start_serial DESC LIMIT 1",
    ),
    runsStartingIn: db.prepare(
      "SELECT * FROM runs WHERE batch_id = ? AND start_serial >= ? AND start_serial < ? ORDER BY start_serial",
    ),
    // Batch ids are issuerId << 32 | number (below 2^56, so the integer cast is exact).
    batchesOfIssuer: db.prepare(
      "SELECT * FROM batches WHERE CAST(batch_id AS INTEGER) >= ? AND CAST(batch_id AS INTEGER) < ? ORDER BY CAST(batch_id AS INTEGER)",
    ),
    logsAfter: db.prepare(
      `SELECT * FROM raw_logs WHERE (block_number, log_index) > (?, ?) ORDER BY block_number, log_index LIMIT 2000`,
    ),
  };

  /** Raw-log rows of the page not written yet, column values flat; written LOGS_PER_INSERT at a time. */
  const pendingLogs: (string | number | null)[] = [];
  function flushLogs() {
    if (pendingLogs.length === LOG_COLUMNS * LOGS_PER_INSERT) q.insertLogs.run(pendingLogs);
    else
      for (let i = 0; i < pendingLogs.length; i += LOG_COLUMNS) q.insertLog.run(pendingLogs.slice(i, i + LOG_COLUMNS));
    pendingLogs.length = 0;
  }

  const syncState = () => q.state.get() as SyncStateRow | undefined;
  const registryContext = {
    journal,
    events,
    logger,
    runContaining: (batchId: string, serial: number) => q.runContaining.get(batchId, serial) as RunRow | undefined,
    runsStartingIn: (batchId: string, from: number, to: number) => q.runsStartingIn.all(batchId, from, to) as RunRow[],
    batchesOfIssuer: (issuerId: number) =>
      q.batchesOfIssuer.all(BigInt(issuerId) << 32n, BigInt(issuerId + 1) << 32n) as BatchRow[],
  };

  function derive(state: SyncStateRow, log: StoredLog) {
    journal.begin(log.blockNumber, log.blockNumber > state.finalized_block);
    if (log.address === state.registry) {
      deriveRegistryLog(registryContext, log);
      provenance.link(log);
    } else if (state.escrow !== null && log.address === state.escrow) {
      deriveEscrowLog({ journal, events, logger }, log);
    }
  }

  /** Runs a write transaction; the journal's pending rows go with it when it fails. */
  function withJournal<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      pendingLogs.length = 0;
      events.discard();
      journal.discard();
      throw error;
    }
  }

  function requireState(): SyncStateRow {
    const state = syncState();
    if (state === undefined) throw new Error("store: initIdentity() must run before the first page");
    return state;
  }

  const applyPageTransaction = db.transaction((page: StorePage) => {
    const state = requireState();
    const expectedFrom = state.last_block === null ? state.start_block : state.last_block + 1;
    if (page.fromBlock !== expectedFrom || page.toBlock < page.fromBlock) {
      throw new CheckpointMismatchError(expectedFrom, page.fromBlock, page.toBlock);
    }
    const tip = page.headers.find((header) => header.number === page.toBlock);
    if (tip === undefined) throw new Error(`store: page [${page.fromBlock}, ${page.toBlock}] lacks its last header`);
    const finalized = Math.max(state.finalized_block, Math.min(page.finalizedBlock, page.toBlock));
    const current = { ...state, finalized_block: finalized };
    for (const log of page.logs) {
      if (log.blockNumber < page.fromBlock || log.blockNumber > page.toBlock) {
        throw new Error(`store: log of block ${log.blockNumber} outside page [${page.fromBlock}, ${page.toBlock}]`);
      }
      pendingLogs.push(
        log.blockNumber,
        log.logIndex,
        log.blockHash,
        log.blockTimestamp,
        log.txHash,
        log.address,
        log.eventName,
        JSON.stringify(log.args),
      );
      if (pendingLogs.length === LOG_COLUMNS * LOGS_PER_INSERT) flushLogs();
      derive(current, log);
    }
    flushLogs();
    events.flush();
    journal.flush();
    for (const header of page.headers) {
      if (header.number >= finalized || header.number === page.toBlock) q.insertHeader.run(header);
    }
    q.checkpoint.run(page.toBlock, tip.hash, finalized);
    q.pruneHeaders.run(finalized, page.toBlock);
    q.pruneUndo.run(finalized);
  });

  const rollbackTo = db.transaction((blockNumber: number) => {
    const state = requireState();
    if (state.last_block === null || blockNumber >= state.last_block) return { undone: 0 };
    if (blockNumber < state.finalized_block) throw new RollbackBelowFinalizedError(blockNumber, state.finalized_block);
    let hash: Hex | null = null;
    if (blockNumber >= state.start_block) {
      const header = q.header.get(blockNumber) as BlockHeader | undefined;
      if (header === undefined) throw new Error(`store: no header kept for block ${blockNumber}`);
      hash = header.hash;
    }
    const undone = journal.undoAfter(blockNumber);
    for (const table of EVENT_TABLES) db.prepare(`DELETE FROM ${table} WHERE block_number > ?`).run(blockNumber);
    db.prepare("DELETE FROM raw_logs WHERE block_number > ?").run(blockNumber);
    db.prepare("DELETE FROM blocks WHERE number > ?").run(blockNumber);
    q.checkpoint.run(hash === null ? null : blockNumber, hash, state.finalized_block);
    return { undone };
  });

  const rebuildDerived = db.transaction(() => {
    const state = requireState();
    for (const table of DERIVED_TABLES) db.prepare(`DELETE FROM ${table}`).run();
    db.prepare("DELETE FROM undo_log").run();
    let cursor: [number, number] = [-1, -1];
    let count = 0;
    for (;;) {
      const rows = q.logsAfter.all(cursor[0], cursor[1]) as Record<string, unknown>[];
      if (rows.length === 0) break;
      for (const row of rows) {
        derive(state, toStoredLog(row));
        count++;
      }
      const last = rows[rows.length - 1]!;
      cursor = [last.block_number as number, last.log_index as number];
    }
    events.flush();
    journal.flush();
    logger.info("derived tables rebuilt from raw logs", { logs: count });
    return { logs: count };
  });

  return {
    ...reader,

    /** The chain and contracts this database mirrors, or undefined for a new database. */
    getIdentity(): ChainIdentity | undefined {
      const state = syncState();
      if (state === undefined) return undefined;
      return {
        chainId: state.chain_id,
        genesisHash: state.genesis_hash,
        registry: state.registry,
        escrow: state.escrow,
        startBlock: state.start_block,
      };
    },

    /** Binds a new database to a chain and contracts. */
    initIdentity(identity: ChainIdentity): void {
      q.insertState.run({ ...identity, registry: identity.registry.toLowerCase(), escrow: identity.escrow });
    },

    /** The last applied block, or undefined before the first page. */
    getCheckpoint(): Checkpoint | undefined {
      const state = syncState();
      if (state === undefined || state.last_block === null || state.last_block_hash === null) return undefined;
      return { blockNumber: state.last_block, blockHash: state.last_block_hash, finalizedBlock: state.finalized_block };
    },

    /** The first block the next page must start at. */
    nextBlock(): number {
      const state = requireState();
      return state.last_block === null ? state.start_block : state.last_block + 1;
    },

    /** The kept header of block `number` (unfinalized blocks and the checkpoint block). */
    getHeader(number: number): BlockHeader | undefined {
      return q.header.get(number) as BlockHeader | undefined;
    },

    /** Kept headers at or below `number`, newest first: where a common ancestor is searched. */
    listHeadersDown(number: number): BlockHeader[] {
      return q.headersDown.all(number) as BlockHeader[];
    },

    /**
     * Appends one page: raw logs, derived state, headers and checkpoint, in one transaction.
     * @dev Throws {@link CheckpointMismatchError} (writing nothing) unless `page.fromBlock` is the next block.
     */
    applyPage(page: StorePage): void {
      withJournal(() => applyPageTransaction(page));
    },

    /**
     * Makes the mirror exactly what it was after block `blockNumber` was applied (a no-op at or
     * above the checkpoint). Throws {@link RollbackBelowFinalizedError} below the finalized block.
     */
    rollbackTo(blockNumber: number): { undone: number } {
      return withJournal(() => rollbackTo(blockNumber));
    },

    /** Recomputes every derived table from `raw_logs` alone (no RPC), in one transaction. */
    rebuildDerived(): { logs: number } {
      return withJournal(() => rebuildDerived());
    },

    /** Empties the database, identity included: the next run syncs from scratch. */
    reset(): void {
      db.transaction(() => {
        for (const table of [...DERIVED_TABLES, "raw_logs", "blocks", "undo_log", "sync_state"]) {
          db.prepare(`DELETE FROM ${table}`).run();
        }
      })();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
