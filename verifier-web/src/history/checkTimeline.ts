import type { Address, Hex } from "viem";

import { computeNextHead, GENESIS_HEAD } from "../../../scripts/lib/provenanceChain.js";
import type { ChainCard, HistoryCheck, HistoryProblem, TimelineEvent } from "../CardReport.js";
import type { IndexerEvent } from "../indexer/IndexerEvent.js";
import type { ChainEvent } from "./decodeBatchLog.js";
import type { BatchLogs } from "./fetchBatchLogs.js";

/** The card-state facts the history must end in: what the chain says now. */
export type CardStateOnChain = Pick<ChainCard, "blockNumber" | "status" | "holder" | "run" | "batch">;

/**
 * Checks the history service's timeline of card `serial` against the logs the page fetched from
 * its own node, and returns the timeline to show (built from the chain's logs, never from the
 * service's fields) with what was proven:
 * - every listed event exists at its block hash and log index in a canonical block, touches this
 *   card, and has exactly the listed fields (kind, seq, head, lot, accounts, reason, card key,
 *   transaction, block time);
 * - no link in the fetched blocks that touches the card was left out;
 * - consecutive links the page holds hash into each other, and the newest equals the batch's head;
 * - replaying the shown events gives the chain's current state of the card (holder, activation,
 *   revocation, redemption), each transfer leaving the holder the one before it set.
 * Links of the batch the page did not fetch are counted, not assumed: `complete` is true only when
 * the page held every link from 1 to the batch's current seq.
 */
export function checkTimeline(
  serial: number,
  listed: readonly IndexerEvent[],
  logs: BatchLogs,
  chain: CardStateOnChain,
): { timeline: TimelineEvent[]; history: HistoryCheck } {
  const problems: HistoryProblem[] = [];
  const shown = new Map<string, { event: ChainEvent; source: TimelineEvent["source"] }>();
  const at = (event: { blockHash: Hex; logIndex: number }) => `${event.blockHash}:${event.logIndex}`;

  for (const item of listed) {
    const blockHash = lower(item.blockHash) as Hex;
    const logIndex = typeof item.logIndex === "number" ? item.logIndex : -1;
    const match = logs.byBlock.get(blockHash)?.find((event) => event.logIndex === logIndex);
    const header = typeof item.blockNumber === "number" ? logs.headers.get(item.blockNumber) : undefined;
    if (match === undefined || header === undefined || header.hash !== blockHash || !touches(match, serial)) {
      problems.push({ kind: "notOnChain", event: String(item.event), blockNumber: numberOr(item.blockNumber) });
      continue;
    }
    const fields = alteredFields(item, match, header.timestamp);
    if (fields.length > 0) problems.push({ kind: "altered", seq: Number(match.seq), event: match.kind, fields });
    if (shown.has(at(match))) problems.push({ kind: "listedTwice", seq: Number(match.seq), event: match.kind });
    shown.set(at(match), { event: match, source: "indexer" });
  }

  const fetched = new Map<string, ChainEvent>();
  for (const [hash, events] of logs.byBlock) {
    const header = events[0] === undefined ? undefined : logs.headers.get(events[0].blockNumber);
    if (header?.hash !== hash) continue; // not canonical: its links do not count
    for (const event of events) fetched.set(at(event), event);
  }
  for (const event of fetched.values()) {
    if (!touches(event, serial) || shown.has(at(event))) continue;
    problems.push({ kind: "omitted", seq: Number(event.seq), event: event.kind });
    shown.set(at(event), { event, source: "omitted" });
  }
  for (const event of logs.recent ?? []) {
    fetched.set(at(event), event);
    if (touches(event, serial) && !shown.has(at(event))) shown.set(at(event), { event, source: "node" });
  }

  // Hash links between the links the page holds, and the newest against the batch's head.
  const bySeq = new Map([...fetched.values()].map((event) => [event.seq, event]));
  for (const event of bySeq.values()) {
    const previous = event.seq === 1n ? { head: GENESIS_HEAD } : bySeq.get(event.seq - 1n);
    if (previous !== undefined && computeNextHead(previous.head, event) !== event.head) {
      problems.push({ kind: "hashLink", seq: Number(event.seq), event: event.kind });
    }
  }
  const batchSeq = chain.batch?.seq ?? 0n;
  const tip = bySeq.get(batchSeq);
  if (tip !== undefined && chain.batch !== undefined && tip.head !== chain.batch.head.toLowerCase()) {
    problems.push({ kind: "hashLink", seq: Number(tip.seq), event: tip.kind });
  }

  const ordered = [...shown.values()].sort(
    (a, b) => a.event.blockNumber - b.event.blockNumber || a.event.logIndex - b.event.logIndex,
  );
  problems.push(
    ...replayProblems(
      ordered.map(({ event }) => event),
      chain,
    ),
  );

  const held = [...bySeq.keys()].filter((seq) => seq >= 1n && seq <= batchSeq).length;
  return {
    timeline: ordered.map(({ event, source }) => toTimelineEvent(event, source, logs.headers)),
    history: {
      state: "checked",
      problems,
      shown: ordered.length,
      fromNode: ordered.filter(({ source }) => source === "node").length,
      batchSeq,
      unfetched: Number(batchSeq) - held,
    },
  };
}

