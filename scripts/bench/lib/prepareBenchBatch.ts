import { hexlify, keccak256, toUtf8Bytes } from "ethers";
import type { Address, Hex } from "viem";

import { buildMerkleTree, type MerkleTree } from "../../lib/buildMerkleTree.js";
import {
  cardKeyOfPublicKey,
  createCardSeedHasher,
  deriveCardSecret,
  seedToCardSecret,
} from "../../lib/deriveCardKey.js";
import { createLeafHasher } from "../../lib/hashLeaf.js";
import { signRedemption } from "../../lib/redemptionTypedData.js";
import { loadPublicKeyDeriver } from "../../mint/loadPublicKeyDeriver.js";
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
  /** The card keys, flat (`20 * count` bytes), for baselines that store one per card. */
  cardKeys: Uint8Array;
  /** `redeem`'s card signature for `redeemer` (compact `sigR`, `sigVs`) and `proof` for `serial`. */
  redemptionOf(serial: number, redeemer: string): Promise<{ sigR: Hex; sigVs: Hex; proof: string[] }>;
};

/**
 * Fixed expiry (2100-01-01T00:00:00Z): realistic calldata (a non-zero `uint32`) that never lapses
 * and is the same every run, so gas is reproducible.
 */
export const BENCH_EXPIRES_AT = 4_102_444_800;

/** A realistic metadata URI: an IPFS CIDv1 (base32), 66 characters. */
export const BENCH_METADATA_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/**
 * Prepares a real batch: deterministic codes ({@link createBenchCodes}), card keys (native
 * secp256k1 when it loads), leaves and the Merkle tree, with the bulk hashers (flat byte arrays,
 * no hex per leaf).
 *
 * @dev About 35 s per 1,000,000 cards on one core with the native binding; `log` receives progress lines.
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
  const cardKeys = new Uint8Array(20 * count);
  const leaves = new Uint8Array(32 * count);
  const context = { chainId, registry: registry as Address, batchId };
  const hashLeafInto = createLeafHasher(context);
  const seedInto = createCardSeedHasher(context);
  const publicKeys = loadPublicKeyDeriver();
  const secret = new Uint8Array(32);
  const publicKey = new Uint8Array(65);
  for (let serial = 0; serial < count; serial++) {
    seedToCardSecret(seedInto(serial, codes[serial]!, secret), secret);
    cardKeyOfPublicKey(publicKeys.derive(secret, publicKey), cardKeys, 20 * serial);
    hashLeafInto(serial, cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
  }
  const tree: MerkleTree = buildMerkleTree(leaves);
  log(`prepared batch ${batchId} of ${count.toLocaleString("en-US")} cards in ${seconds(started)}`);
  return {
    batchId,
    params: { ...placeholderParams(batchId, count, activationRequired), merkleRoot: tree.root },
    cardKeys,
    async redemptionOf(serial, redeemer) {
      const code = codes[serial];
      if (code === undefined) throw new RangeError(`serial ${serial} is outside batch ${batchId}`);
      const signature = await signRedemption(deriveCardSecret({ ...context, serial, code }), {
        ...context,
        serial,
        redeemer: redeemer as Address,
      });
      return { ...signature, proof: tree.getProof(serial) };
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
