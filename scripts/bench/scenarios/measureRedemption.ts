import type { IVoucherRegistry } from "../../../types/ethers-contracts/index.js";
import type { BenchContext } from "../createBenchContext.js";
import { gasRow, gasUsedBy, measureTransaction, type GasRow } from "../lib/gasRow.js";
import type { BenchBatch } from "../lib/prepareBenchBatch.js";

/**
 * Target: one redemption with a depth-20 proof, per card averaged over the 256 cards that share a
 * bitmap slot (the first of them pays 22,100 for the new slot, the rest 2,900 to rewrite it),
 * including the card-key signature check (registry v2: `ecrecover` and the EIP-712 digest).
 */
export const REDEEM_TARGET = 75_000;
/** Target: per card, in a `redeemMany` of 100 cards that share bitmap slots (a gate's or shop's run), with signatures. */
export const REDEEM_MANY_PER_CARD_TARGET = 37_000;
/** Cards per slot of the redeemed bitmap. */
const CARDS_PER_BITMAP_SLOT = 256;
/** Cards per slot of the summary bitmap (one bit per bitmap slot that holds a redemption). */
const CARDS_PER_SUMMARY_SLOT = 256 * CARDS_PER_BITMAP_SLOT;

const PROOF_DEPTH = 20;
const MANY = 100;
/** The retailer's activated run is `[0, RETAIL_END)`. */
const RETAIL_END = 300_000;
/** Serials, chosen so each measurement starts on bitmap words (`serial >> 8`) no earlier one touched. */
const SINGLE = 1_300; // word 5, the first redemption of summary word 0
const SINGLE_SAME_SUMMARY = 1_800; // word 7, summary word 0 already set
const CONSECUTIVE_FIRST = 2_048; // words 8 only
const SCATTERED_FIRST = 10_000; // words 39, 49, ..., 1029: one word per card
const SCATTERED_STEP = 2_560;

/**
 * `redeem` and `redeemMany` on the 1,000,000-card batch (every proof has 20 siblings), in the state a
 * redemption meets in the field: the card was shipped issuer -> distributor -> retailer and activated
 * at the point of sale (the batch requires activation), and the hint is its run's start.
 *
 * @dev The redeemed bitmap holds 256 cards per slot: the first card of a slot writes a new slot
 *      (22,100 gas), later cards of the same slot rewrite it (2,900 in a new transaction, 100 within
 *      the same one). The first card of a slot also sets its bit in the summary bitmap (one slot per
 *      65,536 cards): a new slot for the first redemption of those 65,536 cards, a rewrite after.
 *      Rows show each case, since which applies depends on the order cards come in.
 */
