/** What {@link createRateLimiter}'s `take` decided. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets per client key (the client IP): each holds up to `burst` tokens, refills at
 * `ratePerSecond`, and a request takes one. An empty bucket refuses with the seconds until a token
 * is back (the `Retry-After` of a 429).
 *
 * @dev Memory is bounded: buckets that refilled completely are equivalent to absent ones and are
 * swept at most once a minute (and whenever `maxClients` is reached); if that is not enough, the
 * oldest buckets go. Time comes from `now` (milliseconds, monotonic), injectable for tests.
 */
export function createRateLimiter({
  ratePerSecond,
  burst,
  maxClients = 100_000,
  now = () => performance.now(),
}: {
  ratePerSecond: number;
  burst: number;
  maxClients?: number;
  now?: () => number;
}) {
  if (!(ratePerSecond > 0) || !(burst >= 1))
    throw new RangeError("a rate limiter needs a positive rate and burst >= 1");
  const buckets = new Map<string, { tokens: number; updated: number }>();
  const fullAfterMs = (burst / ratePerSecond) * 1000;
  let lastSweep = now();

  function sweep(at: number) {
    lastSweep = at;
    for (const [key, bucket] of buckets) if (at - bucket.updated >= fullAfterMs) buckets.delete(key);
    if (buckets.size < maxClients) return;
    let excess = buckets.size - Math.floor(maxClients * 0.9);
    for (const key of buckets.keys()) {
      if (excess-- <= 0) break;
      buckets.delete(key);
    }
  }

  return {
    /** Takes a token from `key`'s bucket if there is one. */
    take(key: string): RateDecision {
      const at = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxClients || at - lastSweep >= 60_000) sweep(at);
        bucket = { tokens: burst, updated: at };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.updated) / 1000) * ratePerSecond);
        bucket.updated = at;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
    },

    /** Clients with a bucket (for tests and metrics). */
    get size() {
      return buckets.size;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