/** Whether a link changes card `serial`: the batch's issuance, a lot holding it, its redemption. */
export function touches(event: ChainEvent, serial: number): boolean {
  switch (event.kind) {
    case "BatchIssued":
      return serial < Number(event.params.count);
    case "LotTransferred":
    case "LotActivated":
    case "LotRevoked":
      return event.start <= serial && serial < event.end;
    case "VoucherRedeemed":
      return event.serial === serial;
    case "RedeemerSet":
      return false;
  }
}

/** The fields the history service lists for a link, derived from the link itself. */
function listingOf(event: ChainEvent): Record<string, string | number | null> {
  const base = { event: event.kind, seq: Number(event.seq), head: event.head, txHash: event.txHash };
  const none = { from: null, to: null, operator: null, reason: null, cardKey: null };
  switch (event.kind) {
    case "BatchIssued":
      return { ...base, ...none, start: 0, end: Number(event.params.count), to: lowerAddress(event.issuer), operator: lowerAddress(event.issuer) };
    case "LotTransferred":
      return { ...base, ...none, start: event.start, end: event.end, from: lowerAddress(event.from), to: lowerAddress(event.to), operator: lowerAddress(event.operator) };
    case "LotActivated":
      return { ...base, ...none, start: event.start, end: event.end, to: lowerAddress(event.holder), operator: lowerAddress(event.operator) };
    case "LotRevoked":
      return { ...base, ...none, start: event.start, end: event.end, reason: event.reason };
    case "VoucherRedeemed":
      return { ...base, ...none, start: event.serial, end: event.serial + 1, operator: lowerAddress(event.redeemer), cardKey: lowerAddress(event.cardKey) };
    case "RedeemerSet":
      return { ...base, ...none, operator: lowerAddress(event.redeemer) };
  }
} // prettier-ignore

/** Names of the listed fields that differ from the link on chain (a missing block time is allowed). */
function alteredFields(item: IndexerEvent, event: ChainEvent, timestamp: number): string[] {
  const expected = listingOf(event);
  const listed = item as unknown as Record<string, unknown>;
  const fields = Object.keys(expected).filter((key) => normalise(listed[key]) !== normalise(expected[key]));
  if (item.timestamp !== null && item.timestamp !== timestamp) fields.push("timestamp");
  if (item.blockNumber !== event.blockNumber) fields.push("blockNumber");
  return fields;
}

/**
 * Replays the shown links of the card and compares the result with the chain: the first link must
 * be the issuance, each transfer must come from the holder the links before it left, and the end
 * state must be the chain's. Links past the page's chain block are left out of the comparison.
 */
function replayProblems(events: readonly ChainEvent[], chain: CardStateOnChain): HistoryProblem[] {
  const problems: HistoryProblem[] = [];
  const isCurrentIssuer = (account: Address) => account.toLowerCase() === chain.batch?.issuer.toLowerCase();
  const upTo = events.filter((event) => BigInt(event.blockNumber) <= chain.blockNumber);
  let holder: string | undefined;
  let issuer: string | undefined;
  let activated = false;
  let revoked = false;
  let reason = 0;
  let redeemed = false;
  upTo.forEach((event, index) => {
    if (index === 0 && event.kind !== "BatchIssued") problems.push({ kind: "noIssuance" });
    switch (event.kind) {
      case "BatchIssued":
        holder = issuer = lowerAddress(event.issuer);
        break;
      case "LotTransferred":
        // After an issuer key rotation, the new key sends the stock the old key was issued.
        if (lowerAddress(event.from) !== holder && !(holder === issuer && isCurrentIssuer(event.from))) {
          problems.push({ kind: "custodyGap", seq: Number(event.seq), event: event.kind });
        }
        holder = lowerAddress(event.to);
        break;
      case "LotActivated":
        activated = true;
        break;
      case "LotRevoked":
        revoked = true;
        reason = event.reason;
        break;
      case "VoucherRedeemed":
        redeemed = true;
        break;
      case "RedeemerSet":
        break;
    }
  });
  if (upTo.length === 0) problems.push({ kind: "noIssuance" });
  const differs: ("holder" | "activated" | "revoked" | "redeemed")[] = [];
  const onChainHolder = chain.holder.toLowerCase();
  // A rotated issuer key takes over the untouched stock without a batch link (IssuerKeyRotated).
  const rotated = holder === issuer && isCurrentIssuer(chain.holder);
  if (holder !== onChainHolder && !rotated) differs.push("holder");
  if (chain.run !== undefined) {
    if (activated !== chain.run.activated) differs.push("activated");
    if (revoked !== chain.run.revoked || (revoked && reason !== chain.run.revokeReason)) differs.push("revoked");
  }
  if (redeemed !== (chain.status === "Redeemed")) differs.push("redeemed");
  if (differs.length > 0) problems.push({ kind: "stateDiffers", fields: differs });
  return problems;
}

function toTimelineEvent(
  event: ChainEvent,
  source: TimelineEvent["source"],
  headers: BatchLogs["headers"],
): TimelineEvent {
  const listing = listingOf(event);
  return {
    kind: event.kind as TimelineEvent["kind"],
    seq: Number(event.seq),
    blockNumber: event.blockNumber,
    txHash: event.txHash,
    timestamp: headers.get(event.blockNumber)?.timestamp ?? null,
    from: listing.from as Address | null,
    to: listing.to as Address | null,
    operator: listing.operator as Address | null,
    reason: listing.reason as number | null,
    source,
  };
}

function lower(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : "";
}

function lowerAddress(value: Address): string {
  return value.toLowerCase();
}

function normalise(value: unknown): string | number | null {
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "number" || value === null) return value;
  return "\u0000"; // never equal to an expected value
}

function numberOr(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
}
