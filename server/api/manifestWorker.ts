/**
 * Worker-thread entry of `createManifestVerifier`: receives one {@link ManifestJob}, runs it, posts
 * the result back (its buffers transferred, not copied) and exits.
 */
import { parentPort } from "node:worker_threads";

import { runManifestJob, transferablesOf, type ManifestJob } from "./manifestJob.js";

parentPort?.once("message", (job: ManifestJob) => {
  const result = runManifestJob(job);
  parentPort!.postMessage(result, transferablesOf(result));
});
