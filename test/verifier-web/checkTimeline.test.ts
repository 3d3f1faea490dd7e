import { expect } from "chai";
import { keccak256, numberToHex, pad, type Address, type Hex } from "viem";

import { computeNextHead, GENESIS_HEAD, type ProvenanceEvent } from "../../scripts/lib/provenanceChain.js";
import type { ChainCard } from "../../verifier-web/src/CardReport.js";
import { checkTimeline, type CardStateOnChain } from "../../verifier-web/src/history/checkTimeline.js";
import type { ChainEvent } from "../../verifier-web/src/history/decodeBatchLog.js";
import type { BatchLogs } from "../../verifier-web/src/history/fetchBatchLogs.js";
import type { IndexerEvent } from "../../verifier-web/src/indexer/IndexerEvent.js";

const BATCH = (1n << 32n) | 1n;
const [issuer, shop, buyer, other] = ["11", "22", "33", "44"].map((byte) => `0x${byte.repeat(20)}` as Address) as [
  Address,
  Address,
  Address,
  Address,
];
type Link = ProvenanceEvent extends infer E
  ? E extends ProvenanceEvent
    ? Omit<E, "seq" | "head" | "batchId">
    : never
  : never;

/** A batch's chain, one link per block (block n+1 for link n), with real heads and hashes. */
function chainOf(links: Link[]): ChainEvent[] {
  let head = GENESIS_HEAD;
  return links.map((link, index) => {
    const seq = BigInt(index + 1);
    const event = { ...link, batchId: BATCH, seq, head: GENESIS_HEAD } as ProvenanceEvent;
    head = computeNextHead(head, event);
    const blockNumber = index + 2;
    return {
      ...event,
      head,
      blockNumber,
      blockHash: keccak256(numberToHex(blockNumber)),
      logIndex: 0,
      txHash: keccak256(pad(numberToHex(blockNumber))),
    } as ChainEvent;
  });
}

const issued: Link = {
  kind: "BatchIssued",
  issuer,
  params: {
    merkleRoot: `0x${"aa".repeat(32)}`,
    count: 10,
    faceValue: 500n,
    currency: "0x555344",
    expiresAt: 0,
    activationRequired: true,
    metadataHash: `0x${"00".repeat(32)}`,
    manifestHash: `0x${"bb".repeat(32)}`,
    metadataURI: "",
  },
};
const toShop: Link = { kind: "LotTransferred", from: issuer, to: shop, start: 0, end: 5, operator: issuer };
const otherLot: Link = { kind: "LotTransferred", from: issuer, to: other, start: 5, end: 10, operator: issuer };
const activated: Link = { kind: "LotActivated", holder: shop, start: 0, end: 5, operator: shop };
const toBuyer: Link = { kind: "LotTransferred", from: shop, to: buyer, start: 2, end: 3, operator: shop };

/** What the indexer lists for a link (its real listing, as the API serves it). */
function listingOf(event: ChainEvent): IndexerEvent {
  const base = {
    event: event.kind,
    seq: Number(event.seq),
    blockNumber: event.blockNumber,
    blockHash: event.blockHash,
    logIndex: event.logIndex,
    txHash: event.txHash,
    timestamp: 1_000 + event.blockNumber,
    head: event.head,
    from: null,
    to: null,
    operator: null,
    reason: null,
    cardKey: null,
  };
  switch (event.kind) {
    case "BatchIssued":
      return { ...base, start: 0, end: 10, to: issuer, operator: issuer };
    case "LotTransferred":
      return { ...base, start: event.start, end: event.end, from: event.from, to: event.to, operator: event.operator };
    case "LotActivated":
      return { ...base, start: event.start, end: event.end, to: event.holder, operator: event.operator };
    default:
      throw new Error("not used here");
  }
}

/** The logs the page fetched for the listed events' blocks (and optionally a recent range). */
function logsFor(chain: ChainEvent[], blocks: number[], recent?: ChainEvent[]): BatchLogs {
  const byBlock = new Map<Hex, ChainEvent[]>();
  const headers = new Map<number, { hash: Hex; timestamp: number }>();
  for (const event of chain)
    headers.set(event.blockNumber, { hash: event.blockHash, timestamp: 1_000 + event.blockNumber });
  for (const number of blocks) {
    const events = chain.filter((event) => event.blockNumber === number);
    byBlock.set(events[0]!.blockHash, events);
  }
  return { byBlock, headers, recent };
}

function stateOf(chain: ChainEvent[], card: Partial<ChainCard> & { holder: Address }): CardStateOnChain {
  const tip = chain.at(-1)!;
  return {
    blockNumber: BigInt(tip.blockNumber),
    status: "Active",
    run: { start: 2, end: 3, activated: true, revoked: false, revokeReason: 0 },
    batch: { issuer, issuerName: undefined, count: 10, expiresAt: 0, activationRequired: true, seq: tip.seq, head: tip.head, faceValue: 500n, currency: "USD", merkleRoot: `0x${"aa".repeat(32)}` },
    ...card,
  };
} // prettier-ignore

