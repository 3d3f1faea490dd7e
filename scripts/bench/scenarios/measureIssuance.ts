import type { BenchContext } from "../createBenchContext.js";
import { gasRow, type GasRow } from "../lib/gasRow.js";
import { prepareBenchBatch, type BenchBatch } from "../lib/prepareBenchBatch.js";

/** Target: issuing costs the same whatever the batch size, at most this much. */
export const ISSUE_BATCH_TARGET = 120_000;

/** Batch numbers this scenario issues (issuer 1's id space). */
const BATCH_NUMBERS = { 1: 1, 1_000: 2, 10_000: 3, 1_000_000: 4 } as const;

/**
 * `issueBatch` of real batches (codes, leaves, tree) of 1, 1,000, 10,000 and 1,000,000 cards.
 *
 * @returns the rows, and the 1,000-card batch (for the baselines) and the 1,000,000-card batch
 *          (for redemption: its proofs have 20 siblings) as issued.
 */
export async function measureIssuance(
  ctx: BenchContext,
): Promise<{ rows: GasRow[]; thousand: BenchBatch; million: BenchBatch }> {
  const rows: GasRow[] = [];
  const batches = new Map<number, BenchBatch>();
  for (const [countKey, number] of Object.entries(BATCH_NUMBERS)) {
    const count = Number(countKey);
    const batch = prepareBenchBatch(
      {
        chainId: ctx.chainId,
        registry: ctx.registryAddress,
        batchId: ctx.batchIdOf(number),
        count,
        activationRequired: true,
      },
      ctx.log,
    );
    const gas = await ctx.issue(batch.batchId, batch.params);
    batches.set(count, batch);
    rows.push(
      gasRow({
        key: `issueBatch/${count}`,
        operation: "issueBatch",
        shape: "real tree, 66-char metadataURI",
        size: count,
        gas,
        source: "receipt",
        target: ISSUE_BATCH_TARGET,
        hotPath: true,
      }),
    );
  }
  ctx.log("measured issueBatch");
  return { rows, thousand: batches.get(1_000)!, million: batches.get(1_000_000)! };
}
