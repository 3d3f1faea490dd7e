import { hexToNumber, numberToHex, pad, type Address, type Hex } from "viem";

import { RpcUnavailableError, type JsonRpc, type RpcAnswer } from "../chain/createJsonRpc.js";
import { decodeBatchLog, type ChainEvent, type RpcLog } from "./decodeBatchLog.js";

/** Widest block range the page asks its node for in one `eth_getLogs` (providers cap ranges). */
export const MAX_RECENT_RANGE = 2_000;

/** What the page's own node says about a batch's links in the blocks it was asked about. */
export type BatchLogs = {
  /** Every link of the batch logged in each listed block (by block hash), in log order. */
  byBlock: Map<Hex, ChainEvent[]>;
  /** The canonical hash and time of each listed block number, as the node has them now. */
  headers: Map<number, { hash: Hex; timestamp: number }>;
  /** The batch's links in `(after, upTo]`, or `undefined` when that range was not fetched. */
  recent: ChainEvent[] | undefined;
};

/**
 * Fetches, in one batched round trip (two when newer links need their blocks' times), the batch's
 * logs in each block the history service named, by block hash (EIP-234) and filtered by the
 * registry and the batch topic; the canonical header of each of those block numbers; and the
 * batch's logs after the service's block up to the page's block, so links the service has not
 * reached yet are read from the node directly.
 *
 * @throws {RpcUnavailableError} when the node does not answer or fails a call.
 */
export async function fetchBatchLogs(
  rpc: JsonRpc,
  registry: Address,
  batchId: bigint,
  { blocks, recent }: { blocks: readonly { number: number; hash: Hex }[]; recent?: { after: number; upTo: number } },
): Promise<BatchLogs> {
  const topics = [null, pad(numberToHex(batchId), { size: 32 })];
  const fetchRecent =
    recent !== undefined && recent.upTo > recent.after && recent.upTo - recent.after <= MAX_RECENT_RANGE;
  const answers = await rpc.batch([
    ...blocks.map(({ hash }) => ({ method: "eth_getLogs", params: [{ blockHash: hash, address: registry, topics }] })),
    ...blocks.map(({ number }) => ({ method: "eth_getBlockByNumber", params: [numberToHex(number), false] })),
    ...(fetchRecent
      ? [
          {
            method: "eth_getLogs",
            params: [
              {
                fromBlock: numberToHex(recent.after + 1),
                toBlock: numberToHex(recent.upTo),
                address: registry,
                topics,
              },
            ],
          },
        ]
      : []),
  ]);
  const byBlock = new Map<Hex, ChainEvent[]>();
  const headers = new Map<number, { hash: Hex; timestamp: number }>();
  blocks.forEach(({ number, hash }, index) => {
    const logs = answers[index]!;
    // A node that does not know the block hash answers with an error: no links there.
    byBlock.set(hash, logs.ok ? decodeAll(logs.result) : []);
    const header = headerOf(answers[blocks.length + index]!);
    if (header !== undefined) headers.set(number, header);
  });
  let recentEvents: ChainEvent[] | undefined;
  if (fetchRecent) {
    const answer = answers[2 * blocks.length]!;
    if (!answer.ok) throw new RpcUnavailableError(answer.message);
    recentEvents = decodeAll(answer.result);
    const missing = [...new Set(recentEvents.map((event) => event.blockNumber))].filter((n) => !headers.has(n));
    if (missing.length > 0) {
      const more = await rpc.batch(
        missing.map((number) => ({ method: "eth_getBlockByNumber", params: [numberToHex(number), false] })),
      );
      missing.forEach((number, index) => {
        const header = headerOf(more[index]!);
        if (header !== undefined) headers.set(number, header);
      });
    }
  }
  return { byBlock, headers, recent: recentEvents };
}

function decodeAll(result: unknown): ChainEvent[] {
  if (!Array.isArray(result))
    throw new RpcUnavailableError("the node answered eth_getLogs with something else than a list");
  return (result as RpcLog[])
    .map(decodeBatchLog)
    .filter((event): event is ChainEvent => event !== undefined)
    .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

function headerOf(answer: RpcAnswer): { hash: Hex; timestamp: number } | undefined {
  if (!answer.ok || answer.result === null || typeof answer.result !== "object") return undefined;
  const { hash, timestamp } = answer.result as { hash?: unknown; timestamp?: unknown };
  if (typeof hash !== "string" || typeof timestamp !== "string") return undefined;
  return { hash: hash.toLowerCase() as Hex, timestamp: hexToNumber(timestamp as Hex) };
}
