import type { Hex } from "viem";

import type { Logger } from "../../server/internal/createLogger.js";
import { createRpcClient, type RpcClient } from "../../server/sync/createRpcClient.js";
import { finding } from "./AuditFinding.js";
import type { AuditEvent } from "./AuditEvent.js";
import { AuditIncompleteError } from "./AuditIncompleteError.js";
import type { AuditReport, IndexerCheck } from "./AuditReport.js";
import { checkCards } from "./checkCards.js";
import { checkEscrow, type TokenBalance } from "./checkEscrow.js";
import { checkRegistry } from "./checkRegistry.js";
import { compareIndexerApi } from "./compareIndexerApi.js";
import { compareMirror } from "./compareMirror.js";
import { createFindingCollector } from "./createFindingCollector.js";
import type { ReplayBatch } from "./createRegistryReplay.js";
import { createViewReader } from "./createViewReader.js";
import { fetchAuditEvents } from "./fetchAuditEvents.js";
import { openMirrorDatabase } from "./openMirrorDatabase.js";
import { peakMemory } from "./peakMemory.js";
import { fillBlockTimes, readBlock, resolveAuditBlock, type AuditBlock, type AuditBlockSpec } from "./readBlock.js";
import { replayEvents, type Replay } from "./replayEvents.js";

export type { AuditBlockSpec };

export type AuditOptions = {
  rpcUrl: string;
  chainId: bigint;
  registry: Hex;
  escrow: Hex | null;
  /** First block that can hold a CardProof log (the deployment block). */
  fromBlock: number;
  block: AuditBlockSpec;
  /** Cards checked per batch (ignored with `full` or `card`). */
  sample: number;
  full: boolean;
  /** Seed of the card sample; default: derived from the audited block's hash (reproducible for that block). */
  seed?: number;
  batchId?: bigint;
  card?: { batchId: bigint; serial: number };
  indexerDb?: string;
  indexerUrl?: string;
  /** Blocks an indexer may trail the audited block without an `indexer-behind` finding. */
  maxIndexerLag: number;
  /** Contract views in flight. */
  concurrency: number;
  /** Findings kept in the report per kind (and mirror table); all are counted. */
  maxFindings: number;
};

/** A progress bar, as the CLI's output draws them. */
export type AuditProgress = { update(done: number): void; finish(): void };

/** Where the audit reports what it is doing. */
export type AuditIo = {
  logger: Logger;
  info(line: string): void;
  progress(label: string, total: number, unit: string): AuditProgress;
};

/**
 * The auditor: reads every registry and escrow log from the chain (up to the audited block),
 * replays them through its own state machines, and checks the result against the contracts'
 * views at that block and, optionally, against an indexer's SQLite mirror or REST API. Returns a
 * report whose verdict is `consistent` only when every step ran and found nothing.
 *
 * @dev Never a false "clean": any failure to read the chain, the mirror or the API, or the chain
 *      replacing the audited block during the audit, ends in `incomplete` (exit 2), with whatever
 *      was found so far.
 */
