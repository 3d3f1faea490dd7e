/**
 * One event of a card's timeline as the history service (indexer) lists it. Nothing in it is
 * trusted: the page looks each one up on its own node by `blockHash` and `logIndex` and compares
 * every field (see `history/checkTimeline.ts`), so the fields stay `unknown` until then.
 */
export type IndexerEvent = {
  event: unknown;
  seq: unknown;
  blockNumber: unknown;
  blockHash: unknown;
  logIndex: unknown;
  txHash: unknown;
  timestamp: unknown;
  start: unknown;
  end: unknown;
  from: unknown;
  to: unknown;
  operator: unknown;
  reason: unknown;
  cardKey: unknown;
  head: unknown;
};
