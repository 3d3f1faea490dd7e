import type { BenchContext } from "../createBenchContext.js";
import { gasRow, gasUsedBy, type GasRow } from "../lib/gasRow.js";
import { placeholderParams } from "../lib/prepareBenchBatch.js";

/**
 * Target: a lot transfer costs the same whatever the lot size, at most this much, in the shapes
 * that dominate trade: the next lot from the front of a holder's stock (one new run slot).
 * A lot cut from the middle of a run creates two run boundaries, pays 22,100 gas for the second
 * new slot and is shown without a target: no O(1) run layout avoids a slot per new boundary.
 */
export const TRANSFER_LOT_TARGET = 80_000;

const BATCH_SIZE = 1_000_000;
const LOT_SIZES = [1, 1_000, 100_000] as const;
/** Where a middle split starts: well inside the run, whatever the lot size. */
const MIDDLE = 400_000;
/** Revocation reason code used for the benchmark ("stolen"). */
const STOLEN = 1;

/**
 * `transferLot` of 1, 1,000 and 100,000 serials in each run shape, then `activateLot` and
 * `revokeLot`, each on fresh batches of 1,000,000 cards (placeholder roots: custody never reads them).
 *
 * Shapes, by what `_changeLot` writes (lot hints name the run containing `start - 1`):
 * - front of the issuer's untouched stock (the implicit run): 1 new slot, `stockStart` moves;
 * - the same, when the lot joins its receiver's run on the left: no new slot, 1 rewritten;
 * - front of a stored run (a distributor passes on the next lot): 1 new slot, 1 rewritten;
 * - middle of a stored run: 2 new, 1 rewritten;
 * - middle of the issuer's untouched stock: 2 new;
 * - a lot crossing k runs: each extra run adds one run read and one rewrite.
 */