export async function runAudit(options: AuditOptions, io: AuditIo): Promise<AuditReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const collector = createFindingCollector({ maxPerKind: options.maxFindings });
  const registry = options.registry.toLowerCase() as Hex;
  const escrow = (options.escrow?.toLowerCase() ?? null) as Hex | null;
  const batchScope = options.card?.batchId ?? options.batchId;
  const report: AuditReport = {
    version: 1,
    verdict: "incomplete",
    exitCode: 2,
    chain: {
      chainId: options.chainId.toString(),
      rpc: redact(options.rpcUrl),
      registry,
      escrow,
      fromBlock: options.fromBlock,
      block: null,
    },
    scope: {
      batch: batchScope?.toString() ?? null,
      card: options.card === undefined ? null : `${options.card.batchId}/${options.card.serial}`,
      cards: options.card !== undefined ? "card" : options.full ? "full" : "sample",
      sample: options.card !== undefined || options.full ? null : options.sample,
      seed: null,
    },
    checked: {
      events: 0,
      eventsReplayed: 0,
      batches: 0,
      links: 0,
      issuers: 0,
      redeemers: 0,
      approvals: 0,
      cards: 0,
      runs: 0,
      redemptionSegments: 0,
      orders: 0,
      credits: 0,
      tokens: 0,
      policies: 0,
      balances: [],
      indexer: [],
      notChecked: [],
    },
    findingCounts: {},
    findings: [],
    timings: {
      fetchMs: 0,
      decodeMs: 0,
      replayMs: 0,
      eventsPerSecond: 0,
      viewsMs: 0,
      viewCalls: 0,
      indexerMs: 0,
      totalMs: 0,
      peakRssBytes: 0,
    },
    startedAt,
    finishedAt: startedAt,
  };
  const finish = () => {
    report.findings = [...collector.findings];
    report.findingCounts = collector.counts;
    report.timings.totalMs = Math.round(performance.now() - started);
    report.timings.peakRssBytes = peakMemory();
    report.finishedAt = new Date().toISOString();
    return report;
  };

  const rpc = createRpcClient({ urls: [options.rpcUrl], logger: io.logger, timeoutMs: 30_000, maxAttempts: 6 });
  try {
    const block = await resolveAuditBlock(rpc, options.block);
    report.chain.block = { ...block, requested: String(options.block) };
    const seed = options.seed ?? Number.parseInt(block.hash.slice(-8), 16);
    report.scope.seed = options.card === undefined && !options.full ? seed : null;

    // A wrong address or start block would otherwise audit nothing and call it consistent.
    if (options.fromBlock > block.number) {
      throw new AuditIncompleteError(`--from-block ${options.fromBlock} is after the audited block ${block.number}`, {
        hint: "pass the deployment block as --from-block, or a later --block",
      });
    }
    for (const [name, address] of [
      ["registry", registry],
      ["escrow", escrow],
    ] as const) {
      if (address === null) continue;
      const code = await rpc.request<Hex>("eth_getCode", [address, `0x${block.number.toString(16)}`]);
      if (code === "0x" || code === undefined || code === null) {
        throw new AuditIncompleteError(`no contract at the ${name} address ${address} at block ${block.number}`, {
          hint: "check --deployment (or --registry / --escrow) and --rpc-url: is this the right chain?",
        });
      }
    }

    // ---------------------------------------------------------------- logs
    const span = block.number - options.fromBlock + 1;
    const reading = io.progress("reading logs", span, "blocks");
    const fetched = await fetchAuditEvents({
      rpc,
      logger: io.logger,
      registry,
      escrow,
      fromBlock: options.fromBlock,
      toBlock: block.number,
      progress: (blocks) => reading.update(blocks),
    });
    reading.finish();
    const events = fetched.events;
    report.checked.events = events.length;
    report.timings.fetchMs = Math.round(fetched.fetchMs);
    report.timings.decodeMs = Math.round(fetched.decodeMs);

    // ---------------------------------------------------------------- replay
    const replaying = performance.now();
    const replay = replayEvents(events, {
      chainId: options.chainId,
      escrow,
      untilBlock: block.number,
      batchId: batchScope,
    });
    const replayMs = performance.now() - replaying;
    report.timings.replayMs = Math.round(replayMs);
    report.checked.eventsReplayed = replay.applied;
    const work = (fetched.decodeMs + replayMs) / 1000;
    report.timings.eventsPerSecond = work > 0 ? Math.round(events.length / work) : 0;
    collector.addAll(replay.findings);
    io.info(
      `replayed ${replay.applied.toLocaleString("en-US")} of ${events.length.toLocaleString("en-US")} events ` +
        `(blocks ${options.fromBlock}-${block.number}) in ${Math.round(replayMs)} ms`,
    );

    const batches = [...replay.registry.batches.values()];
    if (batchScope !== undefined && !replay.registry.batches.has(batchScope.toString())) {
      throw new AuditIncompleteError(`batch ${batchScope} was not issued by block ${block.number}`, {
        hint: "check the batch id, and --block / --from-block",
      });
    }
    if (options.card !== undefined) {
      const batch = replay.registry.batches.get(options.card.batchId.toString())!;
      if (options.card.serial >= batch.params.count) {
        throw new AuditIncompleteError(
          `batch ${batch.key} has ${batch.params.count} cards: serials 0 to ${batch.params.count - 1}`,
        );
      }
    }
    report.checked.links = batches.reduce((sum, batch) => sum + batch.chain.seq, 0);

    // ---------------------------------------------------------------- contract views
    const viewing = performance.now();
    const views = createViewReader({ rpc, block: block.number, concurrency: options.concurrency });
    const registryCheck = await checkRegistry({ replay, views, registry, batches });
    collector.addAll(registryCheck.findings);
    Object.assign(report.checked, registryCheck.counts);

    let cardsBar: AuditProgress | undefined;
    let cardsDone = 0;
    const cardCheck = await checkCards({
      batches,
      views,
      registry,
      sample: options.sample,
      full: options.full,
      seed,
      now: block.timestamp,
      ...(options.card === undefined
        ? {}
        : {
            serialsOf: (batch: ReplayBatch) =>
              batch.key === options.card!.batchId.toString() ? [options.card!.serial] : [],
          }),
      redemptionOf: redemptionLookup(events),
      progress: {
        total: (cards) => (cardsBar = io.progress("checking cards", cards, "cards")),
        advance: (cards) => cardsBar?.update((cardsDone += cards)),
      },
    });
    cardsBar?.finish();
    collector.addAll(cardCheck.findings);
    Object.assign(report.checked, cardCheck.counts);

    if (replay.escrow !== undefined && escrow !== null) {
      let ordersBar: AuditProgress | undefined;
      let ordersDone = 0;
      const escrowCheck = await checkEscrow({
        books: replay.escrow,
        views,
        escrow,
        progress: {
          total: (orders) => (ordersBar = io.progress("checking orders", orders, "orders")),
          advance: (orders) => ordersBar?.update((ordersDone += orders)),
        },
      });
      ordersBar?.finish();
      collector.addAll(escrowCheck.findings);
      Object.assign(report.checked, escrowCheck.counts);
      report.checked.balances = escrowCheck.balances.map(printBalance);
    } else {
      report.checked.notChecked.push(
        escrow === null ? "escrow: no escrow address given" : `escrow: out of scope (one batch, ${batchScope})`,
      );
    }
    report.timings.viewsMs = Math.round(performance.now() - viewing);
    report.timings.viewCalls = views.calls;

    // ---------------------------------------------------------------- indexers
    const indexing = performance.now();
    const context: Context = {
      options,
      rpc,
      events,
      fetchedUpTo: block.number,
      replay,
      block,
      registry,
      escrow,
      batchScope,
      io,
      collector,
    };
    if (options.indexerDb !== undefined) {
      const comparing = performance.now();
      const check = await auditMirrorFile(context, options.indexerDb);
      report.checked.indexer.push({ ...check, ms: Math.round(performance.now() - comparing) });
    }
    if (options.indexerUrl !== undefined) {
      const comparing = performance.now();
      const check = await compareIndexerApi({
        url: options.indexerUrl,
        chainId: options.chainId,
        registry,
        escrow,
        batchScope,
        sample: options.card === undefined ? options.sample : 1,
        seed,
        ...(options.card === undefined ? {} : { card: options.card }),
        replayAt: (checkpoint) => replayAtBlock(context, checkpoint),
        report: (item) => collector.add(item),
        io,
      });
      report.checked.indexer.push({ ...check, ms: Math.round(performance.now() - comparing) });
    }
    report.timings.indexerMs = Math.round(performance.now() - indexing);
    if (options.indexerDb === undefined && options.indexerUrl === undefined) {
      report.checked.notChecked.push("indexer: none given (--indexer-db, --indexer-url)");
    }
    if (options.card === undefined && !options.full) {
      report.checked.notChecked.push(`cards: a sample of ${options.sample} per batch (--full checks every card)`);
    }

    // ---------------------------------------------------------------- the chain did not move under us
    const after = await readBlock(rpc, block.number);
    if (after?.hash !== block.hash) {
      throw new AuditIncompleteError(`block ${block.number} was replaced while the audit ran (a reorganisation)`, {
        hint: "audit a final block: --block finalized, or a block number below the reorg window",
      });
    }
    report.verdict = collector.total === 0 ? "consistent" : "findings";
    report.exitCode = collector.total === 0 ? 0 : 1;
    return finish();
  } catch (error) {
    const failure = asIncomplete(error, options.rpcUrl);
    report.verdict = "incomplete";
    report.exitCode = 2;
    report.error = { message: failure.message, ...(failure.hint === undefined ? {} : { hint: failure.hint }) };
    return finish();
  }
}

