import type { Hex } from "viem";

import type { Logger } from "../../server/internal/createLogger.js";
import { createLogFetcher } from "../../server/sync/createLogFetcher.js";
import type { RpcClient } from "../../server/sync/createRpcClient.js";
import type { AuditEvent } from "./AuditEvent.js";
import { createLogDecoder } from "./createLogDecoder.js";

/** The decoded logs of a block range and what reading them cost. */
export type FetchedEvents = {
  events: AuditEvent[];
  /** Wall time waiting on `eth_getLogs` (the node and the network). */
  fetchMs: number;
  /** Time decoding the answers (the auditor's own work). */
  decodeMs: number;
  pages: number;
};

/**
 * Reads every log of the registry and the escrow in `[fromBlock, toBlock]` with the indexer's
 * adaptive fetcher (`server/sync/createLogFetcher`: page spans shrink on a provider's range
 * errors and follow the log density; the RPC client retries transport faults with back-off) and
 * decodes them with the auditor's own decoder, in chain order.
 *
 * @dev Pages are contiguous and cover the range exactly; any page that cannot be read throws, so
 *      a range is never skipped silently.
 * @param topics Optional `eth_getLogs` topic filter (a card receipt reads one batch's logs).
 */
export async function fetchAuditEvents(options: {
  rpc: RpcClient;
  logger: Logger;
  registry: Hex;
  escrow: Hex | null;
  fromBlock: number;
  toBlock: number;
  topics?: readonly (Hex | Hex[] | null)[];
  /** Called after each page: blocks covered so far, and logs so far. */
  progress?: (blocks: number, logs: number) => void;
}): Promise<FetchedEvents> {
  const { rpc, logger, registry, escrow, fromBlock, toBlock } = options;
  const decode = createLogDecoder({ registry, escrow });
  const fetcher = createLogFetcher({
    rpc,
    logger,
    addresses: escrow === null || options.topics !== undefined ? [registry] : [registry, escrow],
    ...(options.topics === undefined ? {} : { topics: options.topics }),
    initialRange: 1_000,
    maxRange: 10_000,
  });
  const events: AuditEvent[] = [];
  let fetchMs = 0;
  let decodeMs = 0;
  let pages = 0;
  if (toBlock < fromBlock) return { events, fetchMs, decodeMs, pages };
  const iterator = fetcher.fetch(fromBlock, toBlock)[Symbol.asyncIterator]();
  for (;;) {
    const waiting = performance.now();
    const next = await iterator.next();
    fetchMs += performance.now() - waiting;
    if (next.done === true) break;
    const page = next.value;
    const decoding = performance.now();
    for (const log of page.logs) {
      if (log.removed === true) continue;
      events.push(decode(log));
    }
    decodeMs += performance.now() - decoding;
    pages++;
    options.progress?.(page.toBlock - fromBlock + 1, events.length);
  }
  return { events, fetchMs, decodeMs, pages };
}
