import { encodeAbiParameters, toEventSelector, type Hex } from "viem";

import type { Logger } from "../../server/internal/createLogger.js";
import { createRpcClient, type RpcClient } from "../../server/sync/createRpcClient.js";
import type { CardPayload } from "../lib/cardPayload.js";
import { decodeIssuerName } from "../lib/issuerName.js";
import { settlementEscrowAbi } from "../lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../lib/voucherRegistryAbi.js";
import { finding, type AuditFinding } from "./AuditFinding.js";
import { isLinkEvent, type LinkEvent } from "./AuditEvent.js";
import { AuditIncompleteError } from "./AuditIncompleteError.js";
import { CARD_STATUSES, cardStatus, type CardStatusName } from "./cardStatus.js";
import { checkCards } from "./checkCards.js";
import { createFindingCollector } from "./createFindingCollector.js";
import { createViewReader } from "./createViewReader.js";
import { fetchAuditEvents } from "./fetchAuditEvents.js";
import { linkTouchesSerial } from "./linkTouchesSerial.js";
import { fillBlockTimes, readBlock, resolveAuditBlock, type AuditBlock, type AuditBlockSpec } from "./readBlock.js";
import { replayEvents } from "./replayEvents.js";

/** One step of a card's history: a hash-chain link of its batch that touched it. */
export type ReceiptStep = {
  seq: number;
  event: LinkEvent["name"];
  block: number;
  logIndex: number;
  tx: Hex;
  /** Unix seconds of the block, and the same as ISO 8601 UTC. */
  timestamp: number | null;
  time: string | null;
  /** What happened, in words. */
  description: string;
  /** The lot the step covered (the card is inside it). */
  lot: { start: number; end: number } | null;
  from: Hex | null;
  to: Hex | null;
  /** Who sent it: the holder, an approved operator (the escrow), the issuer, the redeemer. */
  operator: Hex | null;
  reason: number | null;
  cardKey: Hex | null;
  /** The escrow order this transfer delivered, when the escrow moved the lot. */
  order: Hex | null;
  /** The head the link claims, and whether recomputing it from the previous link gives exactly that. */
  head: Hex;
  linkVerified: boolean;
};

/** A card's state: replayed from the logs, or read from the registry's views. */
export type CardState = {
  status: CardStatusName | string;
  holder: Hex;
  runStart: number;
  runEnd: number;
  activated: boolean;
  revoked: boolean;
  revokeReason: number;
  redeemed: boolean;
};

/**
 * A card's verified history for a dispute file: every link of its batch's hash chain that touched
 * it (issuance, lot transfers with the escrow order that delivered them, activation, revocation,
 * redemption), each with block, time, transaction and whether its link recomputes; the whole
 * chain's head checked against the registry's; and the card's state replayed from the logs next to
 * the registry's views at the audited block.
 */
export type CardReceipt = {
  version: 1;
  verdict: "consistent" | "findings" | "incomplete";
  exitCode: 0 | 1 | 2;
  chain: { chainId: string; registry: Hex; escrow: Hex | null; block: (AuditBlock & { requested: string }) | null };
  card: { batchId: string; serial: number; cardKeyPrefix: Hex | null };
  batch: {
    issuer: Hex;
    issuerName: string | null;
    issuerId: number;
    count: number;
    faceValue: string;
    currency: string;
    expiresAt: number;
    activationRequired: boolean;
    merkleRoot: Hex;
    manifestHash: Hex;
    metadataURI: string;
  } | null;
  hashChain: { links: number; head: Hex; onChainSeq: number | null; onChainHead: Hex | null; verified: boolean } | null;
  history: ReceiptStep[];
  replayed: CardState | null;
  onChain: CardState | null;
  findings: AuditFinding[];
  error?: { message: string; hint?: string };
};

const BATCH_EVENT_TOPIC = (batchId: bigint) => encodeAbiParameters([{ type: "uint64" }], [batchId]);
const APPROVAL_TOPICS = ["ApprovalForAll", "ApprovalForBatch"].map((name) =>
  toEventSelector(voucherRegistryAbi.find((item) => item.type === "event" && item.name === name) as never),
) as Hex[];
const ORDER_FULFILLED = toEventSelector(
  settlementEscrowAbi.find((item) => item.type === "event" && item.name === "OrderFulfilled") as never,
).toLowerCase();

