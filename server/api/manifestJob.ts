import type { Address } from "viem";

import { buildBatchTree, verifyManifest, type ExpectedManifest, type ManifestVerdict } from "./verifyManifest.js";

/** Work for a manifest worker thread: verify an upload, or rebuild a stored manifest's tree. */
export type ManifestJob =
  | { kind: "verify"; bytes: Uint8Array; expected: ExpectedManifest }
  | { kind: "build"; batch: { chainId: bigint; registry: Address; batchId: bigint }; cardKeys: Uint8Array };

export type ManifestJobResult = ManifestVerdict | { ok: true; layers: Uint8Array[] };

/** Runs a job in the current thread (what a worker does with the job it receives). */
export function runManifestJob(job: ManifestJob): ManifestJobResult {
  if (job.kind === "verify") return verifyManifest(job.bytes, job.expected);
  return { ok: true, layers: [...buildBatchTree(job.batch, job.cardKeys).layers] };
}

/** The buffers a result can hand over without copying (each once). */
export function transferablesOf(result: ManifestJobResult): ArrayBuffer[] {
  if (!result.ok) return [];
  const arrays = "cardKeys" in result ? [result.cardKeys, ...result.layers] : result.layers;
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}
