/**
 * Auditor benchmark on a local in-process EDR chain of >= 200,000 registry and escrow events (the
 * indexer benchmark's chain: redemptions with real proofs, lot transfers, escrow orders):
 *
 * - replay speed: the auditor's decoder and state machines over every log, in this process,
 *   fetch excluded (target >= 50,000 events/s), and as `cardproof audit` reports it;
 * - the `eth_getLogs` fetch time, reported apart; the contract checks at the audited block;
 * - peak memory of the `cardproof audit` process;
 * - the comparison with a real indexer's SQLite mirror of the same chain (every table).
 *
 *   npm run bench:audit                      table on stdout, progress on stderr
 *   npm run -s bench:audit -- --json         the same figures as one JSON document on stdout
 *   npm run bench:audit -- --quick           smoke run (3,000 events, one run)
 *
 * Timings vary with the machine: the table reports medians of several runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Hex } from "viem";

import { buildAuditRows, formatAuditValue, type AuditRow } from "./audit/buildAuditRows.js";
import { measureReplay } from "./audit/measureReplay.js";
import { AUDIT_BENCH_USAGE, parseAuditBenchFlags, type AuditBenchFlags } from "./audit/parseAuditBenchFlags.js";
import { runAuditCommand, type AuditRun } from "./audit/runAuditCommand.js";
import { createChainDriver } from "./indexer/createChainDriver.js";
import { generateIndexerEvents } from "./indexer/generateIndexerEvents.js";
import { measureBackfill } from "./indexer/measureBackfill.js";
import { planEvents } from "./indexer/planEvents.js";
import { startJsonRpcServer } from "./indexer/startJsonRpcServer.js";
import { argumentsAfterScript } from "./lib/argumentsAfterScript.js";
import { seconds } from "./lib/prepareBenchBatch.js";
import { renderTable } from "./lib/renderTable.js";
import { readBenchFlags } from "./lib/readBenchFlags.js";
import { withStdoutOnStderr } from "./lib/withStdoutOnStderr.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The indexer's reorg window on the generated chain (blocks below it are final). */
const FINALITY_DEPTH = 64;
/** In-process decode + replay repeats (the median is reported). */
const REPLAY_REPEATS = 5;
const SAMPLE = 200;

const log = (line: string) => console.error(`[bench:audit] ${line}`);

const flags = readBenchFlags(
  () => parseAuditBenchFlags(argumentsAfterScript(process.argv, import.meta.url)),
  AUDIT_BENCH_USAGE,
);

process.exitCode = await main(flags);

