import { percentile } from "../indexer/summarizeLatencies.js";

/** Proof-time percentiles in microseconds. */
export type ProofTimes = { samples: number; medianUs: number; p99Us: number; maxUs: number };

/** Calls to make before timing, so both trees are measured with warm JIT code. */
const WARM_UP_CALLS = 200;

/**
 * Times `getProof(serial)` once per serial of `serials` (after {@link WARM_UP_CALLS} untimed calls on
 * the same serials), each call on its own with `performance.now()`.
 */
export function measureProofs(getProof: (serial: number) => unknown, serials: readonly number[]): ProofTimes {
  for (let i = 0; i < WARM_UP_CALLS; i++) getProof(serials[i % serials.length]!);
  const times = serials.map((serial) => {
    const started = performance.now();
    getProof(serial);
    return 1_000 * (performance.now() - started);
  });
  return {
    samples: times.length,
    medianUs: percentile(times, 50),
    p99Us: percentile(times, 99),
    maxUs: Math.max(...times),
  };
}
