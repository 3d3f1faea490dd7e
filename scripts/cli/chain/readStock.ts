import type { Address } from "viem";

import type { CliContext } from "../createCliContext.js";
import { readRunAt, type BatchView } from "./readCustody.js";

/** Custody runs read at most: a batch split finer than this is not counted (one call per run). */
export const MAX_STOCK_RUNS = 1_000;

/** How many cards of a batch an account could deliver, or that it could not be told. */
export type Stock = { cards: number; counted: true } | { counted: false; runs: number };

/**
 * The cards of `batch` that `holder` holds and could deliver through the escrow (not revoked;
 * activated ones only with `acceptActivated`), walking the batch's custody runs from serial 0.
 * Redeemed cards still count (runs do not record them), so this is an upper bound: it catches a
 * supplier who holds none, not one whose cards were used.
 */
export async function readStock(
  ctx: CliContext,
  registry: Address,
  batch: BatchView,
  holder: Address,
  { acceptActivated }: { acceptActivated: boolean },
): Promise<Stock> {
  let cards = 0;
  let start = 0;
  for (let runs = 0; start < batch.count; runs++) {
    if (runs === MAX_STOCK_RUNS) return { counted: false, runs };
    const run = await readRunAt(ctx, registry, batch.batchId, start);
    const deliverable = !run.revoked && (acceptActivated || !run.activated);
    if (run.holder.toLowerCase() === holder.toLowerCase() && deliverable) cards += run.end - start;
    start = run.end;
  }
  return { cards, counted: true };
}
