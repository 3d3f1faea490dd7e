import type { Address, Hex } from "viem";
import { bytesToHex } from "viem";

import type { MerkleTree } from "./buildMerkleTree.js";
import { PROOF_SHARD_BITS, proofShardCardCount, type ProofShard } from "./proofShardFormat.js";

/** The batch a tree was built for, and its card keys in serial order (as a decoded manifest holds them). */
export type ProofShardBatch = {
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  /** `20 * count` bytes, serial `i` at offset `20 * i`. */
  cardKeys: Uint8Array;
};

/**
 * Cuts a batch into its proof shards, in shard order: shard `s` holds the card keys of serials
 * `[s * 2^shardBits, (s + 1) * 2^shardBits)` (fewer in the last one) and the siblings of that
 * range's subtree root up to the batch's root, read from `tree`.
 *
 * @dev Leaves are in serial order, so an aligned range of `2^shardBits` serials is exactly the
 *      subtree under one node of level `shardBits` (a short last range too: the tree promotes an odd
 *      last node unchanged, as a page rebuilding the range alone does). The tree must be the one
 *      built from these card keys; the publisher checks its root against the chain's first.
 * @throws {RangeError} when `cardKeys` and `tree` disagree on the number of cards.
 */
export function* proofShardsFromTree(
  batch: ProofShardBatch,
  tree: MerkleTree,
  shardBits = PROOF_SHARD_BITS,
): Generator<ProofShard> {
  const count = tree.leafCount;
  if (batch.cardKeys.length !== 20 * count) {
    throw new RangeError(`the tree has ${count} leaves but there are ${batch.cardKeys.length / 20} card keys`);
  }
  const size = 2 ** shardBits;
  const shards = Math.ceil(count / size);
  for (let shard = 0; shard < shards; shard++) {
    const upperProof: Hex[] = [];
    for (let level = shardBits, index = shard; level < tree.layers.length - 1; level++, index >>>= 1) {
      const layer = tree.layers[level]!;
      const sibling = index ^ 1;
      if (32 * sibling < layer.length) upperProof.push(bytesToHex(layer.subarray(32 * sibling, 32 * sibling + 32)));
    }
    const first = shard * size;
    yield {
      chainId: batch.chainId,
      registry: batch.registry.toLowerCase() as Address,
      batchId: batch.batchId,
      count,
      shardBits,
      shard,
      cardKeys: batch.cardKeys.subarray(20 * first, 20 * (first + proofShardCardCount(count, shard, shardBits))),
      upperProof,
    };
  }
}