describe("verifier-web checkTimeline", function () {
  const chain = chainOf([issued, toShop, otherLot, activated, toBuyer]);
  const cardEvents = chain.filter((event) => event.kind !== "LotTransferred" || event.start <= 2 && 2 < event.end); // prettier-ignore
  const blocksOf = (events: ChainEvent[]) => events.map((event) => event.blockNumber);

  it("proves an honest timeline event by event, and counts the batch's links it did not fetch", function () {
    const { timeline, history } = checkTimeline(2, cardEvents.map(listingOf), logsFor(chain, blocksOf(cardEvents)), stateOf(chain, { holder: buyer }));
    expect(history).to.deep.include({ state: "checked", problems: [], shown: 4, fromNode: 0, unfetched: 1 });
    expect(timeline.map((event) => [event.kind, event.source, event.timestamp])).to.deep.equal([
      ["BatchIssued", "indexer", 1_002],
      ["LotTransferred", "indexer", 1_003],
      ["LotActivated", "indexer", 1_005],
      ["LotTransferred", "indexer", 1_006],
    ]);
  }); // prettier-ignore

  it("says the history is complete when the page held every link of the batch", function () {
    const { history } = checkTimeline(2, cardEvents.map(listingOf), logsFor(chain, blocksOf(chain)), stateOf(chain, { holder: buyer }));
    expect(history).to.deep.include({ problems: [], unfetched: 0 });
  }); // prettier-ignore

  it("names a card's link the service left out of a block the page fetched, and shows it", function () {
    const listed = cardEvents.filter((event) => event.kind !== "LotActivated").map(listingOf);
    // The page fetched the activation's block for another reason (here: asked for every block).
    const { timeline, history } = checkTimeline(2, listed, logsFor(chain, blocksOf(chain)), stateOf(chain, { holder: buyer }));
    expect(history.state === "checked" && history.problems).to.deep.equal([{ kind: "omitted", seq: 4, event: "LotActivated" }]);
    expect(timeline.find((event) => event.kind === "LotActivated")?.source).to.equal("omitted");
  }); // prettier-ignore

  it("says links are missing when a transfer leaves a holder the history never gave the card", function () {
    const listed = cardEvents.filter((event) => event.seq !== 2n);
    const { history } = checkTimeline(2, listed.map(listingOf), logsFor(chain, blocksOf(listed)), stateOf(chain, { holder: buyer }));
    expect(history.state === "checked" && history.problems.map((problem) => problem.kind)).to.include("custodyGap");
  }); // prettier-ignore

  it("flags logs that do not hash into the batch's chain", function () {
    const forged = chain.map((event) => (event.seq === 3n ? { ...event, head: keccak256("0x01") } : event));
    const { history } = checkTimeline(2, cardEvents.map(listingOf), logsFor(forged, blocksOf(forged)), stateOf(chain, { holder: buyer }));
    expect(history.state === "checked" && history.problems.map((problem) => problem.kind)).to.include("hashLink");
  }); // prettier-ignore

  it("refuses an event in a block that is no longer canonical", function () {
    const logs = logsFor(chain, blocksOf(cardEvents));
    logs.headers.set(6, { hash: keccak256("0x0600"), timestamp: 1_006 }); // block 6 was reorged away
    const { history } = checkTimeline(2, cardEvents.map(listingOf), logs, stateOf(chain, { holder: buyer }));
    expect(history.state === "checked" && history.problems.map((problem) => problem.kind)).to.include("notOnChain");
  }); // prettier-ignore

  it("reads links newer than the service from the node and accepts the resulting state", function () {
    const listed = cardEvents.filter((event) => event.seq < 5n);
    const newest = chain.filter((event) => event.seq === 5n);
    const { timeline, history } = checkTimeline(2, listed.map(listingOf), logsFor(chain, blocksOf(listed), newest), stateOf(chain, { holder: buyer }));
    expect(history).to.deep.include({ problems: [], fromNode: 1 });
    expect(timeline.at(-1)?.source).to.equal("node");
  }); // prettier-ignore

  it("accepts untouched stock now held by the issuer's rotated key", function () {
    const stock = chainOf([issued]);
    const rotated = `0x${"99".repeat(20)}` as Address;
    const state = stateOf(stock, { holder: rotated, run: { start: 0, end: 10, activated: false, revoked: false, revokeReason: 0 } });
    state.batch = { ...state.batch!, issuer: rotated };
    const { history } = checkTimeline(7, stock.map(listingOf), logsFor(stock, [2]), state);
    expect(history).to.deep.include({ problems: [] });
  }); // prettier-ignore
});
