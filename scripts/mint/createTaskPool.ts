import { setImmediate as nextTurn } from "node:timers/promises";
import { Worker } from "node:worker_threads";

import { createTaskRunner, type PreparationBuffers, type PreparationTask } from "./createTaskRunner.js";

const WORKER_URL = new URL("./preparationWorker.ts", import.meta.url);

/** Runs {@link PreparationTask}s on worker threads, or in the calling thread; see {@link createTaskPool}. */
export type TaskPool = {
  /** Worker threads running the tasks; 0 when they run in the calling thread. */
  readonly threads: number;
  /**
   * Runs `tasks`, each once, handing the next one to whichever thread is free, and calls `onDone`
   * after each (in the calling thread). Resolves when all are done; rejects on the first failure of
   * a worker or of `onDone`, leaving the tasks still running to finish unobserved: close the pool.
   */
  run(tasks: readonly PreparationTask[], onDone: (task: PreparationTask) => void): Promise<void>;
  /** Terminates the workers. Call it once, whatever happened (in a `finally`). */
  close(): Promise<void>;
};

/**
 * The `--import` argument that loads TypeScript in a worker as in this process (tsx), resolved from
 * this file rather than the working directory; undefined when tsx is not installed.
 */
function tsxLoader(): string | undefined {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return undefined;
  }
}

/**
 * Starts `workers` worker threads (`preparationWorker.ts`) over `buffers`, which must then be views
 * over `SharedArrayBuffer`s; with `workers` 0 the tasks run in the calling thread, yielding to the
 * event loop between tasks.
 *
 * @dev Workers load TypeScript through tsx, passed explicitly as `execArgv: ["--import", <tsx>]` (the
 *      URL resolved from this module, so any working directory works), because a worker does not
 *      inherit loader hooks registered at run time: `hardhat test` registers tsx that way, while
 *      `tsx script.ts` passes it on the command line. If tsx cannot be found, the tasks run in the
 *      calling thread instead (correct, slower). A worker that throws or exits fails the current
 *      run; the caller closes the pool.
 */
export function createTaskPool({ workers, buffers }: { workers: number; buffers: PreparationBuffers }): TaskPool {
  const loader = workers > 0 ? tsxLoader() : undefined;
  if (loader === undefined) return inlinePool(buffers);

  let closing = false;
  let failure: Error | undefined;
  let current: { done(worker: Worker): void; fail(error: Error): void } | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    current?.fail(failure);
  };
  const threads = Array.from({ length: workers }, (_, index) => {
    const worker = new Worker(WORKER_URL, {
      workerData: buffers,
      execArgv: ["--import", loader],
      name: `cardproof-prepare-${index}`,
    });
    worker.on("message", () => current?.done(worker));
    worker.on("error", (error) => {
      fail(new Error(`a batch preparation worker thread failed: ${error.message}`, { cause: error }));
    });
    worker.on("exit", (code) => {
      if (!closing) fail(new Error(`a batch preparation worker thread exited early (code ${code})`));
    });
    return worker;
  });

  return {
    threads: workers,
    run(tasks, onDone) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        const inFlight = new Map<Worker, PreparationTask>();
        let next = 0;
        let settled = false;
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          current = undefined;
          if (error === undefined) resolve();
          else reject(error);
        };
        const feed = (worker: Worker) => {
          const task = tasks[next];
          if (task === undefined) {
            if (inFlight.size === 0) finish();
            return;
          }
          next++;
          inFlight.set(worker, task);
          worker.postMessage(task);
        };
        current = {
          done(worker) {
            const task = inFlight.get(worker);
            if (task === undefined) return;
            inFlight.delete(worker);
            try {
              onDone(task);
            } catch (error) {
              finish(error);
              return;
            }
            feed(worker);
          },
          fail: finish,
        };
        for (const worker of threads) feed(worker);
      });
    },
    async close() {
      closing = true;
      current = undefined;
      await Promise.all(threads.map((worker) => worker.terminate()));
    },
  };
}

/** The pool without threads: tasks run here, one event-loop turn each. */
function inlinePool(buffers: PreparationBuffers): TaskPool {
  const run = createTaskRunner(buffers);
  return {
    threads: 0,
    async run(tasks, onDone) {
      for (const task of tasks) {
        run(task);
        onDone(task);
        await nextTurn();
      }
    },
    async close() {},
  };
}
