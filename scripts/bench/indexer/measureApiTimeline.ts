import { readFileSync } from "node:fs";

import { measureApiLookups, type CardRoute, type LookupFigures } from "./measureApiLookups.js";

/** Where in the batch the looked-up cards sit: a fixed share of `count`, or random serials. */
export type CardPosition = { label: string; share: number | null };

/** The positions the timeline is measured at: a lot lookup used to cost more the further the card. */
export const TIMELINE_POSITIONS: readonly CardPosition[] = [
  { label: "1%", share: 0.01 },
  { label: "50%", share: 0.5 },
  { label: "99%", share: 0.99 },
  { label: "random", share: null },
];

/** One load run: a route, where its cards sit, how many connections, and what it measured. */
export type ApiLoadCell = LookupFigures & {
  route: CardRoute;
  position: string;
  /** The card looked up, or null for random serials. */
  serial: number | null;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /**
   * CPU time spent during the run as a share of one core: the indexer process (API and sync loop)
   * and this process (autocannon's worker thread), from `/proc` and `process.cpuUsage()`; null off
   * Linux. Both share the machine's cores, which bounds what the API can get.
   */
  cpu: { indexerPercent: number | null; loadPercent: number };
};

/**
 * The API's card routes under load, one autocannon run per cell: the timeline at cards at 1%, 50%
 * and 99% of the batch and at random cards, at each connection count, then card status at random
 * cards at each connection count (the p99-versus-connections curve), with the CPU split of each run.
 *
 * @dev Cells run one after the other against the same indexer process; each starts with a warm-up
 * run of `warmupSeconds` at its route and position that is not reported (JIT, SQLite page cache).
 */
export async function measureApiTimeline(
  options: {
    baseUrl: string;
    batchId: bigint;
    count: number;
    /** The process serving the API, for its CPU time (undefined: not measured). */
    pid: number | undefined;
    connections: readonly number[];
    positions: readonly CardPosition[];
    statusConnections: readonly number[];
    durationSeconds: number;
    /** Unreported load before each cell (0: none). */
    warmupSeconds: number;
  },
  log: (line: string) => void,
): Promise<ApiLoadCell[]> {
  const cells: ApiLoadCell[] = [];
  const run = async (route: CardRoute, position: CardPosition, connections: number) => {
    const serial =
      position.share === null ? null : Math.min(options.count - 1, Math.floor(options.count * position.share));
    const lookup = {
      baseUrl: options.baseUrl,
      batchId: options.batchId,
      count: options.count,
      connections,
      route,
      ...(serial === null ? {} : { serials: [serial] }),
    };
    if (options.warmupSeconds > 0) await measureApiLookups({ ...lookup, durationSeconds: options.warmupSeconds });
    const indexerBefore = options.pid === undefined ? undefined : readCpuSeconds(options.pid);
    const loadBefore = process.cpuUsage();
    const started = performance.now();
    const figures = await measureApiLookups({ ...lookup, durationSeconds: options.durationSeconds });
    const wall = (performance.now() - started) / 1000;
    const load = process.cpuUsage(loadBefore);
    const indexerAfter = options.pid === undefined ? undefined : readCpuSeconds(options.pid);
    const cell: ApiLoadCell = {
      ...figures,
      route,
      position: position.label,
      serial,
      connections,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      cpu: {
        indexerPercent:
          indexerBefore === undefined || indexerAfter === undefined
            ? null
            : (100 * (indexerAfter - indexerBefore)) / wall,
        loadPercent: (100 * (load.user + load.system)) / 1e6 / wall,
      },
    };
    log(
      `API ${route} @ ${position.label}, ${connections} connections: ${Math.round(cell.requestsPerSecond)} req/s, ` +
        `p99 ${cell.p99Ms} ms, CPU indexer ${cell.cpu.indexerPercent?.toFixed(0) ?? "-"}% / load ${cell.cpu.loadPercent.toFixed(0)}%`,
    );
    cells.push(cell);
  };
  for (const position of options.positions) {
    for (const connections of options.connections) await run("timeline", position, connections);
  }
  for (const connections of options.statusConnections) {
    await run("status", { label: "random", share: null }, connections);
  }
  return cells;
}

/** User + system CPU seconds of a process so far (Linux `/proc/<pid>/stat`), or undefined. */
function readCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : undefined;
}

/** `getconf CLK_TCK` on Linux (100 on every mainstream kernel build). */
const CLOCK_TICKS_PER_SECOND = 100;
