/**
 * Gas benchmark of the VoucherRegistry hot paths, with ERC-721 / ERC-1155 / naive-registry baselines,
 * measured side by side in one run on a fresh in-process EDR chain (`receipt.gasUsed` of real
 * transactions; `estimateGas` for the eth_call-only views).
 *
 *   npx tsx scripts/bench/gas.ts                   table on stdout, progress on stderr
 *   npx tsx scripts/bench/gas.ts --json            the same figures as one JSON document on stdout
 *   npx tsx scripts/bench/gas.ts --write-snapshot  also writes scripts/bench/gas-snapshot.json
 *   npx tsx scripts/bench/gas.ts --check           exit 1 if a hot path grew > 2% over the snapshot
 *
 * Run with `tsx`, not `hardhat run`: `hardhat run` rejects arguments after the script. The script
 * compiles the contracts itself (Hardhat's build task, output sent to stderr) before it connects.
 *
 * @dev Gas is deterministic: a fresh chain, one registry, every transaction in a fixed order, and
 *      seeded card codes (so Merkle roots and proofs, hence calldata, are the same every run).
 */
import { fileURLToPath } from "node:url";

import { createBenchContext } from "./createBenchContext.js";
import { argumentsAfterScript } from "./lib/argumentsAfterScript.js";
import type { GasRow } from "./lib/gasRow.js";
import {
  compareSnapshot,
  readSnapshot,
  REGRESSION_TOLERANCE,
  snapshotOf,
  writeSnapshot,
  type SnapshotDiff,
} from "./lib/gasSnapshot.js";
import { BENCH_USAGE, parseBenchFlags, type BenchFlags } from "./lib/parseBenchFlags.js";
import { seconds } from "./lib/prepareBenchBatch.js";
import { formatGas, renderTable } from "./lib/renderTable.js";
import { readBenchFlags } from "./lib/readBenchFlags.js";
import { withStdoutOnStderr } from "./lib/withStdoutOnStderr.js";
import { measureBaselines } from "./scenarios/measureBaselines.js";
import { measureCustody } from "./scenarios/measureCustody.js";
import { measureIssuance } from "./scenarios/measureIssuance.js";
import { measureRedemption } from "./scenarios/measureRedemption.js";
import { measureSettlement } from "./scenarios/measureSettlement.js";
import { measureViews } from "./scenarios/measureViews.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SNAPSHOT_PATH = fileURLToPath(new URL("./gas-snapshot.json", import.meta.url));
const SNAPSHOT_DISPLAY_PATH = "scripts/bench/gas-snapshot.json";

const log = (line: string) => console.error(`[bench:gas] ${line}`);

const flags = readBenchFlags(
  () => parseBenchFlags(argumentsAfterScript(process.argv, import.meta.url), process.env),
  BENCH_USAGE,
);

process.exitCode = await main(flags);

