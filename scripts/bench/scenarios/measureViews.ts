import type { BenchContext } from "../createBenchContext.js";
import { gasRow, gasUsedBy, type GasRow } from "../lib/gasRow.js";
import { placeholderParams } from "../lib/prepareBenchBatch.js";

/** Default `--rpc.gascap` of geth (and Erigon): the most gas one eth_call may use. */
export const ETH_CALL_GAS_CAP = 50_000_000;

const BATCH_SIZE = 1_000_000;
const LOTS = 1_000;
const LOT_SIZE = 1_000;

/**
 * Gas of the hint-free views `runStartOf` and `lookupStatus` (eth_call only), as `estimateGas` of the
 * call (so it includes the 21,000 intrinsic gas an eth_call is also charged), on a 1,000,000-card batch:
 * - still one run (nothing moved yet);
 * - after 1,000 lot transfers of 1,000 cards each (the batch cut into 1,000 runs), for a card in the
 *   middle of the batch, and for the worst card: the last one (999 runs before it, 999 serials from its
 *   run start, and the walk stops at whichever end finds the run first).
 */
export async function measureViews(ctx: BenchContext): Promise<GasRow[]> {
  const { registry, issuer } = ctx;
  const oneRun = ctx.batchIdOf(200);
  await ctx.issue(oneRun, placeholderParams(oneRun, BATCH_SIZE, true));
  const cut = ctx.batchIdOf(201);
  await ctx.issue(cut, placeholderParams(cut, BATCH_SIZE, true));
  // The issuer ships its stock front first, in lots of 1,000, to three customers in turn.
  const customers = [ctx.distributor, ctx.wholesaler, ctx.retailer];
  for (let lot = 0; lot < LOTS; lot++) {
    const start = lot * LOT_SIZE;
    const to = customers[lot % customers.length]!;
    await gasUsedBy(
      // Lot hint: the previous lot's run (customers take turns, so neighbouring lots never merge).
      registry
        .connect(issuer)
        .transferLot(cut, issuer.address, to.address, start, start + LOT_SIZE, lot === 0 ? 0 : start - LOT_SIZE),
    );
    if ((lot + 1) % 250 === 0) ctx.log(`  ${lot + 1} of ${LOTS} lots moved`);
  }

  const shapes = [
    { key: "one-run", shape: "1M cards in 1 run, any card", batchId: oneRun, serial: BATCH_SIZE - 1 },
    { key: "1000-runs-middle", shape: "1M cards in 1,000 runs, card 500,500", batchId: cut, serial: 500_500 },
    {
      key: "1000-runs-worst",
      shape: "1M cards in 1,000 runs, last card (worst)",
      batchId: cut,
      serial: BATCH_SIZE - 1,
    },
  ];
  const rows: GasRow[] = [];
  for (const view of ["runStartOf", "lookupStatus"] as const) {
    for (const { key, shape, batchId, serial } of shapes) {
      const gas = Number(await registry[view].estimateGas(batchId, serial));
      rows.push(
        gasRow({
          key: `${view}/${key}`,
          operation: view,
          shape,
          size: 1,
          gas,
          source: "estimateGas",
          target: ETH_CALL_GAS_CAP,
          note: "eth_call; target: geth's default RPC gas cap",
        }),
      );
    }
  }
  ctx.log("measured runStartOf and lookupStatus");
  return rows;
}
