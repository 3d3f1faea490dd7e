import { measureApiLookups } from "./measureApiLookups.js";

/** The API section of the report: measured, or skipped with the reason. */
export type ApiResult =
  | {
      status: "measured";
      requestsPerSecond: number;
      p50Ms: number;
      p99Ms: number;
      errors: number;
      non2xx: number;
      connections: number;
      durationSeconds: number;
      /** Custody runs of the batch looked up. */
      runs: number;
    }
  | { status: "skipped"; reason: string };

/** Why the API section is empty when the indexer process did not serve the API. */
export const API_UNAVAILABLE = 'API benchmark unavailable: the indexer process logged no "API listening" line';

/**
 * Card-status lookups (`GET /v1/batches/{batchId}/cards/{serial}`, random serials) against the
 * API the indexer process serves, with autocannon, through the API's own `measureApiLookups`.
 * Skipped, with {@link API_UNAVAILABLE}, when the process serves no API.
 */
export async function measureApi(
  options: {
    baseUrl: string | undefined;
    batchId: bigint;
    count: number;
    runs: number;
    durationSeconds: number;
    connections: number;
  },
  log: (line: string) => void,
): Promise<ApiResult> {
  if (options.baseUrl === undefined) {
    log(API_UNAVAILABLE);
    return { status: "skipped", reason: API_UNAVAILABLE };
  }
  log(`API: ${options.connections} connections for ${options.durationSeconds} s against ${options.baseUrl}`);
  const result = await measureApiLookups({
    baseUrl: options.baseUrl,
    batchId: options.batchId,
    count: options.count,
    durationSeconds: options.durationSeconds,
    connections: options.connections,
  });
  log(`API: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99Ms} ms`);
  return {
    status: "measured",
    ...result,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    runs: options.runs,
  };
}
