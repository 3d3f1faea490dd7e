import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import { decodeBatchManifest, hashBatchManifest, type DecodedBatchManifest } from "../../lib/batchManifest.js";
import { buildMerkleTree } from "../../lib/buildMerkleTree.js";
import { createLeafHasher } from "../../lib/hashLeaf.js";
import { InvalidBatchManifestError } from "../../lib/InvalidBatchManifestError.js";
import { PROOF_SHARD_BITS } from "../../lib/proofShardFormat.js";
import { writeProofShards } from "../../lib/proofShardWriter.js";
import { MANIFEST_FILE, readPlan, type BatchPlan } from "../batchPlan.js";
import { readBatch } from "../chain/readCustody.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { optionalString } from "../parseOptionValue.js";
import { publishManifest } from "../publishManifest.js";
import { deploymentPathOf, resolveBatchFolder } from "../resolveBatchFolder.js";

/**
 * `cardproof batch publish`: make an issued batch's proofs available, to an indexer (upload of its
 * manifest) and/or as static proof shards in a folder any static host can serve.
 */
export const batchPublishCommand: CliCommand = {
  path: ["batch", "publish"],
  summary: "publish an issued batch's proofs: its manifest to an indexer, and/or static proof shards to a folder",
  usage: `Usage: cardproof batch publish <folder | batch id> [--indexer-url <url>] [--static <dir>]

  --indexer-url <url>   upload the manifest to this indexer, e.g. http://127.0.0.1:8787
                        (env CARDPROOF_INDEXER_URL, read when --static is not given)
  --static <dir>        write the batch's proof shards under <dir> (<chainId>/<registry>/<batchId>/),
                        ${(2 ** PROOF_SHARD_BITS).toLocaleString("en-US")} cards per file, for a static host, CDN or IPFS gateway; the verifier
                        page lists the URL that serves <dir> in its config's "proofSources"

Give either or both. --static rebuilds the batch's Merkle tree from <folder>/manifest.json and
refuses if its root is not the batch's root on chain. It writes all or nothing, never over another
batch's shards, and publishing the same batch again changes nothing.`,
  options: { "indexer-url": { type: "string" }, static: { type: "string" } },
  async run({ values, positionals, output, context }) {
    if (positionals.length !== 1)
      throw usageError(
        "give the batch folder",
        "e.g. cardproof batch publish 4294967297 --indexer-url … (or --static <dir>)",
      );
    const folder = await resolveBatchFolder(positionals[0]!, deploymentPathOf(values));
    const staticDir = optionalString(values, "static");
    if (staticDir === "") throw usageError("--static needs a folder", "e.g. --static ./proof-shards");
    const indexerUrl =
      optionalString(values, "indexer-url") ??
      (staticDir === undefined ? process.env.CARDPROOF_INDEXER_URL : undefined);
    if (indexerUrl === undefined && staticDir === undefined) {
      throw usageError(
        "missing --indexer-url or --static",
        "e.g. --indexer-url http://127.0.0.1:8787, or --static ./proof-shards to write files for a static host",
      );
    }
    const plan = await readPlan(folder);
    if (plan.state !== "issued") {
      throw new CliError(`batch ${plan.batchId} in ${folder} is not issued yet`, {
        hint: `finish it first: cardproof batch mint --resume ${folder}`,
      });
    }
    const ctx = await context();
    const manifest = await readFile(join(folder, MANIFEST_FILE)).catch((error: unknown) => {
      throw new CliError(`cannot read ${join(folder, MANIFEST_FILE)}`, {
        hint: "pass the folder `cardproof batch mint` wrote (see its output)",
        cause: error,
      });
    });

    const data: Record<string, unknown> = { batchId: plan.batchId };
    const lines: string[] = [];
    if (staticDir !== undefined) {
      const shards = await publishShards(ctx, { folder, plan, manifest, dir: resolve(staticDir) });
      data.static = shards.data;
      lines.push(...shards.lines);
    }
    if (indexerUrl !== undefined) {
      const url = await publishManifest(ctx, { indexerUrl, batchId: plan.batchId, manifest }).catch(
        (error: unknown) => {
          // The shards are written whatever the indexer says: say so before its error.
          for (const line of lines) output.info(line);
          throw error;
        },
      );
      data.manifestUrl = url;
      lines.push(`manifest of batch ${plan.batchId} published: ${url}`);
    }
    output.result(data, lines);
  },
};

