/**
 * Indexer benchmark, side by side in one run on a local in-process EDR chain:
 *
 * - backfill: the indexer (its own entry point in a child process, real HTTP JSON-RPC, a fresh
 *   SQLite file) mirrors a chain of >= 200,000 registry and escrow events: events/s, time waiting
 *   on RPC, peak RSS; twice: against the node as is (no cap on `eth_getLogs` answers, like geth)
 *   and behind a hosted provider's cap of 10,000 logs per answer (Infura, Alchemy); next to the
 *   raw ceiling (the same rows through the store's write path, and as bare SQLite inserts, no
 *   RPC, no decode) and the ratio;
 * - live lag: block mined -> event queryable, median and p99 over 60 blocks;
 * - API: card-status lookups with autocannon over a 1,000,000-card batch, and the card timeline at
 *   cards at 1% / 50% / 99% of it and at random cards (the batch's custody is split by one lot
 *   transfer per 10 events: 20,000 lots by default), at 10 / 50 / 100 connections, with card status
 *   at the same connection counts and the CPU split of each run.
 * - Ponder (scripts/bench/ponder, its embedded PGlite database) indexing the same two contracts on
 *   the same chain through the same JSON-RPC server: events/s and peak RSS next to the backfill's.
 * - API while backfilling: card-status and timeline latency at 50 connections, each against a
 *   fresh indexer process while it backfills the same chain.
 *
 *   npm run bench:indexer                      table on stdout, progress on stderr
 *   npm run -s bench:indexer -- --json         the same figures as one JSON document on stdout
 *   npm run bench:indexer -- --events 50000    another event count (default 200,000)
 *   npm run bench:indexer -- --quick           smoke run (3,000 events, 10 blocks, ~10 s of API)
 *   npm run bench:indexer -- --api-only        generation, one backfill and the API only (iteration)
 *   npm run bench:indexer -- --no-ponder       without the Ponder comparison (nothing installed)
 *
 * Run with `tsx` (the npm script does). The script compiles the contracts itself (Hardhat's build
 * task, output sent to stderr) before it connects. Timings vary with the machine: the table
 * reports medians and ratios measured in the same run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Hex } from "viem";

import type { BlockHeader } from "../../server/store/StoredLog.js";
import {
  buildApiRows,
  buildIndexerRows,
  formatValue,
  summarizeRows,
  type IndexerRow,
} from "./indexer/buildIndexerRows.js";
import { createChainDriver } from "./indexer/createChainDriver.js";
import { generateIndexerEvents } from "./indexer/generateIndexerEvents.js";
import { measureApi, type ApiResult } from "./indexer/measureApi.js";
import { TIMELINE_POSITIONS } from "./indexer/measureApiTimeline.js";
import { measureTimelineIndexCost } from "./indexer/measureTimelineIndexCost.js";
import { measureBackfill } from "./indexer/measureBackfill.js";
import { measureDuringBackfill, type DuringBackfillFigure } from "./indexer/measureDuringBackfill.js";
import { measureLiveLag } from "./indexer/measureLiveLag.js";
import { measurePonder, type PonderResult } from "./indexer/measurePonder.js";
import { measureRawCeiling } from "./indexer/measureRawCeiling.js";
import {
  INDEXER_BENCH_USAGE,
  parseIndexerBenchFlags,
  type IndexerBenchFlags,
} from "./indexer/parseIndexerBenchFlags.js";
import { planEvents } from "./indexer/planEvents.js";
import type { IndexerProcess } from "./indexer/spawnIndexer.js";
import { startJsonRpcServer } from "./indexer/startJsonRpcServer.js";
import { argumentsAfterScript } from "./lib/argumentsAfterScript.js";
import { seconds } from "./lib/prepareBenchBatch.js";
import { renderTable } from "./lib/renderTable.js";
import { readBenchFlags } from "./lib/readBenchFlags.js";
import { withStdoutOnStderr } from "./lib/withStdoutOnStderr.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The indexer's default reorg window on a dev chain (`CARDPROOF_FINALITY_DEPTH`). */
const FINALITY_DEPTH = 64;
/** A short poll interval for following the head (the production default is 1,000 ms). */
const POLL_INTERVAL_MS = 50;
/** Runs of each raw ceiling; the median is reported. */
const CEILING_REPEATS = 3;
/** Logs per `eth_getLogs` answer hosted providers allow (Infura, Alchemy: 10,000). */
const PROVIDER_LOG_CAP = 10_000;
/** Connections of the load run against the API while the indexer backfills. */
const DURING_BACKFILL_CONNECTIONS = 50;

