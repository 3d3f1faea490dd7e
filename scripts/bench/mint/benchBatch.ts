import type { Address } from "viem";

import { makeBatchId } from "../../lib/batchId.js";

/** The batch every measurement of the mint benchmark prepares (local chain, demo registry address). */
export const BENCH_BATCH = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
  batchId: makeBatchId(7, 1),
} as const;

/** The codes file passphrase of the benchmark (not a secret: the file is deleted after the run). */
export const BENCH_PASSPHRASE = "cardproof bench passphrase";

/** The codes file's name in the run's temporary folder. */
export const BENCH_CODES_FILE = "codes.cpcodes";

/** The card keys, raw (20 bytes per card), handed from the preparation child to the baseline child. */
export const BENCH_CARD_KEYS_FILE = "cardKeys.bin";
