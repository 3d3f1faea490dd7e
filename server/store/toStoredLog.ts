import type { Address, Hex } from "viem";

import type { StoredLog } from "./StoredLog.js";

/** A `raw_logs` row as SQLite returns it, back to the log the sync engine stored. */
export function toStoredLog(row: Record<string, unknown>): StoredLog {
  return {
    blockNumber: row.block_number as number,
    logIndex: row.log_index as number,
    blockHash: row.block_hash as Hex,
    blockTimestamp: row.block_timestamp as number | null,
    txHash: row.tx_hash as Hex,
    address: row.address as Address,
    eventName: row.event_name as string | null,
    args: JSON.parse(row.args_json as string) as Record<string, unknown>,
  };
}
