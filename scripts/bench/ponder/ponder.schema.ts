/**
 * What the Ponder side of the indexer bench stores: every event as a row with its fields (like
 * CardProof's `raw_logs`), and two pieces of derived state kept by key, as CardProof's store does
 * (`chain_heads` and `orders`). CardProof derives more (custody runs, redemptions, credits, undo
 * journal); the bench README says so next to the figures.
 */
import { onchainTable } from "ponder";

/** One row per event of either contract; `args` holds the decoded arguments (bigints as strings). */
export const event = onchainTable("event", (t) => ({
  /** `<block>-<logIndex>`: unique on one chain. */
  id: t.text().primaryKey(),
  contract: t.text().notNull(),
  name: t.text().notNull(),
  blockNumber: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  transactionHash: t.hex().notNull(),
  args: t.json().notNull(),
}));

/** The last link of each batch's provenance hash chain (`seq`, `head`), as the registry emits it. */
export const chainHead = onchainTable("chain_head", (t) => ({
  batchId: t.bigint().primaryKey(),
  seq: t.bigint().notNull(),
  head: t.hex().notNull(),
  events: t.integer().notNull(),
}));

/** Each escrow order and the last thing that happened to it. */
export const order = onchainTable("order", (t) => ({
  orderId: t.hex().primaryKey(),
  buyer: t.hex().notNull(),
  supplier: t.hex().notNull(),
  amount: t.bigint().notNull(),
  status: t.text().notNull(),
  updatedBlock: t.bigint().notNull(),
}));
