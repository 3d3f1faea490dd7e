import { hexToNumber, numberToHex, type Hex } from "viem";

import type { BlockHeader } from "../store/StoredLog.js";
import type { RpcClient } from "./createRpcClient.js";

/** A header as fetched: what the store keeps, plus the block's logs bloom when the node gives one. */
export type FetchedHeader = BlockHeader & { logsBloom?: Hex };

/** `eth_getBlockByNumber` without transactions, reduced to what reorg checks need; null if the node has no such block. */
export async function fetchBlockHeader(
  rpc: RpcClient,
  block: number | "latest" | "finalized" | "safe",
  signal?: AbortSignal,
): Promise<FetchedHeader | null> {
  const tag = typeof block === "number" ? numberToHex(block) : block;
  const raw = await rpc.request<{ number: Hex; hash: Hex; parentHash: Hex; timestamp: Hex; logsBloom?: Hex } | null>(
    "eth_getBlockByNumber",
    [tag, false],
    { isResult: isHeaderOrNull, ...(signal === undefined ? {} : { signal }) },
  );
  if (raw === null || raw === undefined) return null;
  return {
    number: hexToNumber(raw.number),
    hash: raw.hash.toLowerCase() as Hex,
    parentHash: raw.parentHash.toLowerCase() as Hex,
    timestamp: hexToNumber(raw.timestamp),
    ...(typeof raw.logsBloom === "string" ? { logsBloom: raw.logsBloom } : {}),
  };
}

const HASH = /^0x[0-9a-fA-F]{64}$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,16}$/;

/** A block (with the fields reorg checks read) or `null` (no such block); anything else is malformed. */
function isHeaderOrNull(result: unknown): boolean {
  if (result === null) return true;
  if (typeof result !== "object") return false;
  const { number, hash, parentHash, timestamp } = result as Record<string, unknown>;
  return (
    typeof number === "string" &&
    QUANTITY.test(number) &&
    typeof hash === "string" &&
    HASH.test(hash) &&
    typeof parentHash === "string" &&
    HASH.test(parentHash) &&
    typeof timestamp === "string" &&
    QUANTITY.test(timestamp)
  );
}
