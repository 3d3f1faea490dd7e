import { hexToNumber, numberToHex, type Hex } from "viem";

import type { BlockHeader } from "../store/StoredLog.js";
import type { RpcClient } from "./createRpcClient.js";

/** `eth_getBlockByNumber` without transactions, reduced to what reorg checks need; null if the node has no such block. */
export async function fetchBlockHeader(
  rpc: RpcClient,
  block: number | "latest" | "finalized" | "safe",
  signal?: AbortSignal,
): Promise<BlockHeader | null> {
  const tag = typeof block === "number" ? numberToHex(block) : block;
  const raw = await rpc.request<{ number: Hex; hash: Hex; parentHash: Hex; timestamp: Hex } | null>(
    "eth_getBlockByNumber",
    [tag, false],
    signal === undefined ? {} : { signal },
  );
  if (raw === null || raw === undefined) return null;
  return {
    number: hexToNumber(raw.number),
    hash: raw.hash.toLowerCase() as Hex,
    parentHash: raw.parentHash.toLowerCase() as Hex,
    timestamp: hexToNumber(raw.timestamp),
  };
}
