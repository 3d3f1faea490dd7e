/**
 * Ponder indexing the bench chain's VoucherRegistry and SettlementEscrow, for the comparison rows
 * of `npm run bench:indexer`. The bench starts it (`measurePonder.ts`) with these variables:
 *
 *   PONDER_BENCH_RPC_URL           the bench's JSON-RPC server (EDR chain, id 31337)
 *   PONDER_BENCH_REGISTRY          VoucherRegistry address
 *   PONDER_BENCH_ESCROW            SettlementEscrow address
 *   PONDER_BENCH_START_BLOCK       first block to index (the registry's deploy block)
 *   PONDER_BENCH_END_BLOCK         last block to index (the generated chain's head)
 *   PONDER_BENCH_PGLITE_DIR        where the embedded database (PGlite) keeps its files
 */
import { createConfig } from "ponder";

import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: this project is started by scripts/bench/indexer.ts (npm run bench:indexer)`);
  }
  return value;
}

const startBlock = Number(setting("PONDER_BENCH_START_BLOCK"));
const endBlock = Number(setting("PONDER_BENCH_END_BLOCK"));

export default createConfig({
  database: { kind: "pglite", directory: setting("PONDER_BENCH_PGLITE_DIR") },
  chains: {
    // Ponder's defaults otherwise (its RPC cache on, its own eth_getLogs range finding): a fresh
    // database each run, so nothing is served from a cache.
    bench: { id: 31337, rpc: setting("PONDER_BENCH_RPC_URL") },
  },
  contracts: {
    VoucherRegistry: {
      chain: "bench",
      abi: voucherRegistryAbi,
      address: setting("PONDER_BENCH_REGISTRY") as `0x${string}`,
      startBlock,
      endBlock,
    },
    SettlementEscrow: {
      chain: "bench",
      abi: settlementEscrowAbi,
      address: setting("PONDER_BENCH_ESCROW") as `0x${string}`,
      startBlock,
      endBlock,
    },
  },
});
