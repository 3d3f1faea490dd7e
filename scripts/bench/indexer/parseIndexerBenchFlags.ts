import { MAX_EVENTS } from "./planEvents.js";
import { BenchUsageError } from "../lib/BenchUsageError.js";

/** What `scripts/bench/indexer.ts` was asked to do. */
export type IndexerBenchFlags = {
  /** Print the figures as one JSON document on stdout (and nothing else there). */
  json: boolean;
  /** A small smoke run: few events, few live-lag blocks, a short API run. */
  quick: boolean;
  /** Events the backfill indexes (setup events come on top). */
  events: number;
  /** Generate the chain, backfill it once, then measure only the API and the lot index (for iteration). */
  apiOnly: boolean;
  /** Also run Ponder on the same chain for the comparison rows (off with `--no-ponder`). */
  ponder: boolean;
  help: boolean;
};

export const DEFAULT_EVENTS = 200_000;
export const QUICK_EVENTS = 3_000;

export const INDEXER_BENCH_USAGE = `Usage: npm run bench:indexer -- [--json] [--quick] [--events N] [--api-only] [--no-ponder]

Benchmarks the indexer on a local EDR chain, side by side in one run: backfill (events/s, peak
memory; against the node as is and behind a 10,000-log provider cap) next to the raw SQLite
ceiling, live lag, API card status and timeline under load, the lot index's cost; and Ponder
indexing the same chain (events/s, peak memory), installed on first use into
scripts/bench/ponder/node_modules.
  --json        print the figures as JSON on stdout (progress stays on stderr)
  --events N    events to generate and backfill (default ${DEFAULT_EVENTS.toLocaleString("en-US")}, 100 to ${MAX_EVENTS.toLocaleString("en-US")})
  --quick       smoke run: ${QUICK_EVENTS.toLocaleString("en-US")} events, 10 live-lag blocks, 1-2 s API runs
  --api-only    one backfill, then only the API rows (no capped backfill, live lag, raw ceiling or Ponder)
  --no-ponder   leave out the Ponder comparison (no install, no Ponder run)`;

/**
 * Reads the flags from the arguments after the script (`--events 50000` or `--events=50000`).
 *
 * @throws {BenchUsageError} on an unknown flag or a bad event count.
 */
export function parseIndexerBenchFlags(argv: readonly string[]): IndexerBenchFlags {
  const flags: IndexerBenchFlags = {
    json: false,
    quick: false,
    events: DEFAULT_EVENTS,
    apiOnly: false,
    ponder: true,
    help: false,
  };
  let events: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--json") flags.json = true;
    else if (word === "--quick") flags.quick = true;
    else if (word === "--api-only") flags.apiOnly = true;
    else if (word === "--no-ponder") flags.ponder = false;
    else if (word === "--help" || word === "-h") flags.help = true;
    else if (word === "--events") {
      events = argv[++i];
      if (events === undefined) throw new BenchUsageError("--events needs a number after it");
    } else if (word.startsWith("--events=")) events = word.slice("--events=".length);
    else if (word === "--") continue;
    else throw new BenchUsageError(`unknown argument "${word}"`);
  }
  if (events !== undefined) {
    const count = /^\d[\d_,]*$/.test(events) ? Number(events.replace(/[_,]/g, "")) : Number.NaN;
    if (!Number.isSafeInteger(count) || count < 100 || count > MAX_EVENTS) {
      throw new BenchUsageError(`--events must be a whole number from 100 to ${MAX_EVENTS}, got "${events}"`);
    }
    flags.events = count;
  } else if (flags.quick) {
    flags.events = QUICK_EVENTS;
  }
  return flags;
}