async function main({ json, check, writeSnapshot: write }: BenchFlags): Promise<number> {
  const started = performance.now();
  // Hardhat finds its config from the working directory: make the script work from anywhere.
  process.chdir(REPO_ROOT);
  const { default: hre } = await import("hardhat");
  await withStdoutOnStderr(() => hre.tasks.getTask("build").run({ quiet: true, noTests: true }));
  const connection = await hre.network.connect();
  const { ethers } = connection;
  const hardfork = "hardfork" in connection.networkConfig ? String(connection.networkConfig.hardfork) : "unknown";
  const ctx = await createBenchContext(ethers, log);
  log(`registry deployed at ${ctx.registryAddress} (chain ${ctx.chainId}, ${hardfork}); preparing batches`);

  const issuance = await measureIssuance(ctx);
  const custody = await measureCustody(ctx);
  const redemption = await measureRedemption(ctx, issuance.million);
  const views = await measureViews(ctx);
  const settlement = await measureSettlement(ctx);
  const issueThousand = issuance.rows.find((row) => row.key === "issueBatch/1000")!;
  const baselines = await measureBaselines(ctx, issuance.thousand, issueThousand.gas);
  const rows = [...issuance.rows, ...custody, ...redemption, ...views, ...settlement, ...baselines];
  log(`measured ${rows.length} figures in ${seconds(started)}`);

  const summary = summarize(rows);
  const current = snapshotOf(rows);
  let comparison: { ok: boolean; diffs: SnapshotDiff[] } | { ok: false; error: string } | null = null;
  if (check) {
    const committed = await readSnapshot(SNAPSHOT_PATH);
    comparison =
      committed === null
        ? {
            ok: false,
            error: `no committed snapshot at ${SNAPSHOT_DISPLAY_PATH}: run npm run gas:snapshot and commit it`,
          }
        : compareSnapshot(committed, current);
  }
  if (write) {
    await writeSnapshot(SNAPSHOT_PATH, current);
    log(`wrote ${SNAPSHOT_DISPLAY_PATH} (${Object.keys(current).length} hot paths)`);
  }

  if (json) {
    const document = {
      chainId: Number(ctx.chainId),
      hardfork,
      rows,
      summary,
      snapshot: current,
      ...(comparison === null ? {} : { check: { tolerance: REGRESSION_TOLERANCE, ...comparison } }),
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    if (comparison !== null) console.error(renderComparison(comparison));
  } else {
    console.log(renderRows(rows));
    console.log();
    console.log(summary.line);
    if (comparison !== null) {
      console.log();
      console.log(renderComparison(comparison));
    }
  }
  return comparison === null || comparison.ok ? 0 : 1;
}

function summarize(rows: readonly GasRow[]) {
  const withTarget = rows.filter((row) => row.pass !== null);
  const missed = withTarget.filter((row) => row.pass === false);
  const line =
    missed.length === 0
      ? `Summary: all ${withTarget.length} targets met (${rows.length} figures).`
      : `Summary: ${withTarget.length - missed.length} of ${withTarget.length} targets met; missed: ` +
        missed
          .map(
            (row) =>
              `${row.key} ${formatGas(row.gas)} > ${formatGas(row.target!)} (+${formatGas(row.gas - row.target!)})`,
          )
          .join(", ") +
        ".";
  return {
    figures: rows.length,
    targets: withTarget.length,
    met: withTarget.length - missed.length,
    missed: missed.map((row) => row.key),
    line,
  };
}

function renderRows(rows: readonly GasRow[]): string {
  return renderTable(
    ["Operation", "Shape", ">Cards", ">Gas", ">Target", "Result", "Note"],
    rows.map((row) => [
      row.operation,
      row.shape,
      formatGas(row.size),
      formatGas(row.gas),
      row.target === null ? "-" : `<= ${formatGas(row.target)}`,
      row.pass === null ? "-" : row.pass ? "pass" : "FAIL",
      row.note,
    ]),
  );
}

function renderComparison(comparison: { ok: boolean; diffs: SnapshotDiff[] } | { ok: false; error: string }): string {
  if ("error" in comparison) return `Gas check: FAIL: ${comparison.error}`;
  const table = renderTable(
    ["Hot path", ">Snapshot", ">Current", ">Change", "Verdict"],
    comparison.diffs.map((diff) => [
      diff.key,
      diff.committed === null ? "-" : formatGas(diff.committed),
      diff.current === null ? "-" : formatGas(diff.current),
      diff.change === null ? "-" : `${diff.change >= 0 ? "+" : ""}${(100 * diff.change).toFixed(2)}%`,
      diff.verdict,
    ]),
  );
  const improved = comparison.diffs.some((diff) => diff.verdict === "improved");
  const verdict = comparison.ok
    ? `Gas check: pass (no hot path grew more than ${100 * REGRESSION_TOLERANCE}% over ${SNAPSHOT_DISPLAY_PATH})` +
      (improved ? "; some improved: run npm run gas:snapshot to lock the gains in" : "")
    : `Gas check: FAIL: a hot path grew more than ${100 * REGRESSION_TOLERANCE}% or the hot paths changed; ` +
      `fix the regression, or if it is intended run npm run gas:snapshot and commit the snapshot with the change`;
  return `${table}\n\n${verdict}`;
}