/**
 * Builds the receipt of card `serial` of `batchId` from the chain alone: the batch's logs (and the
 * approvals its transfers rely on), replayed and checked like the full audit does for one card.
 */
export async function buildCardReceipt(
  options: {
    rpcUrl: string;
    chainId: bigint;
    registry: Hex;
    escrow: Hex | null;
    fromBlock: number;
    block: AuditBlockSpec;
    batchId: bigint;
    serial: number;
    payload?: CardPayload;
  },
  io: { logger: Logger },
): Promise<CardReceipt> {
  const registry = options.registry.toLowerCase() as Hex;
  const escrow = (options.escrow?.toLowerCase() ?? null) as Hex | null;
  const collector = createFindingCollector({ maxPerKind: 1_000 });
  const receipt: CardReceipt = {
    version: 1,
    verdict: "incomplete",
    exitCode: 2,
    chain: { chainId: options.chainId.toString(), registry, escrow, block: null },
    card: {
      batchId: options.batchId.toString(),
      serial: options.serial,
      cardKeyPrefix: options.payload?.cardKeyPrefix ?? null,
    },
    batch: null,
    hashChain: null,
    history: [],
    replayed: null,
    onChain: null,
    findings: [],
  };
  const rpc = createRpcClient({ urls: [options.rpcUrl], logger: io.logger, timeoutMs: 30_000, maxAttempts: 6 });
  try {
    const block = await resolveAuditBlock(rpc, options.block);
    receipt.chain.block = { ...block, requested: String(options.block) };
    const read = (topics: readonly (Hex | Hex[] | null)[]) =>
      fetchAuditEvents({
        rpc,
        logger: io.logger,
        registry,
        escrow: null,
        fromBlock: options.fromBlock,
        toBlock: block.number,
        topics,
      });
    const [links, approvals] = await Promise.all([
      read([null, BATCH_EVENT_TOPIC(options.batchId)]),
      read([APPROVAL_TOPICS]),
    ]);
    const events = [...links.events, ...approvals.events].sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
    const replay = replayEvents(events, {
      chainId: options.chainId,
      escrow: null,
      untilBlock: block.number,
      batchId: options.batchId,
    });
    collector.addAll(replay.findings);
    const batch = replay.registry.batches.get(options.batchId.toString());
    if (batch === undefined) {
      throw new AuditIncompleteError(
        `batch ${options.batchId} was not issued on chain ${options.chainId} by block ${block.number}`,
        {
          hint: "check the card, --deployment / --registry and --block",
        },
      );
    }
    if (options.serial >= batch.params.count) {
      throw new AuditIncompleteError(
        `batch ${batch.key} has ${batch.params.count} cards: serials 0 to ${batch.params.count - 1}`,
      );
    }

    const views = createViewReader({ rpc, block: block.number, concurrency: 4 });
    const [onChainBatch, issuer] = await Promise.all([
      views.read(registry, voucherRegistryAbi, "batchOf", [options.batchId]),
      views.read(registry, voucherRegistryAbi, "issuerOf", [batch.issuer]),
    ]);
    receipt.batch = {
      issuer: batch.issuer,
      issuerName: issuer.ok ? (decodeIssuerName(issuer.value[1]) ?? null) : null,
      issuerId: batch.issuerId,
      count: batch.params.count,
      faceValue: batch.params.faceValue.toString(),
      currency: currencyCode(batch.params.currency),
      expiresAt: batch.params.expiresAt,
      activationRequired: batch.params.activationRequired,
      merkleRoot: batch.params.merkleRoot,
      manifestHash: batch.params.manifestHash,
      metadataURI: batch.params.metadataURI,
    };
    const onChainHead = onChainBatch.ok ? (onChainBatch.value.head.toLowerCase() as Hex) : null;
    const onChainSeq = onChainBatch.ok ? Number(onChainBatch.value.seq) : null;
    const chainVerified =
      onChainHead === batch.chain.head && onChainSeq === batch.chain.seq && batch.chain.mismatches === 0;
    receipt.hashChain = {
      links: batch.chain.seq,
      head: batch.chain.head,
      onChainSeq,
      onChainHead,
      verified: chainVerified,
    };
    if (onChainHead !== batch.chain.head) {
      collector.add(
        finding(
          "head-mismatch",
          `batch ${batch.key}: the ${batch.chain.seq} links replayed end at ${batch.chain.head}, the registry stores ${onChainHead ?? "nothing"}`,
          {
            batchId: batch.key,
            expected: batch.chain.head,
            actual: onChainHead,
          },
        ),
      );
    }
    if (onChainSeq !== batch.chain.seq) {
      collector.add(
        finding(
          "seq-mismatch",
          `batch ${batch.key}: ${batch.chain.seq} links in the logs, the registry counts ${onChainSeq ?? "none"}`,
          {
            batchId: batch.key,
            expected: batch.chain.seq,
            actual: onChainSeq,
          },
        ),
      );
    }

    // The card, replayed and on chain.
    const run = batch.custody.runContaining(options.serial)!;
    const redeemed = batch.redeemed.has(options.serial);
    receipt.replayed = {
      status: cardStatus(batch, run, redeemed, block.timestamp),
      holder: run.holder,
      runStart: run.start,
      runEnd: run.end,
      activated: run.activated,
      revoked: run.revoked,
      revokeReason: run.revokeReason,
      redeemed,
    };
    const cardCheck = await checkCards({
      batches: [batch],
      views,
      registry,
      sample: 1,
      full: false,
      seed: 0,
      now: block.timestamp,
      serialsOf: () => [options.serial],
      redemptionOf: () => undefined,
    });
    collector.addAll(cardCheck.findings);
    const lookup = await views.read(registry, voucherRegistryAbi, "lookupStatus", [options.batchId, options.serial]);
    if (lookup.ok) {
      const [status, holder, runStart] = lookup.value;
      const [onChainRun, bit] = await Promise.all([
        views.read(registry, voucherRegistryAbi, "runAt", [options.batchId, runStart]),
        views.read(registry, voucherRegistryAbi, "isRedeemed", [options.batchId, options.serial]),
      ]);
      if (onChainRun.ok && bit.ok) {
        receipt.onChain = {
          status: CARD_STATUSES[status] ?? `status ${status}`,
          holder: holder.toLowerCase() as Hex,
          runStart: Number(runStart),
          runEnd: Number(onChainRun.value.end),
          activated: (Number(onChainRun.value.flags) & 1) !== 0,
          revoked: (Number(onChainRun.value.flags) & 2) !== 0,
          revokeReason: Number(onChainRun.value.revokeReason),
          redeemed: bit.value,
        };
      }
    }

    // History: the links that touched the card.
    const touching = links.events.filter(
      (event): event is LinkEvent =>
        isLinkEvent(event) && event.block <= block.number && linkTouchesSerial(event, options.serial),
    );
    await fillBlockTimes(rpc, touching);
    const broken = new Set(batch.linkMismatches.map((mismatch) => `${mismatch.at.block}/${mismatch.at.logIndex}`));
    receipt.history = await Promise.all(
      touching.map(async (event) => {
        const order =
          event.name === "LotTransferred" && escrow !== null && event.args.operator === escrow
            ? await orderOf(rpc, event, escrow)
            : null;
        return step(event, !broken.has(`${event.block}/${event.logIndex}`), order);
      }),
    );
    const redemption = touching.find((event) => event.name === "VoucherRedeemed");
    if (
      options.payload !== undefined &&
      redemption?.name === "VoucherRedeemed" &&
      !redemption.args.cardKey.startsWith(options.payload.cardKeyPrefix)
    ) {
      collector.add(
        finding(
          "card-payload-mismatch",
          `card ${batch.key}/${options.serial}: the printed card key starts ${options.payload.cardKeyPrefix}, the redemption proved card key ${redemption.args.cardKey}`,
          {
            batchId: batch.key,
            serial: options.serial,
            block: redemption.block,
            tx: redemption.tx,
            expected: redemption.args.cardKey,
            actual: options.payload.cardKeyPrefix,
          },
        ),
      );
    }
    const after = await readBlock(rpc, block.number);
    if (after?.hash !== block.hash) {
      throw new AuditIncompleteError(
        `block ${block.number} was replaced while the receipt was built (a reorganisation)`,
        {
          hint: "use a final block: --block finalized",
        },
      );
    }
    receipt.verdict = collector.total === 0 ? "consistent" : "findings";
    receipt.exitCode = collector.total === 0 ? 0 : 1;
  } catch (error) {
    const failure =
      error instanceof AuditIncompleteError
        ? error
        : new AuditIncompleteError(
            `the receipt could not be built: ${(error as Error & { shortMessage?: string }).shortMessage ?? (error as Error).message}`,
            {
              hint: "check --rpc-url and that the node is up",
              cause: error,
            },
          );
    receipt.verdict = "incomplete";
    receipt.exitCode = 2;
    receipt.error = { message: failure.message, ...(failure.hint === undefined ? {} : { hint: failure.hint }) };
  }
  receipt.findings = [...collector.findings];
  return receipt;
}

