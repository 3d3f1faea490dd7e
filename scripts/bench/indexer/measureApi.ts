import { measureApiLookups } from "./measureApiLookups.js";
import { measureApiTimeline, type ApiLoadCell, type CardPosition } from "./measureApiTimeline.js";

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
      /** Lots of the batch (multi-card events: its issuance and lot transfers). */
      lots: number;
      /** Timeline by card position and connections, then card status by connections. */
      cells: ApiLoadCell[];
    }
  | { status: "skipped"; reason: string };

/** Why the API section is empty when the indexer process did not serve the API. */
export const API_UNAVAILABLE = 'API benchmark unavailable: the indexer process logged no "API listening" line';

/**
 * Card-status lookups (`GET /v1/batches/{batchId}/cards/{serial}`, random serials) against the
 * API the indexer process serves, with autocannon, through the API's own `measureApiLookups`;
 * then the load matrix of `measureApiTimeline` (timeline by card position and connections, card
 * status by connections). Skipped, with {@link API_UNAVAILABLE}, when the process serves no API.
 */
export async function measureApi(
  options: {
    baseUrl: string | undefined;
    batchId: bigint;
    count: number;
    runs: number;
    lots: number;
    durationSeconds: number;
    connections: number;
    /** The indexer process, for the CPU split. */
    pid: number | undefined;
    matrix: {
      connections: readonly number[];
      positions: readonly CardPosition[];
      statusConnections: readonly number[];
      durationSeconds: number;
      warmupSeconds: number;
    };
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
  const cells = await measureApiTimeline(
    { baseUrl: options.baseUrl, batchId: options.batchId, count: options.count, pid: options.pid, ...options.matrix },
    log,
  );
  return {
    status: "measured",
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    non2xx: result.non2xx,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    runs: options.runs,
    lots: options.lots,
    cells,
  };
}
