import { numberToHex, type Address, type Hex } from "viem";

import type { Logger } from "../internal/createLogger.js";
import { LogRangeError } from "./LogRangeError.js";
import { parseRangeError } from "./parseRangeError.js";
import type { RpcClient } from "./createRpcClient.js";
import { RpcRequestError } from "./RpcRequestError.js";
import { splitPage } from "./splitPage.js";

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

const HEX = /^0x[0-9a-fA-F]*$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,16}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * Whether an `eth_getLogs` result is a list of logs with every field the store reads: a provider
 * answering `null`, an object, or logs without positions has answered wrongly, not "no logs".
 */
export function isLogList(result: unknown): result is RpcLog[] {
  return Array.isArray(result) && result.every(isLog);
}

function isLog(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const log = value as Record<string, unknown>;
  return (
    typeof log.address === "string" &&
    /^0x[0-9a-fA-F]{40}$/.test(log.address) &&
    Array.isArray(log.topics) &&
    log.topics.every((topic) => typeof topic === "string" && HASH.test(topic)) &&
    typeof log.data === "string" &&
    HEX.test(log.data) &&
    typeof log.blockNumber === "string" &&
    QUANTITY.test(log.blockNumber) &&
    typeof log.blockHash === "string" &&
    HASH.test(log.blockHash) &&
    typeof log.transactionHash === "string" &&
    HASH.test(log.transactionHash) &&
    typeof log.logIndex === "string" &&
    QUANTITY.test(log.logIndex)
  );
}

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
  /**
   * Logs a page should hold: the next span is sized from the density (logs per block) just seen to
   * hold about this many, and a larger answer is handed on in block-aligned pages of about this
   * many logs. Default {@link TARGET_LOGS}.
   */
  targetLogs?: number;
};

/**
 * Default logs per page. Bounds what one page costs downstream (decoded rows, one SQLite
 * transaction): about 2.5 MB of `eth_getLogs` JSON for this project's events. Two answers are in
 * memory at once (one request runs ahead), so this is half the 5,000 it was before that: on the
 * benchmark chain the indexer's peak RSS went down by about 30 MB at the same events/s (three
 * alternating runs each: 433–464 MB against 456–497 MB).
 */
const TARGET_LOGS = 2_500;
/**
 * Span of the very first request, whatever `initialRange` says (when it is larger): nothing is
 * known of the density yet, and one dense block range can hold the whole chain's history (the
 * benchmark's 1,000-block first page once returned 200,000 logs, 169 MB). The span then grows
 * (at most doubling a page) or shrinks from the density seen.
 */
const FIRST_SPAN = 10;

/**
 * Fetches logs over any block range in pages whose span adapts to the provider: it shrinks on a
 * "range too large / too many results" error (to the provider's suggested range when the message
 * names one, to its stated maximum span, else by half), remembers a stated maximum, and sizes the
 * next span from the density of logs it just saw (`targetLogs` / logs per block, at most doubling);
 * an answer larger than `targetLogs` is handed on as several block-aligned pages. Transport faults
 * are the RPC client's business (retries, fallbacks).
 *
 * Independent of the store, so an auditor can replay the chain with it too.
 *
 * @dev Pages are contiguous and in order: their union is exactly `[from, to]`, whatever errors
 * happen; a range is never skipped (an error that cannot be shrunk away is thrown). One request
 * runs ahead: the next range is asked for as soon as an answer arrives, so the node works on it
 * while the caller applies this one (a caller that stops early leaves at most that one unread).
 */
export function createLogFetcher(options: CreateLogFetcherOptions) {
  const { rpc, logger, addresses } = options;
  const maxRange = options.maxRange ?? 10_000;
  const targetLogs = Math.max(1, options.targetLogs ?? TARGET_LOGS);
  let span = Math.min(options.initialRange ?? 1_000, maxRange, FIRST_SPAN);
  /** A span the provider said it will not exceed. */
  let providerCap = Number.POSITIVE_INFINITY;

  async function getLogs(fromBlock: number, toBlock: number, signal?: AbortSignal): Promise<RpcLog[]> {
    const filter: Record<string, unknown> = {
      address: addresses.length === 1 ? addresses[0] : addresses,
      fromBlock: numberToHex(fromBlock),
      toBlock: numberToHex(toBlock),
    };
    if (options.topics !== undefined) filter.topics = options.topics;
    return rpc.request<RpcLog[]>("eth_getLogs", [filter], {
      isResult: isLogList,
      ...(signal === undefined ? {} : { signal }),
    });
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
      /** Fetches a range starting at `cursor`, shrinking it on range errors; sizes the span after it. */
      const fetchFrom = async (cursor: number): Promise<LogPage> => {
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
        const fetched = end - cursor + 1;
        if (logs.length === 0) {
          if (fetched >= span) span = Math.min(maxRange, providerCap, span * 2);
        } else {
          // Size the next span to hold about `targetLogs` at the density just seen; grow at most 2x.
          const fitting = Math.max(1, Math.floor((targetLogs * fetched) / logs.length));
          if (fitting < span) span = fitting;
          else if (fetched >= span) span = Math.min(maxRange, providerCap, fitting, span * 2);
        }
        return { fromBlock: cursor, toBlock: end, logs };
      };

      // One request ahead: the next range is asked for while the caller applies this one's pages.
      let pending: Promise<LogPage> | undefined = from <= to ? fetchFrom(from) : undefined;
      while (pending !== undefined) {
        const range: LogPage = await pending;
        pending = range.toBlock < to ? fetchFrom(range.toBlock + 1) : undefined;
        // Awaited on the next turn; a caller that stops first must not leave an unhandled rejection.
        pending?.catch(() => undefined);
        yield* splitPage(range.fromBlock, range.toBlock, range.logs, targetLogs);
      }
    },
  };
}

export type LogFetcher = ReturnType<typeof createLogFetcher>;
