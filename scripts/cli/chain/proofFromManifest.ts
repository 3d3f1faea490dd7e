import { readFile } from "node:fs/promises";

import { bytesToHex, type Address, type Hex } from "viem";

import { decodeBatchManifest, hashBatchManifest, type DecodedBatchManifest } from "../../lib/batchManifest.js";
import { buildMerkleTree } from "../../lib/buildMerkleTree.js";
import { createLeafHasher } from "../../lib/hashLeaf.js";
import { InvalidBatchManifestError } from "../../lib/InvalidBatchManifestError.js";
import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import type { Deployment } from "../deploymentFile.js";
import type { BatchView } from "./readCustody.js";
import { readManifestHash } from "./readManifestHash.js";
import { wrongCodeError } from "./wrongCodeError.js";

/**
 * The Merkle proof of card `serial` from the batch's manifest file, after checking that the file is
 * the manifest of this batch on this deployment (chain, registry, batch id, card count, the hash the
 * issuer committed, the on-chain root) and that `cardKey` (derived from the code typed) is the
 * card's committed card key.
 *
 * @dev Rebuilds every leaf and the tree (a few seconds for 1,000,000 cards). The card key is
 *      compared first, so a wrong code is reported before that work and before any transaction.
 * @throws {CliError} for a missing or malformed file, any mismatch (saying which), or a wrong code.
 */
export async function proofFromManifest(
  ctx: CliContext,
  {
    path,
    deployment,
    batch,
    serial,
    cardKey,
  }: {
    path: string;
    deployment: Deployment;
    batch: BatchView;
    serial: number;
    cardKey: Address;
  },
): Promise<Hex[]> {
  const bytes = await readManifestFile(path);
  const manifest = decodeManifest(path, bytes);
  const mismatch = (what: string, found: string, expected: string) =>
    new CliError(`${path} is the manifest of ${what} ${found}, not ${expected}`, {
      hint: "pass the manifest.json of this card's batch (written by `cardproof batch mint`)",
    });
  if (manifest.chainId !== ctx.chainId) throw mismatch("chain", String(manifest.chainId), `chain ${ctx.chainId}`);
  if (manifest.registry !== deployment.registry.toLowerCase()) {
    throw mismatch("registry", manifest.registry, `this deployment's ${deployment.registry}`);
  }
  if (manifest.batchId !== batch.batchId) throw mismatch("batch", String(manifest.batchId), `batch ${batch.batchId}`);
  if (manifest.count !== batch.count) {
    throw new CliError(`${path} lists ${manifest.count} cards but batch ${batch.batchId} has ${batch.count}`, {
      hint: "pass the manifest.json of this card's batch (written by `cardproof batch mint`)",
    });
  }
  if (serial >= manifest.count) {
    throw new CliError(`batch ${batch.batchId} has no card ${serial} (serials 0-${manifest.count - 1})`);
  }
  if (bytesToHex(manifest.cardKeys.subarray(20 * serial, 20 * serial + 20)) !== cardKey.toLowerCase()) {
    throw wrongCodeError(batch.batchId, serial);
  }

  const committed = await readManifestHash(ctx, deployment.registry, batch.batchId, deployment.deployBlock);
  if (committed === undefined) {
    ctx.output.warn(
      `found no BatchIssued log for batch ${batch.batchId}: checking the manifest by its Merkle root only`,
    );
  } else if (committed !== hashBatchManifest(bytes)) {
    throw new CliError(`${path} is not the manifest whose hash the issuer committed for batch ${batch.batchId}`, {
      hint: "it was changed or re-encoded: use the manifest.json written when the batch was minted",
    });
  }

  const leaves = new Uint8Array(32 * manifest.count);
  const hashLeaf = createLeafHasher({
    chainId: manifest.chainId,
    registry: deployment.registry,
    batchId: batch.batchId,
  });
  const progress = ctx.output.progress("rebuilding the batch's Merkle tree", manifest.count, "cards");
  for (let i = 0; i < manifest.count; i++) {
    hashLeaf(i, manifest.cardKeys.subarray(20 * i, 20 * i + 20), leaves, 32 * i);
    if ((i & 0xffff) === 0xffff) progress.update(i + 1);
  }
  const tree = buildMerkleTree(leaves);
  progress.finish();
  if (tree.root !== batch.merkleRoot) {
    throw new CliError(`the Merkle root of ${path} is not batch ${batch.batchId}'s root on chain`, {
      hint: "the file does not match the batch as issued: use the manifest.json written when the batch was minted",
    });
  }
  return tree.getProof(serial);
}

async function readManifestFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === "ENOENT" ? `no manifest file at ${path}` : `cannot read ${path}: ${(error as Error).message}`,
      { hint: "`cardproof batch mint` writes manifest.json into the batch's folder" },
    );
  }
}

function decodeManifest(path: string, bytes: Uint8Array): DecodedBatchManifest {
  try {
    return decodeBatchManifest(bytes);
  } catch (error) {
    if (error instanceof InvalidBatchManifestError) {
      // The error never quotes the document's values, so a codes file passed by mistake does not leak.
      throw new CliError(`${path} is not a batch manifest: ${error.shortMessage}`, {
        hint: error.reason === "secret" ? "that file holds secret codes: never pass it around" : error.details,
      });
    }
    throw error;
  }
}
