import { decodeEventLog, hexToNumber, type Hex } from "viem";

import type { ProvenanceEvent } from "../../../scripts/lib/provenanceChain.js";
import { toProvenanceEvent } from "../../../scripts/lib/toProvenanceEvent.js";
import { registryEventsAbi } from "./registryEventsAbi.js";

/** A link of a batch's hash chain as the page's own node returned it, with where it was logged. */
export type ChainEvent = ProvenanceEvent & { blockNumber: number; blockHash: Hex; logIndex: number; txHash: Hex };

/** A log as `eth_getLogs` returns it (fields the page reads). */
export type RpcLog = {
  address?: unknown;
  topics?: unknown;
  data?: unknown;
  blockNumber?: unknown;
  blockHash?: unknown;
  logIndex?: unknown;
  transactionHash?: unknown;
  removed?: unknown;
};

const HASH = /^0x[0-9a-fA-F]{64}$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,16}$/;

/**
 * Decodes one registry log into a hash-chain link, or `undefined` when it is not one (an approval,
 * a role change), is malformed, or was removed by a reorg.
 */
export function decodeBatchLog(log: RpcLog): ChainEvent | undefined {
  if (log.removed === true) return undefined;
  const { topics, data, blockNumber, blockHash, logIndex, transactionHash } = log;
  if (!Array.isArray(topics) || topics.length === 0 || typeof data !== "string") return undefined;
  if (typeof blockNumber !== "string" || !QUANTITY.test(blockNumber)) return undefined;
  if (typeof logIndex !== "string" || !QUANTITY.test(logIndex)) return undefined;
  if (typeof blockHash !== "string" || !HASH.test(blockHash)) return undefined;
  if (typeof transactionHash !== "string" || !HASH.test(transactionHash)) return undefined;
  let decoded: { eventName: string; args: unknown };
  try {
    decoded = decodeEventLog({ abi: registryEventsAbi, topics: topics as [Hex, ...Hex[]], data: data as Hex });
  } catch {
    return undefined;
  }
  const event = toProvenanceEvent(decoded.eventName, decoded.args as Record<string, unknown>);
  if (event === undefined) return undefined;
  return {
    ...event,
    head: event.head.toLowerCase() as Hex,
    blockNumber: hexToNumber(blockNumber as Hex),
    blockHash: blockHash.toLowerCase() as Hex,
    logIndex: hexToNumber(logIndex as Hex),
    txHash: transactionHash.toLowerCase() as Hex,
  };
}
