/** One line of Ponder's `--log-format json` output (pino), stamped when the bench read it. */
export type PonderLogRecord = {
  /** pino's numeric level: 30 info, 40 warn, 50 error, 60 fatal. */
  level?: number;
  msg?: string;
  /** `performance.now()` in the bench process when the line arrived. */
  receivedAt: number;
  [field: string]: unknown;
};

/** Where Ponder's backfill stands, read from its log lines. */
export type PonderProgress = {
  /** When Ponder started fetching or indexing the backfill (its first such line), if it has. */
  startedAt: number | undefined;
  /** When it logged that the backfill was indexed, if it has. */
  completedAt: number | undefined;
  /** The last share of the backfill Ponder said it had indexed ("32.0%"), if it said so yet. */
  progress: string | undefined;
  /**
   * Error and fatal lines, in order, each as its message and its error's message ("Build failed:
   * Database schema required. ..."). Ponder retries some failures, so they need not be fatal.
   */
  errors: string[];
};

/** Lines Ponder 0.16 logs as its backfill begins (fetching from RPC, indexing from its sync store). */
const STARTED = new Set(["Started fetching backfill JSON-RPC data", "Started backfill indexing"]);
/** Lines it logs once every block up to the end block (or the finalized head) is indexed. */
const COMPLETED = new Set(["Completed backfill indexing", "Completed backfill indexing across all chains"]);
/** Its periodic line with the share of the backfill indexed so far (`progress: "32.0%"`). */
const PROGRESS = "Updated backfill indexing progress";
const ERROR_LEVEL = 50;

/**
 * Reads the backfill window from Ponder's JSON log lines: from the first line announcing the
 * backfill to the first line saying it completed.
 *
 * @dev Ponder has no single "sync started" line: it starts fetching RPC data and indexing
 *      concurrently, so the earlier of the two opens the window. The bench also waits for
 *      `/ready` (200 once historical indexing is done) before it reads the database, so a renamed
 *      line in a later Ponder shows up as a missing `completedAt`, not a wrong figure.
 */
export function readPonderProgress(records: readonly PonderLogRecord[]): PonderProgress {
  let startedAt: number | undefined;
  let completedAt: number | undefined;
  let progress: string | undefined;
  const errors: string[] = [];
  for (const record of records) {
    const msg = record.msg ?? "";
    if (startedAt === undefined && STARTED.has(msg)) startedAt = record.receivedAt;
    if (completedAt === undefined && COMPLETED.has(msg)) completedAt = record.receivedAt;
    if (msg === PROGRESS && typeof record.progress === "string") progress = record.progress;
    if ((record.level ?? 0) >= ERROR_LEVEL) errors.push(describeError(record));
  }
  return { startedAt, completedAt, progress, errors };
}

function describeError(record: PonderLogRecord): string {
  const error = record.error as { message?: unknown } | undefined;
  const detail = typeof error?.message === "string" && error.message !== "" ? error.message : undefined;
  const msg = record.msg ?? "";
  if (detail === undefined) return msg === "" ? JSON.stringify(record) : msg;
  return msg === "" ? detail : `${msg}: ${detail}`;
}
