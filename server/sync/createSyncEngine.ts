import { setImmediate as nextTurn } from "node:timers/promises";

import { hexToBigInt, type Address, type Hex } from "viem";

import { BaseError } from "../internal/BaseError.js";
import type { Logger } from "../internal/createLogger.js";
import { createMetrics, type Metrics } from "../internal/createMetrics.js";
import type { IndexerConfig } from "../internal/loadConfig.js";
import { mapConcurrent } from "../internal/mapConcurrent.js";
import { sleep } from "../internal/sleep.js";
import type { Checkpoint, Store } from "../store/createStore.js";
import type { BlockHeader, StoredLog } from "../store/StoredLog.js";
import { ChainMismatchError } from "./ChainMismatchError.js";
import { ChainMovedError } from "./ChainMovedError.js";
import { createFinalityResolver } from "./createFinalityResolver.js";
import { bloomMayContain } from "./bloomMayContain.js";
import { createLogFetcher, isLogList, type LogFetcher, type LogPage, type RpcLog } from "./createLogFetcher.js";
import type { RpcClient } from "./createRpcClient.js";
import { decodeLog, type FollowedContracts } from "./decodeLog.js";
import { fetchBlockHeader, type FetchedHeader } from "./fetchBlockHeader.js";
import { HeadBehindError } from "./HeadBehindError.js";
import { ReorgTooDeepError } from "./ReorgTooDeepError.js";
import { splitPage } from "./splitPage.js";

/** The settings the sync engine reads. */
export type SyncConfig = Pick<
  IndexerConfig,
  | "chainId"
  | "registryAddress"
  | "escrowAddress"
  | "startBlock"
  | "confirmations"
  | "finality"
  | "finalityDepth"
  | "pollIntervalMs"
  | "logRange"
  | "dbPath"
>;

/** What one `syncOnce()` did. */
export type SyncResult = {
  head: number;
  /** The block the mirror aims at: `head - confirmations`. */
  target: number;
  finalized: number;
  /** Last applied block after the call, undefined while nothing is indexed. */
  checkpoint: number | undefined;
  caughtUp: boolean;
  pages: number;
  /** Set when a reorg was rolled back: the common ancestor. */
  rolledBackTo?: number;
};

/** Unfinalized blocks are fetched in pages of at most this many blocks, with every header. */
const UNFINALIZED_PAGE_SPAN = 50;
const HEADER_CONCURRENCY = 8;
const CHAIN_MOVED_RETRIES = 3;
const PROGRESS_LOG_MS = 5_000;
/**
 * Logs one store write takes by default: a fetched page is decoded and applied in block-aligned
 * slices, each ending with the block that holds its 500th log (a block is never cut: the
 * checkpoint is a block), each its own transaction with its own checkpoint, and the event loop
 * turns between slices. When the API shares the engine's event loop (an in-memory database), this
 * bounds how long a request can wait behind the backfill.
 */
export const SLICE_LOGS = 500;

/**
 * The indexer's sync loop: backfills the registry's and escrow's logs from the start block with
 * adaptive `eth_getLogs` pages, then follows new blocks, writing each page with its derived state
 * and checkpoint in one store transaction.
 *
 * @dev Reorgs: every applied block above the finalized one keeps its header (number, hash,
 * parent). Each round first compares the checkpoint's hash with the node's block at that height;
 * on a difference it walks the kept headers down to the newest one the node still has (the
 * common ancestor), rolls the store back to it and re-syncs from there. Unfinalized pages are
 * fetched with every block header and applied only if the headers chain onto the checkpoint and
 * every log's block hash matches, so a reorg racing a fetch is never written.
 * Explicit, loud failures instead of silent ones: a reorg below the finalized block
 * ({@link ReorgTooDeepError}, fatal), another chain id or genesis ({@link ChainMismatchError},
 * fatal), a head below the checkpoint with no conflicting hash ({@link HeadBehindError}, waits).
 * Confirmations: the mirror stays `confirmations` blocks behind the head (default 0).
 */
