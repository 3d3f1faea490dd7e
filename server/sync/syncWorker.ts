/**
 * The sync worker's entry point (a `worker_threads` worker started by `startSyncWorker`): the
 * sync engine, its RPC client and the store's writes run here, on their own SQLite connection, so
 * a page's JSON parsing, decoding and transaction never hold up the API on the main thread.
 *
 * Log records and metric updates are posted to the main thread, which writes them to its logger
 * and its `/metrics` registry; `{ type: "stop" }` stops the loop after its current store write.
 */
import { parentPort, workerData } from "node:worker_threads";

import { createLogger } from "../internal/createLogger.js";
import { createMetrics, type Metrics } from "../internal/createMetrics.js";
import { createStore } from "../store/createStore.js";
import { openDatabase } from "../store/openDatabase.js";
import { createRpcClient } from "./createRpcClient.js";
import { createSyncEngine } from "./createSyncEngine.js";
import type { SyncWorkerData, SyncWorkerMessage } from "./startSyncWorker.js";

const port = parentPort;
if (port === null) throw new Error("server/sync/syncWorker.ts runs as a worker thread (see startSyncWorker)");
const post = (message: SyncWorkerMessage) => port.postMessage(message);
const { config, logLevel } = workerData as SyncWorkerData;

const logger = createLogger({ level: logLevel, sink: (record) => post({ type: "log", record }) });
const metrics = forwardingMetrics();
const db = openDatabase(config.dbPath);
const store = createStore({ db, logger });
const client = createRpcClient({
  urls: config.rpcUrls,
  logger,
  timeoutMs: config.rpcTimeoutMs,
  maxAttempts: config.rpcMaxAttempts,
  metrics,
});
const engine = createSyncEngine({
  config,
  store,
  client,
  logger,
  metrics,
  onMirrorChecked: () => post({ type: "mirrorChecked" }),
  // Nothing else runs on this thread: a whole fetched page per transaction.
  sliceLogs: Number.POSITIVE_INFINITY,
});
port.on("message", (message: { type: "stop" }) => {
  if (message.type === "stop") void engine.stop();
});
engine.start().then(
  () => {
    db.close();
    post({ type: "stopped" });
    port.unref();
  },
  (error: unknown) => {
    db.close();
    const base = error as { name?: unknown; message?: unknown; shortMessage?: unknown };
    post({
      type: "failed",
      error: {
        name: String(base.name ?? "Error"),
        message: String(base.message ?? error),
        shortMessage: typeof base.shortMessage === "string" ? base.shortMessage : String(base.message ?? error),
      },
    });
    port.unref();
  },
);

/** A registry whose every update is also posted to the main thread's registry. */
function forwardingMetrics(): Metrics {
  const local = createMetrics();
  // Only data crosses threads: a gauge's `collect` function stays here.
  const plain = (definition: { name: string; help: string; labelNames?: readonly string[] }) => ({
    name: definition.name,
    help: definition.help,
    ...(definition.labelNames === undefined ? {} : { labelNames: definition.labelNames }),
  });
  return {
    ...local,
    counter(definition) {
      const counter = local.counter(definition);
      return {
        inc(labels, value) {
          counter.inc(labels, value);
          post({ type: "metric", kind: "counter", definition: plain(definition), labels, value });
        },
      };
    },
    gauge(definition) {
      const gauge = local.gauge(definition);
      return {
        set(value, labels) {
          gauge.set(value, labels);
          post({ type: "metric", kind: "gauge", definition: plain(definition), labels, value });
        },
      };
    },
    histogram(definition) {
      const histogram = local.histogram(definition);
      return {
        observe(value, labels) {
          histogram.observe(value, labels);
          post({
            type: "metric",
            kind: "histogram",
            definition: { ...plain(definition), buckets: definition.buckets },
            labels,
            value,
          });
        },
      };
    },
  };
}
