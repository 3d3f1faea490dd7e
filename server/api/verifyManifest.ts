import type { Address, Hex } from "viem";

import { decodeBatchManifest, hashBatchManifest } from "../../scripts/lib/batchManifest.js";
import { buildMerkleTree } from "../../scripts/lib/buildMerkleTree.js";
import { createLeafHasher } from "../../scripts/lib/hashLeaf.js";
import {
  InvalidBatchManifestError,
  type InvalidBatchManifestReason,
} from "../../scripts/lib/InvalidBatchManifestError.js";
import type { ApiErrorCode } from "./apiErrors.js";

/** What a batch committed on chain, which an uploaded manifest must match. */
export type ExpectedManifest = {
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  count: number;
  manifestHash: Hex;
  merkleRoot: Hex;
};

/** The outcome of {@link verifyManifest}: the manifest and its tree, or why it was refused. */
export type ManifestVerdict =
  | { ok: true; cardKeys: Uint8Array; layers: Uint8Array[]; byteLength: number }
  | { ok: false; code: ApiErrorCode; message: string };

const REASON_CODES: Record<InvalidBatchManifestReason, ApiErrorCode> = {
  encoding: "MANIFEST_INVALID",
  "invalid-field": "MANIFEST_INVALID",
  "unknown-field": "MANIFEST_UNKNOWN_FIELD",
  secret: "MANIFEST_CONTAINS_SECRET",
  "not-canonical": "MANIFEST_NOT_CANONICAL",
};

/** Bytes of one card key in the flat array a manifest decodes to. */
const CARD_KEY_BYTES = 20;

/** A document that starts as a version 1 manifest (CardProof v1: code hashes), whitespace allowed. */
const VERSION_1_START = /^\s*\{\s*"version"\s*:\s*1\s*[,}]/;

/**
 * Checks an uploaded manifest against its batch, in this order: it is a canonical version 2
 * manifest document with no secret in it (`decodeBatchManifest`; a version 1 manifest, made for a
 * registry v1, is refused as `MANIFEST_VERSION_UNSUPPORTED`), it names the batch's chain, registry,
 * batch id and card count, its Keccak-256 is the committed `manifestHash`, and the root of the
 * tree over its leaves is the batch's `merkleRoot`. Returns the card keys and the tree's layers.
 *
 * @dev CPU-bound (a 1,000,000-card manifest takes about 10 s, most of it hashing leaves): the API
 * runs it in a worker thread. Messages name fields and public values only, never the document's
 * content.
 */
export function verifyManifest(bytes: Uint8Array, expected: ExpectedManifest): ManifestVerdict {
  let manifest: ReturnType<typeof decodeBatchManifest>;
  try {
    manifest = decodeBatchManifest(bytes);
  } catch (error) {
    if (!(error instanceof InvalidBatchManifestError)) throw error;
    if (error.reason !== "secret" && VERSION_1_START.test(new TextDecoder().decode(bytes.subarray(0, 64)))) {
      return {
        ok: false,
        code: "MANIFEST_VERSION_UNSUPPORTED",
        message:
          "this is a version 1 manifest (CardProof v1: code hashes), and this indexer follows a registry v2, whose " +
          "leaves commit card keys: upload the version 2 manifest (cardKeys) that `cardproof mint` wrote for this batch",
      };
    }
    return { ok: false, code: REASON_CODES[error.reason], message: `${error.shortMessage}: ${error.details}` };
  }

  const differences: string[] = [];
  if (manifest.chainId !== expected.chainId) {
    differences.push(`chainId ${manifest.chainId} (this indexer follows chain ${expected.chainId})`);
  }
  if (manifest.registry !== expected.registry.toLowerCase()) {
    differences.push(`registry ${manifest.registry} (this indexer follows ${expected.registry.toLowerCase()})`);
  }
  if (manifest.batchId !== expected.batchId) {
    differences.push(`batchId ${manifest.batchId} (uploaded to batch ${expected.batchId})`);
  }
  if (manifest.count !== expected.count) {
    differences.push(`count ${manifest.count} (the batch has ${expected.count} cards)`);
  }
  if (differences.length > 0) {
    return {
      ok: false,
      code: "MANIFEST_BATCH_MISMATCH",
      message: `the manifest is not this batch's: it has ${differences.join("; ")}. Upload the manifest built for this batch`,
    };
  }

  const hash = hashBatchManifest(bytes);
  if (hash !== expected.manifestHash.toLowerCase()) {
    return {
      ok: false,
      code: "MANIFEST_HASH_MISMATCH",
      message:
        `keccak256 of the upload is ${hash} but the batch committed manifestHash ${expected.manifestHash.toLowerCase()} ` +
        "on chain: upload the exact bytes whose hash was committed in issueBatch",
    };
  }

  const tree = buildBatchTree(expected, manifest.cardKeys);
  if (tree.root !== expected.merkleRoot.toLowerCase()) {
    return {
      ok: false,
      code: "MANIFEST_ROOT_MISMATCH",
      message:
        `the Merkle root of the manifest's leaves is ${tree.root} but the batch's on-chain root is ` +
        `${expected.merkleRoot.toLowerCase()}: the committed manifest does not describe the committed cards, so no ` +
        "proof can be served from it",
    };
  }
  return { ok: true, cardKeys: manifest.cardKeys, layers: [...tree.layers], byteLength: bytes.length };
}

/**
 * The batch's Merkle tree from its card keys (flat, 20 bytes per serial): leaves with
 * `createLeafHasher`, tree with `buildMerkleTree` (scripts/lib).
 */
export function buildBatchTree(
  batch: { chainId: bigint; registry: Address; batchId: bigint },
  cardKeys: Uint8Array,
): ReturnType<typeof buildMerkleTree> {
  const hashLeaf = createLeafHasher({ chainId: batch.chainId, registry: batch.registry, batchId: batch.batchId });
  const count = cardKeys.length / CARD_KEY_BYTES;
  const leaves = new Uint8Array(32 * count);
  for (let serial = 0; serial < count; serial++) {
    hashLeaf(serial, cardKeys.subarray(CARD_KEY_BYTES * serial, CARD_KEY_BYTES * (serial + 1)), leaves, 32 * serial);
  }
  return buildMerkleTree(leaves);
}
