import { rmSync } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";
import type { Address, Hex } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createStore, type ChainIdentity } from "../../../server/store/createStore.js";
import { createStoreReader } from "../../../server/store/createStoreReader.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import type { BlockHeader, StoredLog } from "../../../server/store/StoredLog.js";
import { toStoredLog } from "../../../server/store/toStoredLog.js";
import { percentile } from "./summarizeLatencies.js";

/** One way of storing lots: write-path speed, and a card's timeline read at each position. */
export type LotIndexFigure = {
  eventsPerSecond: number;
  runs: number[];
  /** Microseconds per timeline read (`getCardHistory`'s statement) by card position, from the last run. */
  readMicros: Record<string, number>;
};

/** The store's write path with and without the timeline's lot index, and the timeline read in each. */
export type TimelineIndexCost = {
  events: number;
  lots: number;
  /** Schema v7 as is: every lot also inserted into the R*Tree `batch_lots` by a trigger. */
  withIndex: LotIndexFigure;
  /** The v6 write path: no triggers, the v4 partial index `batch_events_lots` instead. */
  withoutIndex: LotIndexFigure;
};

/** Where the timeline reads are timed: cards at these shares of the batch. */
const READ_POSITIONS = [0.01, 0.5, 0.99];
/** Time spent reading one position's timeline (after a warm-up read). */
const READ_MS = 300;

/** The v6 timeline statement: one-card events by a seek, lots by scanning the v4 partial index. */
const V6_CARD_HISTORY = `SELECT e.*, l.block_hash FROM batch_events e
     LEFT JOIN raw_logs l ON l.block_number = e.block_number AND l.log_index = e.log_index
     WHERE e.batch_id = @batchId AND e.start_serial = @serial AND e.end_serial = @serial + 1
   UNION ALL
   SELECT e.*, l.block_hash FROM batch_events e
     LEFT JOIN raw_logs l ON l.block_number = e.block_number AND l.log_index = e.log_index
     WHERE e.batch_id = @batchId AND e.end_serial - e.start_serial > 1
       AND e.start_serial <= @serial AND e.end_serial > @serial
   ORDER BY block_number, log_index`;

/**
 * What the lot index of schema v7 costs the write path: the backfill's rows, in the pages it applied
 * them in, through `createStore().applyPage` into fresh SQLite files, once as schema v7 is, once
 * with its triggers dropped and the v4 partial index `batch_events_lots` put back (what v6 wrote).
 * The two alternate, `repeats` times each; medians are reported. After the last run of each, a
 * card's timeline is read at 1% / 50% / 99% of `batch` for {@link READ_MS} ms each: through
 * `createStoreReader` (the R*Tree) on the v7 file, through v6's statement on the other, whose
 * answers must be the same.
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
  batch,
}: {
  sourceDbPath: string;
  pages: readonly { toBlock: number }[];
  startBlock: number;
  finalizedBlock: number;
  headerOf: (number: number) => Promise<BlockHeader>;
  dir: string;
  repeats: number;
  /** The batch whose cards' timelines are read. */
  batch: { batchId: bigint; count: number };
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

  const reads: Record<"with" | "without", Record<string, number>> = { with: {}, without: {} };
  const answers: Record<"with" | "without", string[]> = { with: [], without: [] };
  const once = (path: string, withIndex: boolean, timeReads: boolean) => {
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
      const eventsPerSecond = logs.length / ((performance.now() - started) / 1000);
      if (timeReads) {
        const reader = createStoreReader(db);
        const v6 = withIndex ? undefined : db.prepare(V6_CARD_HISTORY);
        const read = (serial: number) =>
          v6 === undefined
            ? reader.getCardHistory(batch.batchId, serial).map((event) => `${event.blockNumber}/${event.logIndex}`)
            : (
                v6.all({ batchId: batch.batchId.toString(), serial }) as { block_number: number; log_index: number }[]
              ).map((row) => `${row.block_number}/${row.log_index}`);
        const key = withIndex ? "with" : "without";
        for (const share of READ_POSITIONS) {
          const serial = Math.min(batch.count - 1, Math.floor(batch.count * share));
          answers[key].push(read(serial).join(","));
          let count = 0;
          const from = performance.now();
          while (performance.now() - from < READ_MS) {
            read(serial);
            count++;
          }
          reads[key][`${Math.round(share * 100)}%`] = ((performance.now() - from) * 1000) / count;
        }
      }
      return eventsPerSecond;
    } finally {
      db.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    }
  };
  const withRuns: number[] = [];
  const withoutRuns: number[] = [];
  for (let run = 0; run < repeats; run++) {
    const last = run === repeats - 1;
    withRuns.push(once(join(dir, `lot-index-with-${run}.sqlite`), true, last));
    withoutRuns.push(once(join(dir, `lot-index-without-${run}.sqlite`), false, last));
  }
  if (answers.with.join(";") !== answers.without.join(";")) {
    throw new Error("lot index: the v7 timeline and v6's statement answered differently on the same rows");
  }
  return {
    events: logs.length,
    lots,
    withIndex: { eventsPerSecond: percentile(withRuns, 50), runs: withRuns, readMicros: reads.with },
    withoutIndex: { eventsPerSecond: percentile(withoutRuns, 50), runs: withoutRuns, readMicros: reads.without },
  };
}