export async function measureCustody(ctx: BenchContext): Promise<GasRow[]> {
  const { registry, issuer, distributor, retailer } = ctx;
  const rows: GasRow[] = [];
  const transferRow = (shape: string, key: string, size: number, gas: number, withTarget: boolean) =>
    gasRow({
      key: `transferLot/${key}/${size}`,
      operation: "transferLot",
      shape,
      size,
      gas,
      source: "receipt",
      hotPath: true,
      ...(withTarget ? { target: TRANSFER_LOT_TARGET } : { note: "no target: 2 new run slots at 22,100 each" }),
    });
  let number = 100;
  const freshBatch = async () => {
    const batchId = ctx.batchIdOf(number++);
    await ctx.issue(batchId, placeholderParams(batchId, BATCH_SIZE, true));
    return batchId;
  };

  // Issuer -> distributor from the front of the issuer's stock (first and next lot); then the
  // distributor passes the front of what it received on to a retailer.
  for (const size of LOT_SIZES) {
    const batchId = await freshBatch();
    const first = await gasUsedBy(
      registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, size, 0),
    );
    rows.push(
      transferRow("first lot from the issuer's untouched stock (1 new slot)", "stock-first", size, first, true),
    );
    const joined = await gasUsedBy(
      registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, size, 3 * size, 0),
    );
    rows.push(
      transferRow(
        "next lot from the stock, joining the receiver's run (merged: 1 rewritten)",
        "stock-joined",
        size,
        joined,
        true,
      ),
    );
    const next = await gasUsedBy(
      registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 3 * size, 4 * size, 0),
    );
    rows.push(transferRow("next lot from the issuer's untouched stock (1 new slot)", "stock-next", size, next, true));
    const passedOn = await gasUsedBy(
      registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 0, size, 0),
    );
    rows.push(
      transferRow(
        "front of a stored run, distributor -> retailer (1 new, 1 rewritten)",
        "run-front",
        size,
        passedOn,
        true,
      ),
    );
  }

  // Distributor -> retailer, a lot from the middle of the distributor's stock.
  const stocked = new Map<number, bigint>();
  for (const size of LOT_SIZES) {
    const batchId = await freshBatch();
    await gasUsedBy(
      registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 2 * MIDDLE, 0),
    );
    const gas = await gasUsedBy(
      registry
        .connect(distributor)
        .transferLot(batchId, distributor.address, retailer.address, MIDDLE, MIDDLE + size, 0),
    );
    rows.push(transferRow("middle of a stored run (2 new, 1 rewritten)", "run-middle", size, gas, false));
    stocked.set(size, batchId);
  }

  // Issuer -> distributor, a lot from the middle of the issuer's untouched stock.
  for (const size of LOT_SIZES) {
    const batchId = await freshBatch();
    const gas = await gasUsedBy(
      registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, MIDDLE, MIDDLE + size, 0),
    );
    rows.push(transferRow("middle of the issuer's untouched stock (2 new slots)", "stock-middle", size, gas, false));
  }
  // A lot crossing k runs of one holder, with alternating activation so they cannot merge: the
  // distributor holds k + 1 pieces of 1,000 cards and activated the odd ones, then passes the first
  // k pieces on at once. The lot ends on a run boundary in every case, so each row rewrites k run
  // slots and writes no new one: the difference between rows is the cost of the extra runs.
  const CROSSED = [1, 2, 4, 8] as const;
  const crossedGas: number[] = [];
  for (const runs of CROSSED) {
    const batchId = await freshBatch();
    const piece = 1_000;
    await gasUsedBy(
      registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, piece * (runs + 1), 0),
    );
    for (let i = 1; i <= runs; i += 2) {
      // Hint: the inactive piece before it, still its own run.
      await gasUsedBy(registry.connect(distributor).activateLot(batchId, i * piece, (i + 1) * piece, (i - 1) * piece));
    }
    const gas = await gasUsedBy(
      registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 0, piece * runs, 0),
    );
    crossedGas.push(gas);
    rows.push(
      gasRow({
        key: `transferLot/runs-crossed/${runs}`,
        operation: "transferLot",
        shape: `a lot crossing ${runs} run${runs === 1 ? "" : "s"} of one holder`,
        size: piece * runs,
        gas,
        source: "receipt",
        hotPath: true,
        ...(runs === 1
          ? {}
          : { note: `+${Math.round((gas - crossedGas[0]!) / (runs - 1)).toLocaleString("en-US")} per extra run` }),
      }),
    );
  }
  ctx.log("measured transferLot");

  // The retailer activates the cards it sells: a whole lot it holds, or the front card of its stock.
  const wholeLot = stocked.get(1_000)!;
  rows.push(
    gasRow({
      key: "activateLot/whole-run/1000",
      operation: "activateLot",
      shape: "a whole stored run (1 rewritten)",
      size: 1_000,
      gas: await gasUsedBy(registry.connect(retailer).activateLot(wholeLot, MIDDLE, MIDDLE + 1_000, 0)),
      source: "receipt",
      hotPath: true,
    }),
  );
  const bigLot = stocked.get(100_000)!;
  rows.push(
    gasRow({
      key: "activateLot/prefix/1",
      operation: "activateLot",
      shape: "front card of a stored run, POS sale (1 new, 1 rewritten)",
      size: 1,
      gas: await gasUsedBy(registry.connect(retailer).activateLot(bigLot, MIDDLE, MIDDLE + 1, 0)),
      source: "receipt",
      hotPath: true,
    }),
  );

  // The issuer freezes stolen stock: a whole shipment a distributor holds, or a lot inside one.
  rows.push(
    gasRow({
      key: "revokeLot/whole-run/400000",
      operation: "revokeLot",
      shape: "a whole stored run (1 rewritten)",
      size: MIDDLE,
      gas: await gasUsedBy(registry.connect(issuer).revokeLot(wholeLot, 0, MIDDLE, 0, STOLEN)),
      source: "receipt",
      hotPath: true,
    }),
  );
  const tail = MIDDLE + 1_000;
  rows.push(
    gasRow({
      key: "revokeLot/middle/1000",
      operation: "revokeLot",
      shape: "middle of a stored run (2 new, 1 rewritten)",
      size: 1_000,
      gas: await gasUsedBy(registry.connect(issuer).revokeLot(wholeLot, tail + 100_000, tail + 101_000, tail, STOLEN)),
      source: "receipt",
      hotPath: true,
    }),
  );
  ctx.log("measured activateLot and revokeLot");
  return rows;
}
