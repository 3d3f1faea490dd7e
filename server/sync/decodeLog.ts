import { decodeEventLog, hexToNumber, type Abi, type Address } from "viem";

import { settlementEscrowAbi } from "../../scripts/lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../scripts/lib/voucherRegistryAbi.js";
import { toJsonSafe } from "../internal/toJsonSafe.js";
import type { StoredLog } from "../store/StoredLog.js";
import type { RpcLog } from "./createLogFetcher.js";

/** The followed contracts, by lower-case address. */
export type FollowedContracts = { registry: Address; escrow: Address | null };

/**
 * Turns a log from `eth_getLogs` into a {@link StoredLog}: decoded with the registry's or the
 * escrow's ABI (from scripts/lib), arguments made JSON-safe (bigints as decimal strings). A log
 * neither ABI describes keeps its topics and data in `args`, with a null event name.
 */
export function decodeLog(contracts: FollowedContracts, log: RpcLog, blockTimestamp: number | null): StoredLog {
  const address = log.address.toLowerCase() as Address;
  const abi: Abi | undefined =
    address === contracts.registry
      ? voucherRegistryAbi
      : address === contracts.escrow
        ? settlementEscrowAbi
        : undefined;
  let eventName: string | null = null;
  let args: Record<string, unknown> = { topics: log.topics, data: log.data };
  if (abi !== undefined) {
    try {
      const decoded = decodeEventLog({ abi, topics: log.topics as [], data: log.data, strict: true });
      eventName = decoded.eventName ?? null;
      args = toJsonSafe(decoded.args ?? {}) as Record<string, unknown>;
    } catch {
      // Unknown event: kept raw.
    }
  }
  return {
    blockNumber: hexToNumber(log.blockNumber),
    logIndex: hexToNumber(log.logIndex),
    blockHash: log.blockHash.toLowerCase() as StoredLog["blockHash"],
    blockTimestamp,
    txHash: log.transactionHash.toLowerCase() as StoredLog["txHash"],
    address,
    eventName,
    args,
  };
}
