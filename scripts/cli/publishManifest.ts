import { keccak256 } from "viem";

import { CliError } from "./CliError.js";
import type { CliContext } from "./createCliContext.js";

/** How long to wait for an indexer to see a freshly issued batch before giving up. */
const INDEXER_WAIT_MS = 120_000;

/**
 * Uploads a batch's manifest to an indexer (`POST /v1/batches/{id}/manifest`), which checks it
 * against the on-chain manifest hash and root before serving proofs from it. Waits for the indexer
 * to have synced the batch first. Returns the manifest's URL, also when the indexer verified this
 * same manifest before (a second publish is a no-op).
 *
 * @throws {CliError} when the indexer is unreachable, does not see the batch in time, or refuses
 *         the manifest (with its reason), or already holds another manifest for the batch; the hint
 *         says what to do next.
 */
export async function publishManifest(
  ctx: CliContext,
  { indexerUrl, batchId, manifest }: { indexerUrl: string; batchId: bigint; manifest: Uint8Array },
): Promise<string> {
  const base = indexerUrl.endsWith("/") ? indexerUrl : `${indexerUrl}/`;
  const url = new URL(`v1/batches/${batchId}/manifest`, base);
  const later = `publish it later with \`cardproof batch publish <folder> --indexer-url ${indexerUrl}\``;
  const waiting = ctx.output.progress(`waiting for the indexer to see batch ${batchId}`, 1, "batches");
  const deadline = Date.now() + INDEXER_WAIT_MS;
  for (;;) {
    let status: number;
    try {
      status = (await fetch(new URL(`v1/batches/${batchId}`, base), { signal: AbortSignal.timeout(10_000) })).status;
    } catch (error) {
      throw new CliError(`cannot reach the indexer at ${indexerUrl}`, {
        hint: `start it (npm run indexer) and ${later}`,
        cause: error,
      });
    }
    if (status === 200) break;
    if (status !== 404 || Date.now() > deadline) {
      throw new CliError(`the indexer at ${indexerUrl} has not seen batch ${batchId} (HTTP ${status})`, {
        hint: `check that it follows this chain and registry, then ${later}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  waiting.finish();

  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new Uint8Array(manifest),
    signal: AbortSignal.timeout(300_000),
  }).catch((error: unknown) => {
    throw new CliError(`cannot reach the indexer at ${indexerUrl}`, { hint: later, cause: error });
  });
  if (response.status === 201) return url.toString();
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (body.error?.code === "MANIFEST_ALREADY_VERIFIED") {
    // Published before, or another manifest holds the batch there: only the first is success.
    const held = await fetch(url, { signal: AbortSignal.timeout(10_000) })
      .then(async (answer) => ((await answer.json()) as { data?: { manifestHash?: string } }).data?.manifestHash)
      .catch(() => undefined);
    const ours = keccak256(manifest);
    if (held?.toLowerCase() === ours) return url.toString();
    throw new CliError(
      `the indexer at ${indexerUrl} already holds a verified manifest of batch ${batchId}, and it is not this one ` +
        `(this folder's manifest hashes to ${ours}, the batch's is ${held ?? "unknown"})`,
      {
        hint:
          "this folder does not hold the manifest of the batch on this chain (a batch of another deployment, or " +
          "a file changed since minting): check the folder and --rpc-url",
      },
    );
  }
  throw new CliError(
    `the indexer refused the manifest of batch ${batchId}: ${body.error?.message ?? `HTTP ${response.status}`}`,
    {
      hint:
        body.error?.code === "BUSY" || response.status === 503 ? later : "check that the folder belongs to this batch",
    },
  );
}
