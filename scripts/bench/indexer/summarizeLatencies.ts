/** Nearest-rank percentile `p` (0-100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Median, p99 and max of latencies in ms. */
export function summarizeLatencies(values: readonly number[]): {
  samples: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
} {
  return {
    samples: values.length,
    medianMs: percentile(values, 50),
    p99Ms: percentile(values, 99),
    maxMs: Math.max(...values),
  };
}
