import { Worker } from "node:worker_threads";

import { BaseError } from "../internal/BaseError.js";
import type { Logger, LogLevel, LogRecord } from "../internal/createLogger.js";
import type { Labels, Metrics } from "../internal/createMetrics.js";
import type { IndexerConfig } from "../internal/loadConfig.js";

/** What the worker is started with. */
export type SyncWorkerData = { config: IndexerConfig; logLevel: LogLevel };

type MetricDefinition = { name: string; help: string; labelNames?: readonly string[]; buckets?: readonly number[] };

/** What the worker posts to the main thread. */
export type SyncWorkerMessage =
  | { type: "log"; record: LogRecord }
  | {
      type: "metric";
      kind: "counter" | "gauge" | "histogram";
      definition: MetricDefinition;
      labels: Labels | undefined;
      value: number | undefined;
    }
  | { type: "mirrorChecked" }
  | { type: "stopped" }
  | { type: "failed"; error: { name: string; message: string; shortMessage: string } };

/** The sync loop's fatal error, as the worker reported it (its class stays in the worker). */
export class SyncWorkerError extends BaseError {
  override name = "SyncWorkerError";
  /** The class name of the error that stopped the loop (`ReorgTooDeepError`, ...). */
  readonly reportedName: string;

  constructor(error: { name: string; message: string; shortMessage: string }) {
    const prefix = `${error.shortMessage}\n\n`;
    const details = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : undefined;
    super(error.shortMessage, details === undefined ? {} : { details });
    this.reportedName = error.name;
  }
}

/**
 * Runs the sync engine and the store's writes in a worker thread (`syncWorker.ts`) on its own
 * connection to the database file, so the API on this thread answers while pages are parsed,
 * decoded and committed (WAL: readers see the last committed page and never wait for the writer).
 *
 * @dev The worker's log records go to `logger` and its metric updates to `metrics`, so `/metrics`
 * and the logs look as with the in-process engine. `mirrorChecked` turns true when the worker's
 * first round has compared the stored mirror with the chain. `done` resolves once `stop()` has
 * let the loop finish its current page and closed the worker's connection; it rejects with a
 * {@link SyncWorkerError} on a fatal sync error, or when the worker dies. The database must be
 * a file (`:memory:` is private to a connection) and already migrated.
 */
export function startSyncWorker({
  config,
  logger,
  metrics,
}: {
  config: IndexerConfig;
  logger: Logger;
  metrics: Metrics;
}) {
  const data: SyncWorkerData = { config, logLevel: logger.level };
  // The worker loads this TypeScript tree through tsx, as the process does (`node --import tsx`);
  // a host that registered tsx another way (a test runner) does not pass it on by itself.
  const tsx = process.execArgv.some((arg) => /(^|[/=\s])tsx\b/.test(arg));
  const worker = new Worker(new URL("./syncWorker.ts", import.meta.url), {
    workerData: data,
    ...(tsx ? {} : { execArgv: [...process.execArgv, "--import", "tsx"] }),
  });
  let mirrorChecked = false;
  let settled = false;
  const done = new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else reject(error);
    };
    worker.on("message", (message: SyncWorkerMessage) => {
      switch (message.type) {
        case "log": {
          // This thread's logger stamps its own time; the worker's is dropped.
          const { level, msg, ...fields }: Partial<LogRecord> & Pick<LogRecord, "level" | "msg"> = message.record;
          delete fields.time;
          logger[level](msg, fields);
          return;
        }
        case "metric":
          forward(metrics, message);
          return;
        case "mirrorChecked":
          mirrorChecked = true;
          return;
        case "stopped":
          settle();
          return;
        case "failed":
          settle(new SyncWorkerError(message.error));
          return;
      }
    });
    worker.on("error", (error) => settle(error));
    worker.on("exit", (code) => {
      settle(new SyncWorkerError({ name: "Error", message: "", shortMessage: `sync worker exited with code ${code}` }));
    });
  });
  done.catch(() => undefined);

  return {
    /** Whether a sync round has completed: the stored mirror was compared with the chain. */
    get mirrorChecked() {
      return mirrorChecked;
    },
    done,
    /** Stops the loop after its current page and waits for the worker to close its connection. */
    async stop(): Promise<void> {
      if (!settled) worker.postMessage({ type: "stop" });
      await done.catch(() => undefined);
      await worker.terminate();
    },
  };
}

function forward(metrics: Metrics, message: Extract<SyncWorkerMessage, { type: "metric" }>) {
  const { definition, labels, value } = message;
  if (message.kind === "counter") metrics.counter(definition).inc(labels, value);
  else if (message.kind === "gauge") metrics.gauge(definition).set(value ?? 0, labels);
  else metrics.histogram({ ...definition, buckets: definition.buckets ?? [] }).observe(value ?? 0, labels);
}
