import { BenchUsageError } from "./BenchUsageError.js";

/** What `scripts/bench/gas.ts` was asked to do. */
export type BenchFlags = {
  /** Print the figures as one JSON document on stdout (and nothing else there). */
  json: boolean;
  /** Compare with the committed snapshot; exit 1 if a hot path regressed by more than 2%. */
  check: boolean;
  /** Write the committed snapshot from this run. */
  writeSnapshot: boolean;
  help: boolean;
};

/** Environment variable read when the flags cannot be passed as arguments (`hardhat run` takes none). */
export const BENCH_FLAGS_ENV = "CARDPROOF_BENCH_FLAGS";

export const BENCH_USAGE = `Usage: npx tsx scripts/bench/gas.ts [--json] [--check | --write-snapshot]

Measures gas of the VoucherRegistry hot paths and baselines on a fresh in-process EDR chain.
  --json            print the figures as JSON on stdout (progress stays on stderr)
  --check           compare with scripts/bench/gas-snapshot.json; exit 1 on a regression > 2%
  --write-snapshot  write scripts/bench/gas-snapshot.json from this run
Flags may also come from ${BENCH_FLAGS_ENV}="--json --check" (e.g. under \`hardhat run\`).`;

/**
 * Reads the flags from `argv` (arguments after the script) plus the {@link BENCH_FLAGS_ENV} variable.
 *
 * @throws {BenchUsageError} on an unknown flag, or `--check` with `--write-snapshot`.
 */
export function parseBenchFlags(argv: readonly string[], env: NodeJS.ProcessEnv): BenchFlags {
  const words = [...(env[BENCH_FLAGS_ENV] ?? "").split(/\s+/).filter(Boolean), ...argv];
  const flags: BenchFlags = { json: false, check: false, writeSnapshot: false, help: false };
  for (const word of words) {
    if (word === "--json") flags.json = true;
    else if (word === "--check") flags.check = true;
    else if (word === "--write-snapshot") flags.writeSnapshot = true;
    else if (word === "--help" || word === "-h") flags.help = true;
    else if (word === "--") continue;
    else throw new BenchUsageError(`unknown argument "${word}"`);
  }
  if (flags.check && flags.writeSnapshot) {
    throw new BenchUsageError("--check and --write-snapshot do not go together: write the snapshot, then check it");
  }
  return flags;
}
