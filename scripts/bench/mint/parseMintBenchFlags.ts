import { MAX_BATCH_CARDS } from "../../mint/prepareBatch.js";
import { BenchUsageError } from "../lib/BenchUsageError.js";

/** What `scripts/bench/mint.ts` was asked to do. */
export type MintBenchFlags = {
  /** Print the figures as one JSON document on stdout (and nothing else there). */
  json: boolean;
  /** A small smoke run ({@link QUICK_CARDS} cards). */
  quick: boolean;
  /** Cards in the prepared batch. */
  cards: number;
  help: boolean;
};

export const DEFAULT_CARDS = MAX_BATCH_CARDS;
export const QUICK_CARDS = 100_000;
/** Fewest cards a run takes: the PDF row prints 1,000 of them. */
export const MIN_CARDS = 1_000;

export const MINT_BENCH_USAGE = `Usage: npm run bench:mint -- [--json] [--quick] [--cards N]

Benchmarks the supplier's batch preparation, side by side in one run: a ${DEFAULT_CARDS.toLocaleString("en-US")}-card batch
(codes, card keys, tree, manifest, encrypted codes file; time per stage and peak memory, in a child
process), the same tree built with @openzeppelin/merkle-tree's StandardMerkleTree, proof times of
both, and 1,000 cards printed to a PDF from the decrypted codes file.
  --json        print the figures as JSON on stdout (progress stays on stderr)
  --cards N     cards in the batch (default ${DEFAULT_CARDS.toLocaleString("en-US")}, ${MIN_CARDS.toLocaleString("en-US")} to ${MAX_BATCH_CARDS.toLocaleString("en-US")})
  --quick       smoke run: ${QUICK_CARDS.toLocaleString("en-US")} cards`;

/**
 * Reads the flags from the arguments after the script (`--cards 50000` or `--cards=50000`).
 *
 * @throws {BenchUsageError} on an unknown flag or a bad card count.
 */
export function parseMintBenchFlags(argv: readonly string[]): MintBenchFlags {
  const flags: MintBenchFlags = { json: false, quick: false, cards: DEFAULT_CARDS, help: false };
  let cards: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--json") flags.json = true;
    else if (word === "--quick") flags.quick = true;
    else if (word === "--help" || word === "-h") flags.help = true;
    else if (word === "--cards") {
      cards = argv[++i];
      if (cards === undefined) throw new BenchUsageError("--cards needs a number after it");
    } else if (word.startsWith("--cards=")) cards = word.slice("--cards=".length);
    else if (word === "--") continue;
    else throw new BenchUsageError(`unknown argument "${word}"`);
  }
  if (cards !== undefined) {
    const count = /^\d[\d_,]*$/.test(cards) ? Number(cards.replace(/[_,]/g, "")) : Number.NaN;
    if (!Number.isSafeInteger(count) || count < MIN_CARDS || count > MAX_BATCH_CARDS) {
      throw new BenchUsageError(
        `--cards must be a whole number from ${MIN_CARDS} to ${MAX_BATCH_CARDS}, got "${cards}"`,
      );
    }
    flags.cards = count;
  } else if (flags.quick) {
    flags.cards = QUICK_CARDS;
  }
  return flags;
}