async function main({ json, quick, events, runs, noIndexer }: AuditBenchFlags): Promise<number> {
  const started = performance.now();
  process.chdir(REPO_ROOT);
  const { default: hre } = await import("hardhat");
  await withStdoutOnStderr(() => hre.tasks.getTask("build").run({ quiet: true, noTests: true }));
  const connection = await hre.network.connect();
  const driver = createChainDriver(connection.provider);

  log(`generating ${events.toLocaleString("en-US")} events on the local chain`);
  const chain = await generateIndexerEvents(
    { ethers: connection.ethers, driver, plan: planEvents(events), finalityDepth: FINALITY_DEPTH },
    log,
  );
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const server = await startJsonRpcServer(connection.provider);
  const dir = mkdtempSync(join(tmpdir(), "cardproof-bench-audit-"));
  try {
    log(
      `in process: fetching ${chain.events.toLocaleString("en-US")} logs once, then decoding and replaying them ${REPLAY_REPEATS} times`,
    );
    const replay = await measureReplay({
      rpcUrl: server.url,
      chainId,
      registry: chain.registry as Hex,
      escrow: chain.escrow as Hex,
      fromBlock: chain.startBlock,
      toBlock: chain.headBlock,
      repeats: quick ? 2 : REPLAY_REPEATS,
    });
    log(
      `replay: ${Math.round(replay.eventsPerSecond).toLocaleString("en-US")} events/s (decode ${replay.decodeSeconds.toFixed(2)} s, replay ${replay.replaySeconds.toFixed(2)} s); fetch ${replay.fetchSeconds.toFixed(2)} s`,
    );

    const target = [
      "--rpc-url",
      server.url,
      "--registry",
      chain.registry,
      "--escrow",
      chain.escrow,
      "--from-block",
      String(chain.startBlock),
      "--block",
      String(chain.headBlock),
      "--sample",
      String(SAMPLE),
    ];
    const cliRuns: AuditRun[] = [];
    for (let run = 1; run <= runs; run++) {
      const result = await runAuditCommand({ repoRoot: REPO_ROOT, args: target });
      if (result.report.verdict === "incomplete")
        throw new Error(`cardproof audit could not complete: ${result.report.error?.message}`);
      cliRuns.push(result);
      log(
        `cardproof audit run ${run}/${runs}: exit ${result.exitCode}, ${result.seconds.toFixed(1)} s, ` +
          `${result.report.timings.eventsPerSecond.toLocaleString("en-US")} events/s, fetch ${(result.report.timings.fetchMs / 1000).toFixed(2)} s, ` +
          `peak ${(result.peakRss / 1e6).toFixed(0)} MB`,
      );
    }

    let mirror: { backfill: Awaited<ReturnType<typeof measureBackfill>>; run: AuditRun } | undefined;
    if (!noIndexer) {
      const dbPath = join(dir, "indexer.sqlite");
      log("the indexer backfills the same chain into SQLite, for the mirror and API comparison");
      const backfill = await measureBackfill(
        {
          chain,
          server,
          repoRoot: REPO_ROOT,
          dbPath,
          pollIntervalMs: 50,
          finalityDepth: FINALITY_DEPTH,
          timeoutMs: 15 * 60_000,
        },
        log,
      );
      try {
        const api = backfill.indexer.records.find(
          (record) => record.msg === "API listening" && typeof record.url === "string",
        );
        const run = await runAuditCommand({
          repoRoot: REPO_ROOT,
          args: [...target, "--indexer-db", dbPath, ...(api === undefined ? [] : ["--indexer-url", String(api.url)])],
        });
        if (run.report.verdict === "incomplete") {
          throw new Error(`cardproof audit --indexer-db could not complete: ${run.report.error?.message}`);
        }
        log(`mirror and API comparison: exit ${run.exitCode}, ${(run.report.timings.indexerMs / 1000).toFixed(2)} s`);
        mirror = { backfill, run };
      } finally {
        await backfill.indexer.stop();
      }
    }

    const rows = buildAuditRows({
      chain,
      replay,
      runs: cliRuns,
      mirror: mirror === undefined ? undefined : { backfill: withoutProcess(mirror.backfill), run: mirror.run },
      targets: !quick,
    });
    log(`done in ${seconds(started)}`);
    const met = rows.every((item) => item.pass !== false);
    if (json) {
      const document = {
        machine: {
          platform: `${process.platform}-${process.arch}`,
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? "unknown",
          memoryGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        settings: { events, quick, runs, sample: SAMPLE, replayRepeats: quick ? 2 : REPLAY_REPEATS },
        generation: chain,
        replay,
        runs: cliRuns.map((run) => ({
          exitCode: run.exitCode,
          seconds: run.seconds,
          peakRss: run.peakRss,
          timings: run.report.timings,
          checked: run.report.checked,
          findingCounts: run.report.findingCounts,
        })),
        mirror:
          mirror === undefined
            ? null
            : {
                backfillSeconds: mirror.backfill.seconds,
                exitCode: mirror.run.exitCode,
                timings: mirror.run.report.timings,
                indexer: mirror.run.report.checked.indexer,
                findingCounts: mirror.run.report.findingCounts,
                findings: mirror.run.report.findings.slice(0, 20),
              },
        rows,
        met,
      };
      process.stdout.write(
        `${JSON.stringify(document, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`,
      );
    } else {
      console.log(renderRows(rows));
      console.log();
      console.log(met ? "every target met" : "a target was MISSED");
      if (mirror !== undefined && mirror.run.report.findings.length > 0) {
        console.log("\nfindings against the indexer's mirror (first 10):");
        for (const item of mirror.run.report.findings.slice(0, 10)) console.log(`  ${item.kind}: ${item.message}`);
      }
    }
    return met ? 0 : 1;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function withoutProcess<T extends { indexer: unknown }>(value: T): Omit<T, "indexer"> {
  const rest: Partial<T> = { ...value };
  delete rest.indexer;
  return rest as Omit<T, "indexer">;
}

function renderRows(rows: readonly AuditRow[]): string {
  return renderTable(
    ["Figure", ">Result", ">Target", "Met?", "Note"],
    rows.map((item) => [
      item.figure,
      item.value === null ? "-" : formatAuditValue(item.value, item.unit),
      item.target === null ? "-" : `${item.target.op} ${formatAuditValue(item.target.value, item.unit)}`,
      item.pass === null ? "-" : item.pass ? "yes" : "NO",
      item.note,
    ]),
  );
}