type Context = {
  options: AuditOptions;
  rpc: RpcClient;
  events: AuditEvent[];
  /** Last block whose logs are in `events`. */
  fetchedUpTo: number;
  replay: Replay;
  block: AuditBlock;
  registry: Hex;
  escrow: Hex | null;
  batchScope: bigint | undefined;
  io: AuditIo;
  collector: ReturnType<typeof createFindingCollector>;
};

/**
 * The replay at `checkpoint` (an indexer's), with every log up to it timestamped: reads the logs
 * past the audited block when the indexer is ahead of it.
 */
async function replayAtBlock(ctx: Context, checkpoint: number): Promise<{ replay: Replay; events: AuditEvent[] }> {
  const audited = ctx.block.number;
  if (checkpoint > ctx.fetchedUpTo) {
    const more = await fetchAuditEvents({
      rpc: ctx.rpc,
      logger: ctx.io.logger,
      registry: ctx.registry,
      escrow: ctx.escrow,
      fromBlock: Math.max(ctx.fetchedUpTo + 1, ctx.options.fromBlock),
      toBlock: checkpoint,
    });
    ctx.events.push(...more.events);
    ctx.fetchedUpTo = checkpoint;
  }
  const replay =
    checkpoint === audited
      ? ctx.replay
      : replayEvents(ctx.events, {
          chainId: ctx.options.chainId,
          escrow: ctx.escrow,
          untilBlock: checkpoint,
          batchId: ctx.batchScope,
        });
  const upTo = ctx.events.filter((event) => event.block <= checkpoint);
  await fillBlockTimes(ctx.rpc, upTo);
  return { replay, events: upTo };
}