export function createSyncEngine({
  config,
  store,
  client,
  logger: parentLogger,
  fetcher: givenFetcher,
  metrics = createMetrics(),
  onMirrorChecked,
  sliceLogs = SLICE_LOGS,
}: {
  config: SyncConfig;
  store: Store;
  client: RpcClient;
  logger: Logger;
  /** Default: a fetcher over the registry and escrow with `config.logRange`. */
  fetcher?: LogFetcher;
  /** Registry for the `cardproof_sync_*` and `cardproof_reorg*` metrics. Default: a private one. */
  metrics?: Metrics;
  /** Called once, when `mirrorChecked` turns true. */
  onMirrorChecked?: () => void;
  /**
   * Logs per store transaction (cut at block boundaries; see {@link SLICE_LOGS}). A worker thread,
   * which shares its event loop with nothing, passes `Infinity`: one transaction per fetched page
   * (fewer, larger commits write fewer B-tree pages).
   */
  sliceLogs?: number;
}) {
  const logger = parentLogger.child({ component: "sync" });
  const gauges = {
    head: metrics.gauge({ name: "cardproof_sync_head_block", help: "Latest block the RPC node reported" }),
    checkpoint: metrics.gauge({ name: "cardproof_sync_checkpoint_block", help: "Last block applied to the mirror" }),
    finalized: metrics.gauge({ name: "cardproof_sync_finalized_block", help: "Block taken as final" }),
    lag: metrics.gauge({
      name: "cardproof_sync_lag_blocks",
      help: "Blocks between the node's head and the checkpoint",
    }),
  };
  const counters = {
    logs: metrics.counter({ name: "cardproof_sync_logs_total", help: "Logs (events) applied to the mirror" }),
    pages: metrics.counter({ name: "cardproof_sync_pages_total", help: "Pages of logs applied to the mirror" }),
    failures: metrics.counter({
      name: "cardproof_sync_round_failures_total",
      help: "Sync rounds that failed, by whether they are retried",
      labelNames: ["retryable"],
    }),
    reorgs: metrics.counter({ name: "cardproof_reorgs_total", help: "Chain reorganisations rolled back" }),
  };
  const reorgDepth = metrics.histogram({
    name: "cardproof_reorg_depth_blocks",
    help: "Blocks rolled back per reorganisation",
    buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128, 256],
  });
  const contracts: FollowedContracts = {
    registry: config.registryAddress.toLowerCase() as Address,
    escrow: (config.escrowAddress?.toLowerCase() as Address | undefined) ?? null,
  };
  const addresses = contracts.escrow === null ? [contracts.registry] : [contracts.registry, contracts.escrow];
  const fetcher =
    givenFetcher ??
    createLogFetcher({
      rpc: client,
      logger,
      addresses,
      initialRange: config.logRange.initial,
      maxRange: config.logRange.max,
    });
  const finality = createFinalityResolver({ rpc: client, mode: config.finality, depth: config.finalityDepth, logger });
  let identityChecked = false;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let lastProgressLog = 0;

  async function checkIdentity(signal?: AbortSignal) {
    const chainId = hexToBigInt(
      await client.request<Hex>("eth_chainId", [], {
        isResult: (result) => typeof result === "string" && /^0x[0-9a-fA-F]{1,64}$/.test(result),
        ...(signal === undefined ? {} : { signal }),
      }),
    );
    const genesis = await fetchBlockHeader(client, 0, signal);
    if (genesis === null) throw new ChainMovedError(0, "the node returned no genesis block");
    const differences: string[] = [];
    if (config.chainId !== undefined && BigInt(config.chainId) !== chainId) {
      differences.push(`CARDPROOF_CHAIN_ID is ${config.chainId} but the RPC endpoint serves chain ${chainId}`);
    }
    const wanted = {
      chainId: chainId.toString(),
      genesisHash: genesis.hash,
      registry: contracts.registry,
      escrow: contracts.escrow,
      startBlock: config.startBlock,
    };
    const stored = store.getIdentity();
    if (stored === undefined) {
      if (differences.length > 0) throw new ChainMismatchError(config.dbPath, differences);
      store.initIdentity(wanted);
      logger.info("new database bound to chain", { ...wanted });
    } else {
      if (stored.chainId !== wanted.chainId)
        differences.push(`chain id ${stored.chainId} in the database, ${wanted.chainId} at the RPC endpoint`);
      if (stored.genesisHash !== wanted.genesisHash) {
        differences.push(`genesis ${stored.genesisHash} in the database, ${wanted.genesisHash} at the RPC endpoint`);
      }
      if (stored.registry !== wanted.registry)
        differences.push(`registry ${stored.registry} in the database, ${wanted.registry} configured`);
      if (stored.escrow !== wanted.escrow)
        differences.push(`escrow ${stored.escrow} in the database, ${wanted.escrow} configured`);
      if (stored.startBlock !== wanted.startBlock) {
        differences.push(`start block ${stored.startBlock} in the database, ${wanted.startBlock} configured`);
      }
      if (differences.length > 0) throw new ChainMismatchError(config.dbPath, differences);
    }
    const code = await client.request<Hex>(
      "eth_getCode",
      [contracts.registry, "latest"],
      signal === undefined ? {} : { signal },
    );
    if (code === "0x") {
      logger.warn("no contract code at the registry address yet; following its logs anyway", {
        registry: contracts.registry,
        hint: "check CARDPROOF_REGISTRY_ADDRESS if this persists",
      });
    }
    identityChecked = true;
  }

  /** Rolls back to the newest kept block the node still has, when the checkpoint is no longer on its chain. */
  async function reconcile(
    checkpoint: Checkpoint,
    head: BlockHeader,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    if (head.number < checkpoint.blockNumber) {
      const kept = store.getHeader(head.number);
      if (kept !== undefined && kept.hash !== head.hash) return rollBack(checkpoint, head.number, signal);
      throw new HeadBehindError(head.number, checkpoint.blockNumber);
    }
    const onChain =
      head.number === checkpoint.blockNumber ? head : await fetchBlockHeader(client, checkpoint.blockNumber, signal);
    if (onChain === null) throw new ChainMovedError(checkpoint.blockNumber, "the node has no block at the checkpoint");
    if (onChain.hash === checkpoint.blockHash) return undefined;
    return rollBack(checkpoint, checkpoint.blockNumber, signal);
  }

  async function rollBack(checkpoint: Checkpoint, from: number, signal?: AbortSignal): Promise<number> {
    const kept = store.listHeadersDown(from);
    let ancestor: number | undefined;
    for (const header of kept) {
      const onChain = await fetchBlockHeader(client, header.number, signal);
      if (onChain !== null && onChain.hash === header.hash) {
        ancestor = header.number;
        break;
      }
    }
    const startBlock = config.startBlock;
    const oldest = kept.at(-1)?.number;
    if (ancestor === undefined && oldest === startBlock && checkpoint.finalizedBlock < startBlock) {
      ancestor = startBlock - 1; // every indexed block was replaced, none was final: start over
    }
    if (ancestor === undefined || ancestor < checkpoint.finalizedBlock) {
      const error = new ReorgTooDeepError({
        checkpointBlock: checkpoint.blockNumber,
        finalizedBlock: checkpoint.finalizedBlock,
        oldestKeptBlock: oldest,
      });
      logger.error("reorg deeper than the reorg window; stopping", { error });
      throw error;
    }
    logger.warn("chain reorganisation: rolling back to the common ancestor and re-syncing", {
      checkpoint: checkpoint.blockNumber,
      ancestor,
      depth: checkpoint.blockNumber - ancestor,
    });
    const { undone } = store.rollbackTo(ancestor);
    counters.reorgs.inc();
    reorgDepth.observe(checkpoint.blockNumber - ancestor);
    logger.info("rolled back", { to: ancestor, undoneStateChanges: undone });
    return ancestor;
  }

  async function headersOf(numbers: readonly number[], signal?: AbortSignal): Promise<Map<number, FetchedHeader>> {
    const unique = [...new Set(numbers)];
    const headers = await mapConcurrent(unique, HEADER_CONCURRENCY, async (number) => {
      const header = await fetchBlockHeader(client, number, signal);
      if (header === null) throw new ChainMovedError(number, "the node no longer has this block");
      return header;
    });
    return new Map(headers.map((header) => [header.number, header]));
  }

  /**
   * Near the head, one backend behind a load balancer may be a few blocks behind and answer a range
   * without its newest logs, and no error. So every unfinalized block whose logs bloom may hold a
   * followed contract's logs is asked again by block hash (EIP-234), which a node answers in full or
   * refuses (then the round fails and is retried, possibly on another URL); those answers replace
   * the range's for that block. A range log in a block whose bloom rules it out means the node
   * contradicts itself: the page is fetched again.
   */
  async function completeRecentLogs(
    logs: readonly RpcLog[],
    numbers: readonly number[],
    headers: Map<number, FetchedHeader>,
    signal?: AbortSignal,
  ): Promise<RpcLog[]> {
    const suspects = new Set(
      numbers.filter((number) => addresses.some((address) => bloomMayContain(headers.get(number)!.logsBloom, address))),
    );
    for (const log of logs) {
      const number = Number(BigInt(log.blockNumber));
      if (!suspects.has(number)) throw new ChainMovedError(number, "a log in a block whose logs bloom rules it out");
    }
    const byHash = await mapConcurrent([...suspects], HEADER_CONCURRENCY, (number) =>
      client.request<RpcLog[]>("eth_getLogs", [{ blockHash: headers.get(number)!.hash, address: addresses }], {
        isResult: isLogList,
        ...(signal === undefined ? {} : { signal }),
      }),
    );
    const added = byHash.flat().length - logs.length;
    if (added > 0) logger.warn("eth_getLogs left out logs the blocks' hashes give; using those", { added });
    return byHash.flat();
  }

  function decodePage(logs: readonly RpcLog[], headers: Map<number, BlockHeader>): StoredLog[] {
    const decoded = logs
      .filter((log) => log.removed !== true)
      .map((log) => {
        const header = headers.get(Number(BigInt(log.blockNumber)));
        const timestamp =
          header?.timestamp ?? (log.blockTimestamp === undefined ? null : Number(BigInt(log.blockTimestamp)));
        const stored = decodeLog(contracts, log, timestamp);
        if (header !== undefined && header.hash !== stored.blockHash) {
          throw new ChainMovedError(stored.blockNumber, "a log's block hash differs from the block's header");
        }
        return stored;
      });
    decoded.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    return decoded;
  }

  /** Decodes and applies one block-aligned slice of a page: one store transaction, with its checkpoint. */
  function applySlice(slice: LogPage, headers: Map<number, BlockHeader>, finalized: number) {
    const kept: BlockHeader[] = [];
    for (const header of headers.values()) {
      if (header.number >= slice.fromBlock && header.number <= slice.toBlock) kept.push(header);
    }
    store.applyPage({
      fromBlock: slice.fromBlock,
      toBlock: slice.toBlock,
      logs: decodePage(slice.logs, headers),
      headers: kept,
      finalizedBlock: finalized,
    });
  }

  async function syncStep(signal?: AbortSignal): Promise<SyncResult> {
    if (!identityChecked) await checkIdentity(signal);
    const head = await fetchBlockHeader(client, "latest", signal);
    if (head === null) throw new ChainMovedError(0, "the node returned no latest block");
    const finalized = await finality.finalizedBlock(head, signal);
    gauges.head.set(head.number);
    gauges.finalized.set(finalized);
    const before = store.getCheckpoint();
    const rolledBackTo = before === undefined ? undefined : await reconcile(before, head, signal);
    // The stored mirror now agrees with the chain (or was rolled back to where it does): it may be
    // served while this round backfills; pages applied from here are checked as they come.
    markMirrorChecked();
    const target = head.number - config.confirmations;
    const finalTo = Math.min(target, finalized);
    let pages = 0;
    const result = (): SyncResult => {
      const checkpoint = store.getCheckpoint()?.blockNumber;
      if (checkpoint !== undefined) {
        gauges.checkpoint.set(checkpoint);
        gauges.lag.set(Math.max(0, head.number - checkpoint));
      }
      return {
        head: head.number,
        target,
        finalized,
        checkpoint,
        caughtUp: store.nextBlock() > target,
        pages,
        ...(rolledBackTo === undefined ? {} : { rolledBackTo }),
      };
    };

    // Final blocks: large adaptive pages; headers only for blocks with logs (timestamps) and the page end.
    const from = store.nextBlock();
    if (from <= finalTo) {
      for await (const page of fetcher.fetch(from, finalTo, signal === undefined ? {} : { signal })) {
        const slices = [...splitPage(page.fromBlock, page.toBlock, page.logs, sliceLogs)];
        // Providers that put `blockTimestamp` on logs spare a header request per block.
        const numbers = page.logs
          .filter((log) => log.blockTimestamp === undefined)
          .map((log) => Number(BigInt(log.blockNumber)));
        const headers = await headersOf([...numbers, ...slices.map((slice) => slice.toBlock)], signal);
        for (const slice of slices) {
          applySlice(slice, headers, finalized);
          pages++;
          logProgress(slice.toBlock, target, slice.logs.length);
          if (signal?.aborted) return result();
          await nextTurn();
        }
      }
    }

    // Unfinalized blocks: small pages, every header, applied only if they chain onto the checkpoint.
    const fromRecent = store.nextBlock();
    if (fromRecent <= target) {
      const options = { maxSpan: UNFINALIZED_PAGE_SPAN, ...(signal === undefined ? {} : { signal }) };
      for await (const page of fetcher.fetch(fromRecent, target, options)) {
        const numbers = Array.from({ length: page.toBlock - page.fromBlock + 1 }, (_, i) => page.fromBlock + i);
        const headers = await headersOf(numbers, signal);
        let parent = store.getCheckpoint()?.blockHash;
        for (const number of numbers) {
          const header = headers.get(number)!;
          if (parent !== undefined && header.parentHash !== parent) {
            throw new ChainMovedError(number, "its parent is not the previous indexed block");
          }
          parent = header.hash;
        }
        const logs = await completeRecentLogs(page.logs, numbers, headers, signal);
        for (const slice of splitPage(page.fromBlock, page.toBlock, logs, sliceLogs)) {
          applySlice(slice, headers, finalized);
          pages++;
          logProgress(slice.toBlock, target, slice.logs.length);
          if (signal?.aborted) return result();
          await nextTurn();
        }
      }
    }
    return result();
  }

  function logProgress(block: number, target: number, logs: number) {
    counters.pages.inc();
    counters.logs.inc(undefined, logs);
    gauges.checkpoint.set(block);
    logger.debug("page applied", { block, target, logs });
    const now = Date.now();
    if (now - lastProgressLog >= PROGRESS_LOG_MS) {
      lastProgressLog = now;
      logger.info("sync progress", { block, target });
    }
  }

  /**
   * One round: check chain identity (first call), roll back a reorg if the checkpoint left the
   * chain, then index every block up to `head - confirmations`.
   */
  /** Whether a round has compared the stored checkpoint with the chain since this engine was made. */
  let mirrorChecked = false;
  function markMirrorChecked() {
    if (mirrorChecked) return;
    mirrorChecked = true;
    onMirrorChecked?.();
  }

  async function syncOnce(signal?: AbortSignal): Promise<SyncResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await syncStep(signal);
        return result;
      } catch (error) {
        if (!(error instanceof ChainMovedError) || attempt >= CHAIN_MOVED_RETRIES) throw error;
        logger.info("the chain moved during a page; checking for a reorg and fetching again", {
          reason: error.shortMessage,
        });
      }
    }
  }

  async function run(signal: AbortSignal) {
    logger.info("indexer sync started", {
      rpc: client.endpoints,
      registry: contracts.registry,
      escrow: contracts.escrow,
      startBlock: config.startBlock,
      confirmations: config.confirmations,
      finality: config.finality,
    });
    let failures = 0;
    let wasCaughtUp = false;
    while (!signal.aborted) {
      try {
        const result = await syncOnce(signal);
        failures = 0;
        if (result.caughtUp && !wasCaughtUp) logger.info("caught up with the chain", { block: result.checkpoint });
        wasCaughtUp = result.caughtUp;
        if (result.caughtUp) await sleep(config.pollIntervalMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        counters.failures.inc({ retryable: String(error instanceof BaseError && error.retryable) });
        if (error instanceof BaseError && error.retryable) {
          failures++;
          const delayMs = Math.min(30_000, config.pollIntervalMs * 2 ** Math.min(failures, 5));
          logger.error(`sync round failed; retrying in ${delayMs} ms: ${error.shortMessage}`, { error, failures });
          await sleep(delayMs, signal);
          continue;
        }
        logger.error(`indexer stopped: ${error instanceof BaseError ? error.shortMessage : String(error)}`, { error });
        throw error;
      }
    }
    logger.info("indexer sync stopped");
  }

  return {
    syncOnce: (signal?: AbortSignal) => syncOnce(signal),
    /**
     * False from creation until a round has compared the stored checkpoint with the chain (and
     * rolled back a reorg): until then the mirror on disk (from before a restart) may hold blocks
     * the chain has replaced meanwhile. Turns true before that round's backfill, which is then
     * served page by page as it commits.
     */
    get mirrorChecked() {
      return mirrorChecked;
    },

    /**
     * Runs the loop until {@link stop} (resolves) or a fatal error (rejects). Retryable errors
     * (RPC faults, a lagging node) are logged and retried with back-off from the checkpoint.
     */
    start(): Promise<void> {
      if (loop === undefined) {
        controller = new AbortController();
        loop = run(controller.signal).finally(() => {
          loop = undefined;
        });
      }
      return loop;
    },

    /** Stops the loop after the current store write (in-flight requests are aborted) and waits for it. */
    async stop(): Promise<void> {
      controller?.abort();
      await loop?.catch(() => undefined);
    },

    /** The fetcher in use (its current span), for diagnostics. */
    fetcher,
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
