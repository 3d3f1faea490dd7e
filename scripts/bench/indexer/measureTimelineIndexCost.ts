import { rmSync } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";
import type { Address, Hex } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createStore, type ChainIdentity } from "../../../server/store/createStore.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import type { BlockHeader, StoredLog } from "../../../server/store/StoredLog.js";
import { percentile } from "./summarizeLatencies.js";

/** The store's write path with and without the timeline's lot index, in events/s. */
export type TimelineIndexCost = {
  events: number;
  lots: number;
  /** Schema v7 as is: every lot also inserted into the R*Tree `batch_lots` by a trigger. */
  withIndex: { eventsPerSecond: number; runs: number[] };
  /** The v6 write path: no triggers, the v4 partial index `batch_events_lots` instead. */
  withoutIndex: { eventsPerSecond: number; runs: number[] };
};

/**
 * What the lot index of schema v7 costs the write path: the backfill's rows, in the pages it applied
 * them in, through `createStore().applyPage` into fresh SQLite files, once as schema v7 is, once
 * with its triggers dropped and the v4 partial index `batch_events_lots` put back (what v6 wrote).
 * The two alternate, `repeats` times each; medians are reported.
 *
 * @dev Same settings as the indexer (`openDatabase`); rows are decoded and headers read before any
 * clock starts. No RPC, no ABI decoding: the store alone, where the index's cost is largest relative.
 */
export async function measureTimelineIndexCost({
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
  repeats: number;
}): Promise<TimelineIndexCost> {
  const source = new Database(sourceDbPath, { readonly: true, fileMustExist: true });
  let logs: StoredLog[];
  let identity: ChainIdentity;
  let lots: number;
  const last = pages.at(-1)?.toBlock ?? -1;
  try {
    logs = (
      source
        .prepare("SELECT * FROM raw_logs WHERE block_number <= ? ORDER BY block_number, log_index")
        .all(last) as Record<string, unknown>[]
    ).map(toStoredLog);
    lots = source
      .prepare("SELECT count(*) FROM batch_events WHERE block_number <= ? AND end_serial - start_serial > 1")
      .pluck()
      .get(last) as number;
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
  const grouped: { fromBlock: number; toBlock: number; logs: StoredLog[]; header: BlockHeader }[] = [];
  let cursor = 0;
  let fromBlock = startBlock;
  for (const { toBlock } of pages) {
    const pageLogs: StoredLog[] = [];
    while (cursor < logs.length && logs[cursor]!.blockNumber <= toBlock) pageLogs.push(logs[cursor++]!);
    grouped.push({ fromBlock, toBlock, logs: pageLogs, header: await headerOf(toBlock) });
    fromBlock = toBlock + 1;
  }

  const once = (path: string, withIndex: boolean) => {
    const db = openDatabase(path);
    try {
      if (!withIndex) {
        db.exec(`DROP TRIGGER batch_lots_insert; DROP TRIGGER batch_lots_delete;
          CREATE INDEX batch_events_lots ON batch_events (batch_id, start_serial, end_serial)
            WHERE end_serial - start_serial > 1;`);
      }
      const store = createStore({ db, logger: createLogger({ level: "silent" }) });
      store.initIdentity(identity);
      const started = performance.now();
      for (const page of grouped) {
        store.applyPage({
          fromBlock: page.fromBlock,
          toBlock: page.toBlock,
          logs: page.logs,
          headers: [page.header],
          finalizedBlock,
        });
      }
      return logs.length / ((performance.now() - started) / 1000);
    } finally {
      db.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    }
  };
  const withRuns: number[] = [];
  const withoutRuns: number[] = [];
  for (let run = 0; run < repeats; run++) {
    withRuns.push(once(join(dir, `lot-index-with-${run}.sqlite`), true));
    withoutRuns.push(once(join(dir, `lot-index-without-${run}.sqlite`), false));
  }
  return {
    events: logs.length,
    lots,
    withIndex: { eventsPerSecond: percentile(withRuns, 50), runs: withRuns },
    withoutIndex: { eventsPerSecond: percentile(withoutRuns, 50), runs: withoutRuns },
  };
}

function toStoredLog(row: Record<string, unknown>): StoredLog {
  return {
    blockNumber: row.block_number as number,
    logIndex: row.log_index as number,
    blockHash: row.block_hash as Hex,
    blockTimestamp: row.block_timestamp as number | null,
    txHash: row.tx_hash as Hex,
    address: row.address as Address,
    eventName: row.event_name as string | null,
    args: JSON.parse(row.args_json as string) as Record<string, unknown>,
  };
}
