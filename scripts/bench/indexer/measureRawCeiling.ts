import { rmSync } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";
import type { Address, Hex } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createStore, type ChainIdentity } from "../../../server/store/createStore.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import type { BlockHeader } from "../../../server/store/StoredLog.js";
import { toStoredLog } from "../../../server/store/toStoredLog.js";
import { percentile } from "./summarizeLatencies.js";

/** Events/s of one way of writing the rows: the median run, and every run's figure. */
export type CeilingFigure = { seconds: number; eventsPerSecond: number; runs: number[] };

type RawLogRow = {
  block_number: number;
  log_index: number;
  block_hash: Hex;
  block_timestamp: number | null;
  tx_hash: Hex;
  address: Address;
  event_name: string | null;
  args_json: string;
};

/**
 * The raw ceilings the backfill is compared with: the rows the indexer mirrored, in the pages it
 * applied them in, written again into fresh SQLite files with no RPC and no ABI decoding:
 *
 * - `store`: through the store's own write path (`createStore().applyPage`: raw log, derived
 *   state and events, hash-chain replay, checkpoint; one transaction per page), from the
 *   decoded rows (`StoredLog`s rebuilt from `raw_logs` before the clock starts);
 * - `sqlite`: plain prepared `INSERT`s of the same `raw_logs` rows, one transaction per page:
 *   what SQLite alone costs.
 *
 * @dev Same database settings as the indexer (`openDatabase`: WAL, synchronous=NORMAL). The pages'
 *      last headers are read from the chain before timing. Each way runs `repeats` times on a
 *      fresh file; the median run is reported. Run while nothing else is busy.
 */
export async function measureRawCeiling({
  sourceDbPath,
  pages,
  startBlock,
  finalizedBlock,
  headerOf,
  dir,
  repeats,
}: {
  sourceDbPath: string;
  pages: readonly { toBlock: number }[];
  startBlock: number;
  finalizedBlock: number;
  headerOf: (number: number) => Promise<BlockHeader>;
  dir: string;
  /** Runs of each way, on a fresh file each time; the median is reported (the machine is shared). */
  repeats: number;
}): Promise<{ events: number; store: CeilingFigure; sqlite: CeilingFigure }> {
  const source = new Database(sourceDbPath, { readonly: true, fileMustExist: true });
  let rows: RawLogRow[];
  let identity: ChainIdentity;
  try {
    // Only the backfill's rows: the mirror has grown since (live-lag blocks).
    rows = source
      .prepare("SELECT * FROM raw_logs WHERE block_number <= ? ORDER BY block_number, log_index")
      .all(pages.at(-1)?.toBlock ?? -1) as RawLogRow[];
    const state = source.prepare("SELECT * FROM sync_state WHERE id = 1").get() as Record<string, unknown>;
    identity = {
      chainId: state.chain_id as string,
      genesisHash: state.genesis_hash as Hex,
      registry: state.registry as Address,
      escrow: state.escrow as Address | null,
      startBlock: state.start_block as number,
    };
  } finally {
    source.close();
  }

  // Page boundaries and rows per page, prepared before any clock starts.
  const grouped: { fromBlock: number; toBlock: number; rows: RawLogRow[]; header: BlockHeader }[] = [];
  let cursor = 0;
  let fromBlock = startBlock;
  for (const { toBlock } of pages) {
    const pageRows: RawLogRow[] = [];
    while (cursor < rows.length && rows[cursor]!.block_number <= toBlock) pageRows.push(rows[cursor++]!);
    grouped.push({ fromBlock, toBlock, rows: pageRows, header: await headerOf(toBlock) });
    fromBlock = toBlock + 1;
  }
  if (cursor !== rows.length) throw new Error("raw ceiling: the pages do not cover every mirrored row");

  const decoded = grouped.map((page) => ({ ...page, logs: page.rows.map(toStoredLog) }));
  const throughStore = (path: string) => {
    const db = openDatabase(path);
    try {
      const writer = createStore({ db, logger: createLogger({ level: "silent" }) });
      writer.initIdentity(identity);
      const started = performance.now();
      for (const page of decoded) {
        writer.applyPage({
          fromBlock: page.fromBlock,
          toBlock: page.toBlock,
          logs: page.logs,
          headers: [page.header],
          finalizedBlock,
        });
      }
      return (performance.now() - started) / 1000;
    } finally {
      db.close();
      removeDatabase(path);
    }
  };
  const bareInserts = (path: string) => {
    const db = openDatabase(path);
    try {
      const insert = db.prepare(
        `INSERT INTO raw_logs (block_number, log_index, block_hash, block_timestamp, tx_hash, address, event_name, args_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertPage = db.transaction((pageRows: readonly RawLogRow[]) => {
        for (const row of pageRows) {
          insert.run(
            row.block_number,
            row.log_index,
            row.block_hash,
            row.block_timestamp,
            row.tx_hash,
            row.address,
            row.event_name,
            row.args_json,
          );
        }
      });
      const started = performance.now();
      for (const page of grouped) insertPage(page.rows);
      return (performance.now() - started) / 1000;
    } finally {
      db.close();
      removeDatabase(path);
    }
  };
  const store = medianOf(rows.length, repeats, (run) => throughStore(join(dir, `ceiling-store-${run}.sqlite`)));
  const sqlite = medianOf(rows.length, repeats, (run) => bareInserts(join(dir, `ceiling-sqlite-${run}.sqlite`)));
  return { events: rows.length, store, sqlite };
}

/** Deletes a SQLite file with its WAL and shared-memory files. */
function removeDatabase(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
}

/** Runs `once` `repeats` times (each on its own file, deleted after) and keeps the median time. */
function medianOf(events: number, repeats: number, once: (run: number) => number): CeilingFigure {
  const times: number[] = [];
  for (let run = 0; run < repeats; run++) times.push(once(run));
  const seconds = percentile(times, 50);
  return { seconds, eventsPerSecond: events / seconds, runs: times.map((time) => events / time) };
}
