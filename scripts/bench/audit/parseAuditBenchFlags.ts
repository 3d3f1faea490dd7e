import { MAX_EVENTS } from "../indexer/planEvents.js";
import { BenchUsageError } from "../lib/BenchUsageError.js";

/** What `scripts/bench/audit.ts` was asked to do. */
export type AuditBenchFlags = {
  /** Print the figures as one JSON document on stdout (and nothing else there). */
  json: boolean;
  /** A small smoke run. */
  quick: boolean;
  /** Events to generate and audit (setup events come on top). */
  events: number;
  /** Runs of `cardproof audit` (medians are reported). */
  runs: number;
  /** Skip the indexer backfill and the mirror comparison. */
  noIndexer: boolean;
  help: boolean;
};

export const DEFAULT_AUDIT_EVENTS = 200_000;
export const QUICK_AUDIT_EVENTS = 3_000;

export const AUDIT_BENCH_USAGE = `Usage: npm run bench:audit -- [--json] [--quick] [--events N] [--runs N] [--no-indexer]

Benchmarks the auditor on a local EDR chain of >= 200,000 registry and escrow events: replay speed
(decode + state machines, fetch excluded) in process and through \`cardproof audit\`, the eth_getLogs
fetch time, the contract checks, the comparison with an indexer's SQLite mirror, and peak memory.
  --json        print the figures as JSON on stdout (progress stays on stderr)
  --events N    events to generate (default ${DEFAULT_AUDIT_EVENTS.toLocaleString("en-US")}, 100 to ${MAX_EVENTS.toLocaleString("en-US")})
  --runs N      runs of \`cardproof audit\`, medians reported (default 3)
  --no-indexer  skip the indexer backfill and the mirror comparison
  --quick       smoke run: ${QUICK_AUDIT_EVENTS.toLocaleString("en-US")} events, one run`;

/** Reads the flags after the script (`--events 50000` or `--events=50000`). */
export function parseAuditBenchFlags(argv: readonly string[]): AuditBenchFlags {
  const flags: AuditBenchFlags = {
    json: false,
    quick: false,
    events: DEFAULT_AUDIT_EVENTS,
    runs: 3,
    noIndexer: false,
    help: false,
  };
  let events: string | undefined;
  let runs: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--json") flags.json = true;
    else if (word === "--quick") flags.quick = true;
    else if (word === "--no-indexer") flags.noIndexer = true;
    else if (word === "--help" || word === "-h") flags.help = true;
    else if (word === "--events" || word === "--runs") {
      const value = argv[++i];
      if (value === undefined) throw new BenchUsageError(`${word} needs a number after it`);
      if (word === "--events") events = value;
      else runs = value;
    } else if (word.startsWith("--events=")) events = word.slice("--events=".length);
    else if (word.startsWith("--runs=")) runs = word.slice("--runs=".length);
    else if (word === "--") continue;
    else throw new BenchUsageError(`unknown argument "${word}"`);
  }
  const number = (text: string) => (/^\d[\d_,]*$/.test(text) ? Number(text.replace(/[_,]/g, "")) : Number.NaN);
  if (events !== undefined) {
    const count = number(events);
    if (!Number.isSafeInteger(count) || count < 100 || count > MAX_EVENTS) {
      throw new BenchUsageError(`--events must be a whole number from 100 to ${MAX_EVENTS}, got "${events}"`);
    }
    flags.events = count;
  } else if (flags.quick) {
    flags.events = QUICK_AUDIT_EVENTS;
  }
  if (runs !== undefined) {
    const count = number(runs);
    if (!Number.isSafeInteger(count) || count < 1 || count > 20)
      throw new BenchUsageError(`--runs must be 1 to 20, got "${runs}"`);
    flags.runs = count;
  } else if (flags.quick) {
    flags.runs = 1;
  }
  return flags;
}