/** Compares an indexer's SQLite file with the replay at its checkpoint. */
async function auditMirrorFile(ctx: Context, path: string): Promise<IndexerCheck> {
  const mirror = openMirrorDatabase(path);
  try {
    const { identity } = mirror;
    const check: IndexerCheck = {
      source: "sqlite",
      location: path,
      checkpoint: identity.lastBlock,
      tables: [],
      skipped: [],
      ms: 0,
    };
    const identityFinding = (message: string, expected: unknown, actual: unknown) =>
      ctx.collector.add(
        finding("indexer-identity-mismatch", `${path}: ${message}`, { table: "sync_state", expected, actual }),
      );
    if (identity.chainId !== ctx.options.chainId.toString())
      identityFinding("another chain id", ctx.options.chainId.toString(), identity.chainId);
    if (identity.registry !== ctx.registry) identityFinding("another registry", ctx.registry, identity.registry);
    if (ctx.escrow !== null && identity.escrow !== ctx.escrow)
      identityFinding("another escrow (or none)", ctx.escrow, identity.escrow);
    if (ctx.collector.counts["indexer-identity-mismatch"] !== undefined) {
      check.skipped.push({ table: "*", reason: "the mirror is bound to another chain or deployment" });
      return check;
    }
    const checkpoint = identity.lastBlock ?? identity.startBlock - 1;
    const head = await readBlock(ctx.rpc, "latest");
    if (head === undefined || checkpoint > head.number) {
      identityFinding(`checkpoint ${checkpoint} is past the chain's head`, head?.number ?? null, checkpoint);
      check.skipped.push({ table: "*", reason: "the checkpoint is not on this chain" });
      return check;
    }
    if (identity.lastBlock !== null) {
      const onChain = await readBlock(ctx.rpc, identity.lastBlock);
      if (onChain?.hash !== identity.lastBlockHash) {
        identityFinding(
          `checkpoint block ${identity.lastBlock} has hash ${identity.lastBlockHash} in the mirror, ${onChain?.hash ?? "none"} on chain`,
          onChain?.hash ?? null,
          identity.lastBlockHash,
        );
      }
    }
    const lag = ctx.block.number - checkpoint;
    if (lag > ctx.options.maxIndexerLag) {
      ctx.collector.add(
        finding(
          "indexer-behind",
          `${path} reflects block ${checkpoint}, ${lag} blocks behind the audited block ${ctx.block.number}`,
          {
            table: "sync_state",
            block: checkpoint,
            expected: ctx.block.number,
            actual: checkpoint,
          },
        ),
      );
    }
    const { replay, events } = await replayAtBlock(ctx, checkpoint);
    let bar: AuditProgress | undefined;
    let tables = 0;
    const comparison = compareMirror({
      mirror,
      source: { replay, events, registry: ctx.registry, escrow: identity.escrow === null ? null : ctx.escrow },
      batchId: ctx.batchScope?.toString(),
      report: (item) => ctx.collector.add(item),
      onTable: () => {
        bar ??= ctx.io.progress("comparing the mirror", 20, "tables");
        bar.update(++tables);
      },
    });
    bar?.finish();
    check.tables = comparison.tables;
    check.skipped = comparison.skipped;
    return check;
  } finally {
    mirror.close();
  }
}

