import type { Hex } from "viem";

/** A custody run `[start, end)` as the registry's `runAt` describes it. */
export type CustodyRun = {
  start: number;
  end: number;
  holder: Hex;
  activated: boolean;
  revoked: boolean;
  /** Non-zero only while revoked. */
  revokeReason: number;
};

/** What a lot gets from each run it crosses. */
export type LotProperties = Pick<CustodyRun, "holder" | "activated" | "revoked" | "revokeReason">;

/**
 * One batch's custody, replayed as registry v2 keeps it (issue 12 §3): runs of consecutive serials
 * with a holder and flags. Stored runs cover `[0, stockStart)`; the issuer's untouched stock
 * `[stockStart, count)` is one implicit run held by the batch's current issuer account (`issuer`
 * is read at each use, so a key rotation moves the stock with the issuer id).
 *
 * @dev A lot operation on `[start, end)` may cross several runs. Afterwards the runs of the region
 *      R — from the start of the run holding `start - 1` (0 when `start == 0`) to the end of the run
 *      holding `end` (`count` when `end == count`) — are re-formed by coalescing every pair of
 *      adjacent pieces with equal (holder, flags, reason); runs outside R are untouched. Then, if the
 *      run ending at `count` is (current issuer, no flags, no reason), it is the implicit stock and
 *      `stockStart` is its start; otherwise `stockStart = count`. Exactly the rule mirrors must follow.
 *      Run starts are a sorted array plus a map from start to run: finding a serial's run is a
 *      binary search.
 */
export function createCustodyRuns(count: number, issuer: Hex | (() => Hex)) {
  const issuerNow = typeof issuer === "function" ? issuer : () => issuer;
  /** Starts of stored runs, ascending. */
  const starts: number[] = [];
  const runs = new Map<number, CustodyRun>();
  let stockStart = 0;

  const stock = (): CustodyRun => ({
    start: stockStart,
    end: count,
    holder: issuerNow(),
    activated: false,
    revoked: false,
    revokeReason: 0,
  });

  /** Index of the first stored start >= `serial`. */
  function lowerBound(serial: number): number {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! < serial) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  function runContaining(serial: number): CustodyRun | undefined {
    if (!Number.isInteger(serial) || serial < 0 || serial >= count) return undefined;
    if (serial >= stockStart) return stock();
    const index = lowerBound(serial + 1) - 1;
    const run = index < 0 ? undefined : runs.get(starts[index]!);
    return run !== undefined && run.start <= serial && serial < run.end ? run : undefined;
  }

  /** The runs `[start, end)` crosses, in order; undefined for an empty lot or one past the batch. */
  function runsIn(start: number, end: number): CustodyRun[] | undefined {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || !(start < end) || end > count) {
      return undefined;
    }
    const crossed: CustodyRun[] = [];
    for (let serial = start; serial < end;) {
      const run = runContaining(serial);
      if (run === undefined) return undefined;
      crossed.push(run);
      serial = run.end;
    }
    return crossed;
  }

  const same = (a: LotProperties, b: LotProperties) =>
    a.holder === b.holder &&
    a.activated === b.activated &&
    a.revoked === b.revoked &&
    a.revokeReason === b.revokeReason;

  return {
    count,
    /** The issuer account holding the implicit stock now. */
    get issuer() {
      return issuerNow();
    },
    /** Start of the issuer's untouched stock (`batchOf(id).stockStart`). */
    get stockStart() {
      return stockStart;
    },
    /** Runs, stored and implicit. */
    get size() {
      return starts.length + (stockStart < count ? 1 : 0);
    },

    /** The run holding `serial`, or undefined past the batch. */
    runContaining,

    /** The runs the lot `[start, end)` crosses, in order; undefined when empty or past the batch. */
    runsIn,

    /**
     * Applies a lot operation: every part of `[start, end)` takes `lot(run)`'s properties, `run` being
     * the run it was in; then the region around the lot is coalesced and the stock rule applied (see
     * {@link createCustodyRuns}). Returns the crossed runs as they were, or undefined (changing
     * nothing) for an empty lot or one past the batch: the registry would have reverted.
     */
    apply(start: number, end: number, lot: (run: CustodyRun) => LotProperties): CustodyRun[] | undefined {
      const crossed = runsIn(start, end);
      if (crossed === undefined) return undefined;
      const regionStart = start === 0 ? 0 : runContaining(start - 1)!.start;
      const regionEnd = end === count ? count : runContaining(end)!.end;
      // The region's runs, the implicit stock materialized, cut at start and end.
      const pieces: CustodyRun[] = [];
      for (let serial = regionStart; serial < regionEnd;) {
        const run = runContaining(serial)!;
        const cuts = [
          run.start,
          Math.max(run.start, Math.min(start, run.end)),
          Math.min(run.end, Math.max(end, run.start)),
          run.end,
        ];
        for (let i = 0; i < 3; i++) {
          const from = cuts[i]!;
          const to = cuts[i + 1]!;
          if (from >= to) continue;
          const inside = from >= start && to <= end;
          const next = inside ? lot(run) : run;
          pieces.push({
            start: from,
            end: to,
            holder: next.holder,
            activated: next.activated,
            revoked: next.revoked,
            revokeReason: next.revokeReason,
          });
        }
        serial = run.end;
      }
      const merged: CustodyRun[] = [];
      for (const piece of pieces) {
        const last = merged.at(-1);
        if (last !== undefined && same(last, piece)) last.end = piece.end;
        else merged.push({ ...piece });
      }
      // Replace the stored runs of the region (the stock beyond the region stays as it is).
      const storedEnd = Math.min(regionEnd, stockStart);
      const from = lowerBound(regionStart);
      const to = lowerBound(storedEnd);
      for (const old of starts.splice(from, to - from)) runs.delete(old);
      if (regionEnd > stockStart) stockStart = count;
      starts.splice(from, 0, ...merged.map((run) => run.start));
      for (const run of merged) runs.set(run.start, run);
      // The stock rule: a last run (issuer, no flags) is the implicit stock.
      const lastStart = starts.at(-1);
      const last = lastStart === undefined ? undefined : runs.get(lastStart);
      if (stockStart === count && last !== undefined && last.end === count) {
        if (last.holder === issuerNow() && !last.activated && !last.revoked && last.revokeReason === 0) {
          starts.pop();
          runs.delete(last.start);
          stockStart = last.start;
        }
      }
      return crossed;
    },

    /** Every run in serial order, the implicit stock last. */
    *runs(): Generator<CustodyRun> {
      for (const start of starts) yield runs.get(start)!;
      if (stockStart < count) yield stock();
    },
  };
}

export type CustodyRuns = ReturnType<typeof createCustodyRuns>;
