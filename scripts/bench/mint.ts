/**
 * Batch preparation benchmark, side by side in one run:
 *
 * - preparing a 1,000,000-card batch with `prepareBatch` (codes, card keys + leaves, tree,
 *   manifest) and writing its encrypted codes file: seconds per stage, total, peak RSS, in a fresh
 *   child process so that the memory figure is the preparation's alone;
 * - the baseline: `@openzeppelin/merkle-tree`'s StandardMerkleTree over the same card keys, in its
 *   own process, next to our one-thread build of the same tree, and the ratio;
 * - proof of a random serial, median and p99 over 1,000 serials, ours vs the baseline;
 * - printing 1,000 of the batch's cards to a PDF from the decrypted codes file.
 *
 *   npm run bench:mint                      table on stdout, progress on stderr
 *   npm run -s bench:mint -- --json         the same figures as one JSON document on stdout
 *   npm run bench:mint -- --quick           smoke run (100,000 cards)
 *   npm run bench:mint -- --cards 250000    another batch size
 *
 * Files go to a temporary folder, deleted at the end. Timings vary with the machine and its load:
 * compare figures of the same run.
 */
import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { defaultWorkerCount } from "../mint/prepareBatch.js";
import { argumentsAfterScript } from "./lib/argumentsAfterScript.js";
import { readBenchFlags } from "./lib/readBenchFlags.js";
import { renderTable } from "./lib/renderTable.js";
import type { BaselineJob, BaselineResult } from "./mint/baselineChild.js";
import { buildMintRows, formatValue, summarizeMintRows, type MintRow } from "./mint/buildMintRows.js";
import { MINT_BENCH_USAGE, parseMintBenchFlags, type MintBenchFlags } from "./mint/parseMintBenchFlags.js";
import type { PreparationJob, PreparationResult } from "./mint/preparationChild.js";
import { printCards } from "./mint/printCards.js";
import { runBenchChild } from "./mint/runBenchChild.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Random serials whose proofs are timed (the same ones for both trees). */
const PROOF_SAMPLES = 1_000;
/** Cards printed to the PDF. */
const PRINT_CARDS = 1_000;

const log = (line: string) => console.error(`[bench:mint] ${line}`);

const flags = readBenchFlags(
  () => parseMintBenchFlags(argumentsAfterScript(process.argv, import.meta.url)),
  MINT_BENCH_USAGE,
);

process.exitCode = await main(flags);

async function main({ json, quick, cards }: MintBenchFlags): Promise<number> {
  const started = performance.now();
  const serials = Array.from({ length: PROOF_SAMPLES }, () => randomInt(cards));
  // StandardMerkleTree keeps every node as a hex string: give it room (about 3 GB at 1,000,000 cards).
  const baselineNodeOptions = totalmem() >= 12 * 2 ** 30 ? ["--max-old-space-size=8192"] : [];
  const settings = {
    cards,
    quick,
    workers: defaultWorkerCount(cards),
    proofSamples: PROOF_SAMPLES,
    printCards: PRINT_CARDS,
    baselineNodeOptions,
  };
  const dir = mkdtempSync(join(tmpdir(), "cardproof-bench-mint-"));
  try {
    const preparation = await runBenchChild<PreparationResult>(
      new URL("./mint/preparationChild.ts", import.meta.url),
      { cards, dir, serials } satisfies PreparationJob,
      { cwd: REPO_ROOT },
    );
    const baseline = await runBenchChild<BaselineResult>(
      new URL("./mint/baselineChild.ts", import.meta.url),
      { cards, dir, serials } satisfies BaselineJob,
      { cwd: REPO_ROOT, nodeOptions: baselineNodeOptions },
    );
    log(`printing ${PRINT_CARDS.toLocaleString("en-US")} cards from the decrypted codes file`);
    const print = await printCards({ dir, cards: PRINT_CARDS });

    const rows = buildMintRows({ cards, workers: settings.workers, preparation, baseline, print, baselineNodeOptions });
    const summary = summarizeMintRows(rows, { quick });
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (json) {
      const document = {
        machine: {
          platform: `${process.platform}-${process.arch}`,
          cpus: availableParallelism(),
          cpuModel: cpus()[0]?.model ?? "unknown",
          memoryGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        settings,
        preparation,
        baseline,
        print,
        rows,
        summary,
      };
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      console.log(renderRows(rows));
      console.log();
      console.log(summary.line);
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function renderRows(rows: readonly MintRow[]): string {
  return renderTable(
    ["Figure", ">Result", ">Target", "Met?", "Note"],
    rows.map((row) => [
      row.figure,
      formatValue(row.value, row.unit),
      row.target === null ? "-" : `${row.target.op} ${formatValue(row.target.value, row.unit)}`,
      row.met === null ? "-" : row.met ? "yes" : "NO",
      row.note,
    ]),
  );
}
