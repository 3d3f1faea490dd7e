/**
 * Worker-thread entry of `prepareBatch`: builds a task runner over the shared buffers it is started
 * with (`workerData`), then runs each {@link PreparationTask} it receives and answers `"done"`. An
 * exception is not caught: it ends the worker, and the pool reports it as the worker's `error` event.
 */
import { parentPort, workerData } from "node:worker_threads";

import { createTaskRunner, type PreparationBuffers, type PreparationTask } from "./createTaskRunner.js";

const run = createTaskRunner(workerData as PreparationBuffers);

parentPort!.on("message", (task: PreparationTask) => {
  run(task);
  parentPort!.postMessage("done");
});
