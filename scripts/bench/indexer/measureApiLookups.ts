import autocannon from "autocannon";

/**
 * Distinct random serials cycled through by the load generator. autocannon builds every request
 * on every connection before its run: 4,096 of them at 100 connections held the first requests for
 * 3-5 s (the run's max latency, and its p99 up by ~10 ms in a run here); 256 take milliseconds.
 */
const DISTINCT_SERIALS = 256;

/** The card routes the benchmark loads: status (the verifier's first request) and timeline. */
export type CardRoute = "status" | "timeline";

/** One autocannon run's figures. */
export type LookupFigures = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
};

/**
 * Card lookups (`GET /v1/batches/{batchId}/cards/{serial}`, the verifier's first request, or its
 * `/timeline`) against a running API with autocannon, at random serials of one batch or at the
 * serials given.
 *
 * @dev The load runs in an autocannon worker thread (`workers: 1`), so the measurement holds when
 * the API runs in the calling process too; requests are a pre-drawn list of serials (what a
 * worker can be given). The API must not rate-limit the benchmark: start it with
 * `CARDPROOF_API_RATE_LIMIT=0`; a 429 fails the measurement with that advice instead of reporting
 * refusals as throughput. Latencies are autocannon's, in whole milliseconds.
 */
export async function measureApiLookups(opts: {
  baseUrl: string;
  batchId: bigint | string;
  count: number;
  durationSeconds: number;
  connections: number;
  /** Default `status`. */
  route?: CardRoute;
  /** Serials to cycle through (default: {@link DISTINCT_SERIALS} random ones below `count`). */
  serials?: readonly number[];
}): Promise<LookupFigures> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new RangeError(`count must be >= 1, got ${opts.count}`);
  const batchId = opts.batchId.toString();
  const suffix = opts.route === "timeline" ? "/timeline" : "";
  const base = new URL(opts.baseUrl);
  const probe = await fetch(new URL(`/v1/batches/${batchId}/cards/0${suffix}`, base));
  if (probe.status !== 200) {
    throw new Error(
      `card ${opts.route ?? "status"} of serial 0 of batch ${batchId} answered HTTP ${probe.status} (${await probe.text()}): ` +
        "check the batch is indexed and the API runs with CARDPROOF_API_RATE_LIMIT=0",
    );
  }
  await probe.arrayBuffer().catch(() => undefined);

  const serials =
    opts.serials ??
    Array.from({ length: Math.min(DISTINCT_SERIALS, opts.count) }, () => Math.floor(Math.random() * opts.count));
  if (serials.length === 0 || serials.some((serial) => !Number.isInteger(serial) || serial < 0 || serial >= opts.count))
    throw new RangeError(`serials must be integers in [0, ${opts.count}), at least one`);
  const requests = serials.map((serial) => ({
    method: "GET" as const,
    path: `/v1/batches/${batchId}/cards/${serial}${suffix}`,
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
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}
