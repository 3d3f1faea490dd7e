import type { Address, Hex } from "viem";

/**
 * One log of a followed contract, decoded, as `raw_logs` keeps it and as the derived tables are
 * computed from it. `args` is JSON-safe (bigints as decimal strings), so a row read back from
 * `raw_logs` derives exactly like the log did when it arrived.
 */
export type StoredLog = {
  blockNumber: number;
  logIndex: number;
  blockHash: Hex;
  /** Unix seconds of the block, when known. */
  blockTimestamp: number | null;
  txHash: Hex;
  /** Lower-case address of the emitting contract. */
  address: Address;
  /** ABI event name, or null for a log the ABIs do not describe (then `args` holds topics and data). */
  eventName: string | null;
  args: Record<string, unknown>;
};

/** What the indexer keeps of a block to detect reorgs. */
export type BlockHeader = {
  number: number;
  hash: Hex;
  parentHash: Hex;
  /** Unix seconds. */
  timestamp: number;
};
