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

/** What a lot gets from the run it is cut from. */
export type LotProperties = Pick<CustodyRun, "holder" | "activated" | "revoked" | "revokeReason">;

/**
 * One batch's custody, replayed: runs of consecutive serials with a holder and flags, split exactly
 * as `VoucherRegistry._split` splits them. Stored runs cover `[0, stockStart)`; the issuer's
 * untouched stock `[stockStart, count)` is one implicit run (issuer, no flags), and a lot cut from
 * it moves `stockStart` to the lot's end instead of storing the rest.
 *
 * @dev Runs are never merged (the registry never merges them), so the set of run starts only
 *      grows: a sorted array of starts plus a map from start to run. Finding the run of a serial is
 *      a binary search; a split inserts at most two starts right after the run's own, which for the
 *      common case (lots taken from the front of the stock) is an append.
 */
export function createCustodyRuns(count: number, issuer: Hex) {
  /** Starts of stored runs, ascending. */
  const starts: number[] = [];
  const runs = new Map<number, CustodyRun>();
  let stockStart = 0;

  const stock = (): CustodyRun => ({
    start: stockStart,
    end: count,
    holder: issuer,
    activated: false,
    revoked: false,
    revokeReason: 0,
  });

  function insertStart(start: number): void {
    const last = starts.length === 0 ? -1 : starts[starts.length - 1]!;
    if (start > last) {
      starts.push(start);
      return;
    }
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! < start) low = middle + 1;
      else high = middle;
    }
    if (starts[low] !== start) starts.splice(low, 0, start);
  }

  function runContaining(serial: number): CustodyRun | undefined {
    if (!Number.isInteger(serial) || serial < 0 || serial >= count) return undefined;
    if (serial >= stockStart) return stock();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle]! <= serial) low = middle;
      else high = middle - 1;
    }
    const run = runs.get(starts[low]!);
    return run !== undefined && run.start <= serial && serial < run.end ? run : undefined;
  }

  return {
    count,
    issuer,
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

    /**
     * Replaces the lot `[start, end)` by a run with `lot(run)`'s properties, where `run` is the run
     * holding `start`. Returns that run, or undefined (and changes nothing) when the lot is empty or
     * does not fit inside one run: the registry would have reverted.
     */
    split(start: number, end: number, lot: (run: CustodyRun) => LotProperties): CustodyRun | undefined {
      const run = runContaining(start);
      if (run === undefined || !(start < end) || end > run.end) return undefined;
      const properties = {
        holder: run.holder,
        activated: run.activated,
        revoked: run.revoked,
        revokeReason: run.revokeReason,
      };
      const next = lot(run);
      if (run.start === stockStart) {
        stockStart = end;
      } else if (end < run.end) {
        runs.set(end, { start: end, end: run.end, ...properties });
        insertStart(end);
      }
      if (run.start < start) {
        runs.set(run.start, { start: run.start, end: start, ...properties });
        insertStart(run.start);
      }
      runs.set(start, {
        start,
        end,
        holder: next.holder,
        activated: next.activated,
        revoked: next.revoked,
        revokeReason: next.revokeReason,
      });
      insertStart(start);
      return run;
    },

    /** Every run in serial order, the implicit stock last. */
    *runs(): Generator<CustodyRun> {
      for (const start of starts) yield runs.get(start)!;
      if (stockStart < count) yield stock();
    },
  };
}

export type CustodyRuns = ReturnType<typeof createCustodyRuns>;
