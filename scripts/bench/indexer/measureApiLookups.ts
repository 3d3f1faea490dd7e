import autocannon from "autocannon";

/** Distinct random serials cycled through by the load generator. */
const DISTINCT_SERIALS = 4_096;

/**
 * Card-status lookups (`GET /v1/batches/{batchId}/cards/{serial}`, the verifier's first request)
 * against a running API with autocannon, at random serials of one batch.
 *
 * @dev The load runs in an autocannon worker thread (`workers: 1`), so the measurement holds when
 * the API runs in the calling process too; requests are a pre-drawn list of random serials (what a
 * worker can be given). The API must not rate-limit the benchmark: start it with
 * `CARDPROOF_API_RATE_LIMIT=0`; a 429 fails the measurement with that advice instead of reporting
 * refusals as throughput. Latencies are autocannon's, in milliseconds.
 */
export async function measureApiLookups(opts: {
  baseUrl: string;
  batchId: bigint | string;
  count: number;
  durationSeconds: number;
  connections: number;
}): Promise<{ requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number }> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new RangeError(`count must be >= 1, got ${opts.count}`);
  const batchId = opts.batchId.toString();
  const base = new URL(opts.baseUrl);
  const probe = await fetch(new URL(`/v1/batches/${batchId}/cards/0`, base));
  if (probe.status !== 200) {
    throw new Error(
      `card status of serial 0 of batch ${batchId} answered HTTP ${probe.status} (${await probe.text()}): ` +
        "check the batch is indexed and the API runs with CARDPROOF_API_RATE_LIMIT=0",
    );
  }
  await probe.arrayBuffer().catch(() => undefined);

  const requests = Array.from({ length: Math.min(DISTINCT_SERIALS, opts.count) }, () => ({
    method: "GET" as const,
    path: `/v1/batches/${batchId}/cards/${Math.floor(Math.random() * opts.count)}`,
  }));
  const result = await autocannon({
    url: base.origin,
    connections: opts.connections,
    duration: opts.durationSeconds,
    workers: 1,
    requests,
  });
  const limited = result.statusCodeStats?.["429"]?.count ?? 0;
  if (limited > 0) {
    throw new Error(
      `the API refused ${limited} lookups with 429: start it with CARDPROOF_API_RATE_LIMIT=0 to benchmark it`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