/** Checks the manifest against the plan and the chain, rebuilds the tree, writes the shards. */
async function publishShards(
  ctx: CliContext,
  { folder, plan, manifest, dir }: { folder: string; plan: BatchPlan; manifest: Uint8Array; dir: string },
): Promise<{ data: Record<string, unknown>; lines: string[] }> {
  const { batchId } = plan;
  const restore = "use the manifest.json written when the batch was minted (restore the batch folder from a backup)";
  if (plan.chainId !== ctx.chainId) {
    throw new CliError(`batch ${batchId} is on chain ${plan.chainId}, but the RPC node serves chain ${ctx.chainId}`, {
      hint: "point --rpc-url (or CARDPROOF_RPC_URL) at a node of the batch's chain",
    });
  }
  const decoded = decodeManifest(folder, manifest);
  const manifestPath = join(folder, MANIFEST_FILE);
  if (
    decoded.chainId !== plan.chainId ||
    decoded.registry !== plan.registry.toLowerCase() ||
    decoded.batchId !== batchId ||
    decoded.count !== plan.params.count ||
    hashBatchManifest(manifest) !== plan.params.manifestHash
  ) {
    throw new CliError(`${manifestPath} is not the manifest batch ${batchId} was issued with`, { hint: restore });
  }
  const onChain = await readBatch(ctx, plan.registry, batchId);
  if (onChain.merkleRoot !== plan.params.merkleRoot || onChain.count !== plan.params.count) {
    throw new CliError(`batch ${batchId} on chain is not the batch prepared in ${folder} (another root or count)`, {
      hint: "these files belong to another deployment or chain: check --rpc-url and the folder",
    });
  }

  const hashLeaf = createLeafHasher(decoded);
  const leaves = new Uint8Array(32 * decoded.count);
  const rebuilding = ctx.output.progress("rebuilding the batch's Merkle tree", decoded.count, "cards");
  for (let serial = 0; serial < decoded.count; serial++) {
    hashLeaf(serial, decoded.cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
    if ((serial & 0xffff) === 0xffff) rebuilding.update(serial + 1);
  }
  const tree = buildMerkleTree(leaves);
  rebuilding.finish();
  if (tree.root !== onChain.merkleRoot) {
    throw new CliError(`the Merkle root of ${manifestPath} is not batch ${batchId}'s root on chain`, { hint: restore });
  }

  const writing = ctx.output.progress("writing proof shards", decoded.count, "cards");
  const written = await writeProofShards(dir, decoded, tree, { onProgress: (cards) => writing.update(cards) });
  writing.finish();
  if (written.status === "conflict") {
    throw new CliError(
      `${written.folder} already holds proof shards of another batch ${batchId}` +
        (written.existingRoot === undefined ? "" : ` (root ${written.existingRoot})`),
      {
        hint: "nothing was written: publish into another --static folder, or delete that folder if its batch is gone (e.g. a restarted dev chain)",
      },
    );
  }
  const entry = `{ "chainId": "${plan.chainId}", "address": "${plan.registry}", "rpcUrls": […], "proofSources": ["indexer", "<URL serving ${dir}>/"] }`;
  const size = `${written.shards.toLocaleString("en-US")} shards, ${(written.bytes / 1e6).toFixed(1)} MB`;
  return {
    data: {
      dir,
      folder: written.folder,
      status: written.status,
      shards: written.shards,
      bytes: written.bytes,
      cardsPerShard: 2 ** PROOF_SHARD_BITS,
    },
    lines: [
      written.status === "written"
        ? `proof shards of batch ${batchId} written to ${written.folder} (${size})`
        : `proof shards of batch ${batchId} already in ${written.folder} (${size}): nothing changed`,
      `serve ${dir} as static files (any web server, CDN or IPFS gateway) with the header`,
      `"Access-Control-Allow-Origin: *" (or the page's origin), then add its URL to the verifier page's proof sources:`,
      `  config.json, this registry's entry: ${entry}`,
      `  or, for the page an indexer serves: CARDPROOF_PROOF_SHARDS_URL=<URL serving ${dir}>`,
    ],
  };
}

function decodeManifest(folder: string, bytes: Uint8Array): DecodedBatchManifest {
  try {
    return decodeBatchManifest(bytes);
  } catch (error) {
    if (!(error instanceof InvalidBatchManifestError)) throw error;
    // The error never quotes the document's values, so a codes file in its place does not leak.
    throw new CliError(`${join(folder, MANIFEST_FILE)} is not a batch manifest: ${error.shortMessage}`, {
      hint: error.details,
    });
  }
}