export async function measureRedemption(ctx: BenchContext, batch: BenchBatch): Promise<GasRow[]> {
  const { registry, issuer, distributor, retailer, redeemer } = ctx;
  const { batchId } = batch;
  await gasUsedBy(
    registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 2 * RETAIL_END, 0),
  );
  await gasUsedBy(
    registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 0, RETAIL_END, 0),
  );
  await gasUsedBy(registry.connect(retailer).activateLot(batchId, 0, RETAIL_END, 0));
  await gasUsedBy(registry.connect(issuer).setRedeemer(batchId, redeemer.address, true));

  const redemption = async (serial: number): Promise<IVoucherRegistry.RedemptionStruct> => {
    const { sigR, sigVs, proof } = await batch.redemptionOf(serial, redeemer.address);
    if (proof.length !== PROOF_DEPTH)
      throw new Error(`serial ${serial} has a proof of ${proof.length}, not ${PROOF_DEPTH}`);
    return { serial, hint: 0, sigR, sigVs, proof };
  };
  const redeemOne = async (serial: number) => {
    const { sigR, sigVs, proof } = await redemption(serial);
    return gasUsedBy(registry.connect(redeemer).redeem(batchId, serial, 0, sigR, sigVs, proof));
  };
  const rows: GasRow[] = [];
  const single = (key: string, shape: string, gas: number, note = "") =>
    gasRow({
      key: `redeem/depth-20/${key}`,
      operation: "redeem",
      shape,
      size: 1,
      gas,
      source: "receipt",
      hotPath: true,
      note: `proof length ${PROOF_DEPTH}${note}`,
    });
  const newSummary = await redeemOne(SINGLE);
  const newWord = await redeemOne(SINGLE_SAME_SUMMARY);
  const usedWord = await redeemOne(SINGLE_SAME_SUMMARY + 1);
  rows.push(
    single(
      "new-summary",
      "first card of its 65,536 (2 new slots)",
      newSummary,
      "; no target: once per 65,536 cards, the new slots alone are 44,200",
    ),
  );
  rows.push(
    single(
      "new-word",
      "first card of its bitmap slot (1 new, 1 rewritten)",
      newWord,
      "; no target: the new slot alone is 22,100",
    ),
  );
  rows.push(
    single("used-word", "bitmap slot already used (1 rewritten)", usedWord, "; any later card of the same 256 serials"),
  );
  const amortized = Math.round((newWord + (CARDS_PER_BITMAP_SLOT - 1) * usedWord) / CARDS_PER_BITMAP_SLOT);
  rows.push(
    gasRow({
      key: "redeem/depth-20/per-card-average",
      operation: "redeem",
      shape: "average per card over a bitmap slot (1 first + 255 later cards)",
      size: 1,
      gas: amortized,
      source: "receipt / cards",
      target: REDEEM_TARGET,
      note: `proof length ${PROOF_DEPTH}; = (first + 255 x later) / 256`,
    }),
  );
  const slotsPerSummary = CARDS_PER_SUMMARY_SLOT / CARDS_PER_BITMAP_SLOT;
  const amortizedSummary = Math.round(
    (newSummary + (slotsPerSummary - 1) * newWord + (CARDS_PER_SUMMARY_SLOT - slotsPerSummary) * usedWord) /
      CARDS_PER_SUMMARY_SLOT,
  );
  rows.push(
    gasRow({
      key: "redeem/depth-20/per-card-average-summary",
      operation: "redeem",
      shape: "average per card over 65,536 cards (every card redeemed)",
      size: 1,
      gas: amortizedSummary,
      source: "receipt / cards",
      target: REDEEM_TARGET,
      note: `proof length ${PROOF_DEPTH}; 1 first of all + 255 first of a slot + the rest`,
    }),
  );

  const many = async (key: string, shape: string, serials: number[]) => {
    const sent = registry.connect(redeemer).redeemMany(batchId, await Promise.all(serials.map(redemption)));
    const { gas: total, calldataFloor } = await measureTransaction(sent);
    const perCard = Math.round(total / serials.length);
    const floorNote = total === calldataFloor ? "; EIP-7623 calldata floor binds" : "";
    rows.push(
      gasRow({
        key: `redeemMany/${key}/total`,
        operation: "redeemMany",
        shape: `${shape}, total`,
        size: serials.length,
        gas: total,
        source: "receipt",
        note: `proof length ${PROOF_DEPTH}${floorNote}`,
      }),
      gasRow({
        key: `redeemMany/${key}/per-card`,
        operation: "redeemMany",
        shape: `${shape}, per card`,
        size: serials.length,
        gas: perCard,
        source: "receipt / cards",
        hotPath: true,
        ...(key === "consecutive" ? { target: REDEEM_MANY_PER_CARD_TARGET } : {}),
        note: `= ${total.toLocaleString("en-US")} / ${serials.length}${floorNote}${key === "consecutive" ? "" : "; no target: each card opens a new bitmap slot (22,100)"}`,
      }),
    );
  };
  const serials = (first: number, step: number) => Array.from({ length: MANY }, (_, i) => first + i * step);
  await many("consecutive", "100 consecutive serials (1 bitmap slot)", serials(CONSECUTIVE_FIRST, 1));
  await many("scattered", "100 scattered serials (1 bitmap slot each)", serials(SCATTERED_FIRST, SCATTERED_STEP));
  ctx.log("measured redeem and redeemMany");
  return rows;
}
