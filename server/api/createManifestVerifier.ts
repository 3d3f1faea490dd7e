import { Worker } from "node:worker_threads";

import type { Address } from "viem";

import type { Logger } from "../internal/createLogger.js";
import { runManifestJob, type ManifestJob, type ManifestJobResult } from "./manifestJob.js";
import type { ExpectedManifest, ManifestVerdict } from "./verifyManifest.js";

const WORKER_URL = new URL("./manifestWorker.ts", import.meta.url);

/** `--import` argument that makes a worker load TypeScript like the indexer does, if tsx is installed. */
function tsxLoader(): string | undefined {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return undefined;
  }
}

/** The array itself when it owns its whole buffer (transferable), else a copy that does. */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/**
 * Runs the CPU-heavy manifest work (decode, Keccak-256 of the document, one leaf per card, the
 * tree: about 10 s for 1,000,000 cards) in a worker thread, one job at a time, so the API's event
 * loop keeps answering while a big manifest is verified.
 *
 * @dev A worker per job: jobs are rare (one per batch), and a finished worker returns all its
 * memory. The worker loads TypeScript through tsx (`--import tsx`), as the indexer itself runs. If
 * a worker cannot start at all (no tsx), jobs run in the calling thread instead, with a warning:
 * correct but blocking. Inputs are posted after the worker is online and transferred, not copied.
 */
export function createManifestVerifier({
  logger,
  useWorker = true,
}: {
  logger: Logger;
  /** false: run jobs in the calling thread (blocking). Default true. */
  useWorker?: boolean;
}) {
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const loader = useWorker ? tsxLoader() : undefined;
  let workersAvailable = loader !== undefined;
  if (useWorker && loader === undefined) {
    logger.warn("tsx not found: manifests are verified in the main thread (blocking the API meanwhile)");
  }
  let closed = false;
  const workers = new Set<Worker>();

  function enqueue(job: ManifestJob): Promise<ManifestJobResult> {
    if (closed) return Promise.reject(new Error("the manifest verifier is closed"));
    pending++;
    const task = queue.then(() => (workersAvailable ? inWorker(job) : runManifestJob(job)));
    queue = task.catch(() => undefined);
    return task.finally(() => pending--);
  }

  function inWorker(job: ManifestJob): Promise<ManifestJobResult> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL, {
        execArgv: ["--import", loader!],
        resourceLimits: { maxOldGenerationSizeMb: 2_048 },
      });
      workers.add(worker);
      let online = false;
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        workers.delete(worker);
        void worker.terminate();
        action();
      };
      worker.once("online", () => {
        online = true;
        const message: ManifestJob =
          job.kind === "verify" ? { ...job, bytes: owned(job.bytes) } : { ...job, cardKeys: owned(job.cardKeys) };
        const input = message.kind === "verify" ? message.bytes : message.cardKeys;
        worker.postMessage(message, [input.buffer as ArrayBuffer]);
      });
      worker.once("message", (result: ManifestJobResult) => settle(() => resolve(result)));
      worker.once("error", (error) => {
        if (!online && !closed) {
          workersAvailable = false;
          logger.warn("manifest worker thread cannot start; verifying manifests in the main thread (blocking)", {
            error,
          });
          settle(() => {
            try {
              resolve(runManifestJob(job));
            } catch (inline) {
              reject(inline);
            }
          });
          return;
        }
        settle(() => reject(error));
      });
      worker.once("exit", (code) => settle(() => reject(new Error(`manifest worker exited with code ${code}`))));
    });
  }

  return {
    /** Verifies an uploaded manifest against its batch (see `verifyManifest`). `bytes` is handed over. */
    async verify(bytes: Uint8Array, expected: ExpectedManifest): Promise<ManifestVerdict> {
      return (await enqueue({ kind: "verify", bytes, expected })) as ManifestVerdict;
    },

    /** Rebuilds a stored manifest's tree layers from its card keys. `cardKeys` is handed over. */
    async buildLayers(
      batch: { chainId: bigint; registry: Address; batchId: bigint },
      cardKeys: Uint8Array,
    ): Promise<Uint8Array[]> {
      const result = await enqueue({ kind: "build", batch, cardKeys });
      if (!result.ok) throw new Error("rebuilding a stored manifest's tree failed");
      return result.layers;
    },

    /** Jobs queued or running. */
    get pending() {
      return pending;
    },

    /** Stops running workers (their jobs reject) and refuses new jobs. */
    async close(): Promise<void> {
      closed = true;
      await Promise.all([...workers].map((worker) => worker.terminate()));
    },
  };
}

export type ManifestVerifier = ReturnType<typeof createManifestVerifier>;
