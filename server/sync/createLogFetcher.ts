import { numberToHex, type Address, type Hex } from "viem";

import type { Logger } from "../internal/createLogger.js";
import { LogRangeError } from "./LogRangeError.js";
import { parseRangeError } from "./parseRangeError.js";
import type { RpcClient } from "./createRpcClient.js";
import { RpcRequestError } from "./RpcRequestError.js";

/** A log as `eth_getLogs` returns it (hex quantities). */
export type RpcLog = {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  blockTimestamp?: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed?: boolean;
};

/** Every log of the followed addresses in `[fromBlock, toBlock]`. */
export type LogPage = { fromBlock: number; toBlock: number; logs: RpcLog[] };

export type CreateLogFetcherOptions = {
  rpc: RpcClient;
  logger: Logger;
  addresses: readonly Address[];
  /** Optional topic filter (`eth_getLogs` `topics`). */
  topics?: readonly (Hex | Hex[] | null)[];
  /** Block span of the first request. Default 1,000. */
  initialRange?: number;
  /** Largest span ever asked for. Default 10,000. */
  maxRange?: number;
  /** A page with fewer logs than this lets the span double; more than 4× halves it. Default 2,000. */
  targetLogs?: number;
};

/**
 * Fetches logs over any block range in pages whose span adapts to the provider: it shrinks on a
 * "range too large / too many results" error (to the provider's suggested range when the message
 * names one, to its stated maximum span, else by half), remembers a stated maximum, and doubles
 * again after cheap pages. Transport faults are the RPC client's business (retries, fallbacks).
 *
 * Independent of the store, so an auditor can replay the chain with it too.
 *
 * @dev Pages are contiguous and in order: their union is exactly `[from, to]`, whatever errors
 * happen; a range is never skipped (an error that cannot be shrunk away is thrown).
 */
export function createLogFetcher(options: CreateLogFetcherOptions) {
  const { rpc, logger, addresses } = options;
  const maxRange = options.maxRange ?? 10_000;
  const targetLogs = options.targetLogs ?? 2_000;
  let span = Math.min(options.initialRange ?? 1_000, maxRange);
  /** A span the provider said it will not exceed. */
  let providerCap = Number.POSITIVE_INFINITY;

  async function getLogs(fromBlock: number, toBlock: number, signal?: AbortSignal): Promise<RpcLog[]> {
    const filter: Record<string, unknown> = {
      address: addresses.length === 1 ? addresses[0] : addresses,
      fromBlock: numberToHex(fromBlock),
      toBlock: numberToHex(toBlock),
    };
    if (options.topics !== undefined) filter.topics = options.topics;
    return rpc.request<RpcLog[]>("eth_getLogs", [filter], signal === undefined ? {} : { signal });
  }

  return {
    /** The span the next request will ask for. */
    get span() {
      return span;
    },

    /**
     * Pages covering `[from, to]` in order.
     * @param limit.maxSpan Caps the span for this call (the sync engine keeps unfinalized pages small).
     */
    async *fetch(from: number, to: number, limit: { maxSpan?: number; signal?: AbortSignal } = {}) {
      let cursor = from;
      while (cursor <= to) {
        const allowed = Math.max(1, Math.min(span, providerCap, limit.maxSpan ?? Number.POSITIVE_INFINITY));
        let end = Math.min(to, cursor + allowed - 1);
        let logs: RpcLog[];
        for (;;) {
          try {
            logs = await getLogs(cursor, end, limit.signal);
            break;
          } catch (error) {
            const hint =
              error instanceof RpcRequestError && error.kind === "rpc"
                ? parseRangeError({ code: error.info.code, message: error.info.rpcMessage, data: error.info.data })
                : undefined;
            if (hint === undefined) throw error;
            if (end === cursor) throw new LogRangeError(cursor, error);
            const asked = end - cursor + 1;
            if (hint.maxRange !== undefined && hint.maxRange < asked)
              providerCap = Math.min(providerCap, hint.maxRange);
            let next: number;
            if (hint.suggested !== undefined && hint.suggested.to - hint.suggested.from + 1 < asked) {
              // Alchemy and Infura propose a range from our own start; keep its size if it starts elsewhere.
              const size = hint.suggested.to - hint.suggested.from + 1;
              next = hint.suggested.from === cursor ? hint.suggested.to : cursor + size - 1;
            } else if (hint.maxRange !== undefined && hint.maxRange < asked) {
              next = cursor + hint.maxRange - 1;
            } else {
              next = cursor + Math.floor(asked / 2) - 1;
            }
            end = Math.max(cursor, Math.min(next, end - 1));
            span = end - cursor + 1;
            logger.debug("eth_getLogs range refused; shrinking", { from: cursor, asked, next: span, hint });
          }
        }
        yield { fromBlock: cursor, toBlock: end, logs } satisfies LogPage;
        const fetched = end - cursor + 1;
        if (logs.length > targetLogs * 4) span = Math.max(1, Math.floor(fetched / 2));
        else if (logs.length < targetLogs && fetched >= span) span = Math.min(maxRange, providerCap, span * 2);
        cursor = end + 1;
      }
    },
  };
}

export type LogFetcher = ReturnType<typeof createLogFetcher>;