/** Where each card's redemption is in the logs (built on first use). */
function redemptionLookup(events: readonly AuditEvent[]) {
  let index: Map<string, { block: number; tx: Hex }> | undefined;
  return (batchId: string, serial: number) => {
    if (index === undefined) {
      index = new Map();
      for (const event of events) {
        if (event.name === "VoucherRedeemed" && !("other" in event)) {
          index.set(`${event.args.batchId}/${event.args.serial}`, { block: event.block, tx: event.tx });
        }
      }
    }
    return index.get(`${batchId}/${serial}`);
  };
}

function printBalance(balance: TokenBalance) {
  return {
    token: balance.token,
    balance: balance.balance.toString(),
    books: balance.books.toString(),
    held: balance.held.toString(),
    credits: balance.credits.toString(),
    fund: balance.fund.toString(),
    fees: balance.fees.toString(),
  };
}

function asIncomplete(error: unknown, rpcUrl: string): AuditIncompleteError {
  if (error instanceof AuditIncompleteError) return error;
  const message =
    error instanceof Error
      ? ((error as Error & { shortMessage?: string }).shortMessage ?? error.message)
      : String(error);
  if (error instanceof Error && error.name === "RpcRequestError") {
    return new AuditIncompleteError(`the chain could not be read at ${redact(rpcUrl)}: ${message}`, {
      hint: "check --rpc-url and that the node is up and serves eth_getLogs and eth_call at past blocks (an archive node for old blocks)",
      cause: error,
    });
  }
  if (error instanceof Error && error.name === "LogRangeError") {
    return new AuditIncompleteError(`the node refuses to return the logs of one block: ${message}`, { cause: error });
  }
  return new AuditIncompleteError(`the audit stopped: ${message}`, { cause: error });
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 20 ? "/…" : parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