function step(event: LinkEvent, linkVerified: boolean, order: Hex | null): ReceiptStep {
  const base = {
    seq: event.args.seq,
    event: event.name,
    block: event.block,
    logIndex: event.logIndex,
    tx: event.tx,
    timestamp: event.time,
    time: event.time === null ? null : new Date(event.time * 1000).toISOString().replace(".000Z", "Z"),
    lot: null,
    from: null,
    to: null,
    operator: null,
    reason: null,
    cardKey: null,
    order,
    head: event.args.head,
    linkVerified,
  };
  switch (event.name) {
    case "BatchIssued":
      return {
        ...base,
        description: `issued to ${event.args.issuer} in a batch of ${event.args.params.count} cards`,
        lot: { start: 0, end: event.args.params.count },
        to: event.args.issuer,
        operator: event.args.issuer,
      };
    case "LotTransferred": {
      const { start, end, from, to, operator } = event.args;
      const by =
        order !== null
          ? `, delivered by escrow order ${order}`
          : operator === from
            ? ""
            : `, sent by operator ${operator}`;
      return {
        ...base,
        description: `transferred from ${from} to ${to} in lot [${start}, ${end})${by}`,
        lot: { start, end },
        from,
        to,
        operator,
      };
    }
    case "LotActivated": {
      const { start, end, holder, operator } = event.args;
      return {
        ...base,
        description: `activated at the point of sale by ${operator} for ${holder}, lot [${start}, ${end})`,
        lot: { start, end },
        to: holder,
        operator,
      };
    }
    case "LotRevoked": {
      const { start, end, reason } = event.args;
      return {
        ...base,
        description: `revoked by the issuer (reason ${reason}), lot [${start}, ${end})`,
        lot: { start, end },
        reason,
      };
    }
    case "VoucherRedeemed": {
      const { redeemer, cardKey } = event.args;
      return { ...base, description: `redeemed by ${redeemer}`, operator: redeemer, cardKey };
    }
    case "RedeemerSet":
      return {
        ...base,
        description: `redeemer ${event.args.redeemer} ${event.args.allowed ? "named" : "removed"}`,
        operator: event.args.redeemer,
      };
  }
}

/** The escrow order a transfer by the escrow delivered: the `OrderFulfilled` right after it in the same transaction. */
async function orderOf(rpc: RpcClient, event: LinkEvent, escrow: Hex): Promise<Hex | null> {
  const receipt = await rpc.request<{ logs: { address: string; topics: Hex[]; logIndex: Hex }[] } | null>(
    "eth_getTransactionReceipt",
    [event.tx],
  );
  const fulfilled = receipt?.logs.find(
    (log) =>
      log.address.toLowerCase() === escrow &&
      log.topics[0]?.toLowerCase() === ORDER_FULFILLED &&
      Number.parseInt(log.logIndex, 16) > event.logIndex,
  );
  return (fulfilled?.topics[1]?.toLowerCase() as Hex | undefined) ?? null;
}

function currencyCode(currency: Hex): string {
  let code = "";
  for (let i = 2; i + 2 <= currency.length; i += 2)
    code += String.fromCharCode(Number.parseInt(currency.slice(i, i + 2), 16));
  return code;
}