const log = (line: string) => console.error(`[bench:indexer] ${line}`);

const flags = readBenchFlags(
  () => parseIndexerBenchFlags(argumentsAfterScript(process.argv, import.meta.url)),
  INDEXER_BENCH_USAGE,
);

process.exitCode = await main(flags);

async function main({ json, quick, events, apiOnly, ponder: withPonder }: IndexerBenchFlags): Promise<number> {
  const started = performance.now();
  const settings = {
    events,
    quick,
    finalityDepth: FINALITY_DEPTH,
    pollIntervalMs: POLL_INTERVAL_MS,
    providerLogCap: PROVIDER_LOG_CAP,
    ceilingRepeats: CEILING_REPEATS,
    liveLagBlocks: quick ? 10 : 60,
    api: { connections: quick ? 10 : 20, durationSeconds: quick ? 2 : 10 },
    apiMatrix: {
      connections: quick ? [10, 100] : [10, 50, 100],
      positions: quick
        ? TIMELINE_POSITIONS.filter((p) => p.label === "99%" || p.label === "random")
        : TIMELINE_POSITIONS,
      statusConnections: quick ? [100] : [10, 50, 100],
      durationSeconds: quick ? 1 : 5,
      warmupSeconds: quick ? 0 : 1,
    },
    apiOnly,
    ponder: withPonder,
    duringBackfill: { connections: DURING_BACKFILL_CONNECTIONS },
  };
  // Hardhat finds its config from the working directory: make the script work from anywhere.
  process.chdir(REPO_ROOT);
  const { default: hre } = await import("hardhat");
  await withStdoutOnStderr(() => hre.tasks.getTask("build").run({ quiet: true, noTests: true }));
  const connection = await hre.network.connect();
  const driver = createChainDriver(connection.provider);

  const plan = planEvents(events);
  log(`generating ${events.toLocaleString("en-US")} events on the local chain`);
  const chain = await generateIndexerEvents(
    { ethers: connection.ethers, driver, plan, finalityDepth: FINALITY_DEPTH },
    log,
  );

  const dir = mkdtempSync(join(tmpdir(), "cardproof-bench-indexer-"));
  const dbPath = join(dir, "indexer.sqlite");
  const server = await startJsonRpcServer(connection.provider);
  const cappedServer = await startJsonRpcServer(connection.provider, { maxLogsPerResponse: PROVIDER_LOG_CAP });
  try {
    const backfillOptions = {
      chain,
      repoRoot: REPO_ROOT,
      pollIntervalMs: POLL_INTERVAL_MS,
      finalityDepth: FINALITY_DEPTH,
      timeoutMs: 15 * 60_000,
    };
    let backfillCapped: Omit<Awaited<ReturnType<typeof measureBackfill>>, "indexer"> | undefined;
    if (!apiOnly) {
      log(`backfill behind a provider cap of ${PROVIDER_LOG_CAP.toLocaleString("en-US")} logs per eth_getLogs answer`);
      const { indexer: cappedIndexer, ...capped } = await measureBackfill(
        { ...backfillOptions, server: cappedServer, dbPath: join(dir, "indexer-capped.sqlite") },
        log,
      );
      await cappedIndexer.stop();
      backfillCapped = capped;
    }

    log("backfill against the node as is (no cap on eth_getLogs answers)");
    const { indexer, ...backfill } = await measureBackfill({ ...backfillOptions, server, dbPath }, log);
    let liveLag: Awaited<ReturnType<typeof measureLiveLag>> | undefined;
    let api: ApiResult;
    try {
      if (!apiOnly) {
        liveLag = await measureLiveLag(
          { driver, chain, dbPath, blocks: settings.liveLagBlocks, pollIntervalMs: POLL_INTERVAL_MS },
          log,
        );
      }
      api = await measureApi(
        {
          baseUrl: apiUrlOf(indexer),
          batchId: chain.apiBatch.batchId,
          count: chain.apiBatch.count,
          runs: 2 * chain.plan.transfers + 1,
          lots: 1 + chain.plan.transfers,
          pid: indexer.pid,
          matrix: settings.apiMatrix,
          ...settings.api,
        },
        log,
      );
    } finally {
      await indexer.stop();
    }
    log("lot index: the store's write path with and without schema v7's R*Tree triggers");
    const lotIndex = await measureTimelineIndexCost({
      sourceDbPath: dbPath,
      pages: backfill.pages,
      startBlock: chain.startBlock,
      finalizedBlock: backfill.finalizedBlock,
      headerOf: (number) => headerOf(driver.rpc, number),
      dir,
      repeats: quick ? 1 : CEILING_REPEATS,
      batch: chain.apiBatch,
    });
    if (apiOnly || backfillCapped === undefined || liveLag === undefined) {
      const rows = buildApiRows(api, lotIndex);
      log(`done in ${seconds(started)} (--api-only: no capped backfill, live lag or raw ceiling)`);
      const document = { settings, generation: chain, backfill, api, lotIndex, rows };
      if (json) process.stdout.write(`${JSON.stringify(document, bigintsAsText, 2)}\n`);
      else console.log(renderRows(rows));
      return 0;
    }
    // The load runs for half the backfill's unloaded time: it ends while the indexer still backfills.
    const loadSeconds = Math.max(1, Math.floor(backfill.seconds / 2));
    const duringBackfill: DuringBackfillFigure[] = [];
    for (const route of ["status", "timeline"] as const) {
      duringBackfill.push(
        await measureDuringBackfill(
          {
            ...backfillOptions,
            server,
            dbPath: join(dir, `indexer-during-${route}.sqlite`),
            route,
            connections: DURING_BACKFILL_CONNECTIONS,
            loadSeconds,
          },
          log,
        ),
      );
    }
    // After CardProof's indexer has stopped, so the two never share the machine's cores.
    const ponder: PonderResult = withPonder
      ? await measurePonder({ chain, server, repoRoot: REPO_ROOT, timeoutMs: 15 * 60_000 }, log)
      : { status: "skipped", reason: "left out (--no-ponder)" };
    log(`raw ceiling: the same rows and pages into fresh SQLite files, ${CEILING_REPEATS} runs each`);
    const ceiling = await measureRawCeiling({
      sourceDbPath: dbPath,
      pages: backfill.pages,
      startBlock: chain.startBlock,
      finalizedBlock: backfill.finalizedBlock,
      headerOf: (number) => headerOf(driver.rpc, number),
      dir,
      repeats: CEILING_REPEATS,
    });

    const rows = buildIndexerRows({
      chain,
      backfill,
      backfillCapped,
      logCap: PROVIDER_LOG_CAP,
      ceiling,
      liveLag,
      api,
      lotIndex,
      ponder,
      duringBackfill,
    });
    const summary = summarizeRows(rows);
    log(`done in ${seconds(started)}`);
    if (json) {
      const document = {
        machine: {
          platform: `${process.platform}-${process.arch}`,
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? "unknown",
          memoryGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        settings,
        generation: chain,
        backfill,
        backfillCapped,
        ceiling,
        liveLag,
        api,
        lotIndex,
        ponder,
        duringBackfill,
        rows,
        summary,
      };
      process.stdout.write(`${JSON.stringify(document, bigintsAsText, 2)}\n`);
    } else {
      console.log(renderRows(rows));
      console.log();
      console.log(summary.line);
    }
    return 0;
  } finally {
    await Promise.all([server.close(), cappedServer.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** JSON.stringify replacer: bigints as decimal strings. */
function bigintsAsText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** The API's base URL, from the indexer process's log line announcing it (undefined without an API). */
function apiUrlOf(indexer: IndexerProcess): string | undefined {
  const record = indexer.records.find((r) => r.msg === "API listening" && typeof r.url === "string");
  return record === undefined ? undefined : String(record.url);
}

async function headerOf(
  rpc: <T>(method: string, params?: unknown[]) => Promise<T>,
  number: number,
): Promise<BlockHeader> {
  const block = await rpc<{ number: Hex; hash: Hex; parentHash: Hex; timestamp: Hex }>("eth_getBlockByNumber", [
    `0x${number.toString(16)}`,
    false,
  ]);
  return {
    number: Number(BigInt(block.number)),
    hash: block.hash,
    parentHash: block.parentHash,
    timestamp: Number(BigInt(block.timestamp)),
  };
}

function renderRows(rows: readonly IndexerRow[]): string {
  return renderTable(
    ["Measure", ">Value", ">Target", "Result", "Note"],
    rows.map((row) => [
      row.measure,
      row.value === null ? "-" : formatValue(row.value, row.unit),
      row.target === null ? "-" : `${row.target.op} ${formatValue(row.target.value, row.unit)}`,
      row.value === null ? "skipped" : row.pass === null ? "-" : row.pass ? "pass" : "FAIL",
      row.note,
    ]),
  );
}
