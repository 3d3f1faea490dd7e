import { hexlify, keccak256, toUtf8Bytes, type BytesLike } from "ethers";

import { buildMerkleTree, type MerkleTree } from "../../lib/buildMerkleTree.js";
import { hashCodeBytes } from "../../lib/hashCode.js";
import { createLeafHasher } from "../../lib/hashLeaf.js";
import { createBenchCodes } from "./createBenchCodes.js";

/** `issueBatch` parameters, as the registry's ABI takes them. */
export type BenchBatchParams = {
  merkleRoot: string;
  count: number;
  faceValue: bigint;
  currency: string;
  expiresAt: number;
  activationRequired: boolean;
  metadataHash: string;
  manifestHash: string;
  metadataURI: string;
};

/** A benchmark batch prepared off-chain the way the supplier CLI prepares one. */
export type BenchBatch = {
  batchId: bigint;
  params: BenchBatchParams;
  /** The code hashes, flat (`32 * count` bytes), for baselines that store one per card. */
  codeHashes: Uint8Array;
  /** `redeem`'s `code` (canonical code as bytes) and `proof` for `serial`. */
  redemptionOf(serial: number): { code: BytesLike; proof: string[] };
};

/**
 * Fixed expiry (2100-01-01T00:00:00Z): realistic calldata (a non-zero `uint32`) that never lapses
 * and is the same every run, so gas is reproducible.
 */
export const BENCH_EXPIRES_AT = 4_102_444_800;

/** A realistic metadata URI: an IPFS CIDv1 (base32), 66 characters. */
export const BENCH_METADATA_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/**
 * Prepares a real batch: deterministic codes ({@link createBenchCodes}), code hashes, leaves and the
 * Merkle tree, with the bulk hashers (flat byte arrays, no hex per leaf).
 *
 * @dev About 12 s per 1,000,000 cards on a 2-core machine; `log` receives progress lines.
 */
export function prepareBenchBatch(
  {
    chainId,
    registry,
    batchId,
    count,
    activationRequired,
  }: { chainId: bigint; registry: string; batchId: bigint; count: number; activationRequired: boolean },
  log: (line: string) => void,
): BenchBatch {
  const started = performance.now();
  const codes = createBenchCodes(count, `cardproof-bench/${batchId}`);
  const codeHashes = new Uint8Array(32 * count);
  const leaves = new Uint8Array(32 * count);
  const hashLeafInto = createLeafHasher({ chainId, registry: registry as `0x${string}`, batchId });
  for (let serial = 0; serial < count; serial++) {
    hashCodeBytes(codes[serial]!, codeHashes, 32 * serial);
    hashLeafInto(serial, codeHashes.subarray(32 * serial, 32 * serial + 32), leaves, 32 * serial);
  }
  const tree: MerkleTree = buildMerkleTree(leaves);
  log(`prepared batch ${batchId} of ${count.toLocaleString("en-US")} cards in ${seconds(started)}`);
  return {
    batchId,
    params: { ...placeholderParams(batchId, count, activationRequired), merkleRoot: tree.root },
    codeHashes,
    redemptionOf(serial) {
      const code = codes[serial];
      if (code === undefined) throw new RangeError(`serial ${serial} is outside batch ${batchId}`);
      return { code: toUtf8Bytes(code), proof: tree.getProof(serial) };
    },
  };
}

/**
 * `issueBatch` parameters for a batch whose cards are never redeemed in the benchmark (custody and
 * view measurements): a deterministic pseudo-random root instead of a real tree, which costs the same
 * calldata and gas as a real root and saves building one.
 */
export function placeholderParams(batchId: bigint, count: number, activationRequired: boolean): BenchBatchParams {
  return {
    merkleRoot: keccak256(toUtf8Bytes(`cardproof-bench/root/${batchId}`)),
    count,
    faceValue: 25_00n,
    currency: hexlify(toUtf8Bytes("USD")),
    expiresAt: BENCH_EXPIRES_AT,
    activationRequired,
    metadataHash: keccak256(toUtf8Bytes(`cardproof-bench/metadata/${batchId}`)),
    manifestHash: keccak256(toUtf8Bytes(`cardproof-bench/manifest/${batchId}`)),
    metadataURI: BENCH_METADATA_URI,
  };
}

/** Seconds since `started` (a `performance.now()` value), for progress lines. */
export function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
