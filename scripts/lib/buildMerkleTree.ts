import type { Hex } from "viem";
import { bytesToHex, hexToBytes, isHex } from "viem";

import { hashPair } from "./hashPair.js";

/** A batch's Merkle tree, as {@link buildMerkleTree} returns it. */
export type MerkleTree = {
  /** The root the registry stores for the batch. */
  root: Hex;
  /** Number of leaves. */
  leafCount: number;
  /**
   * Node hashes per level, each flat (node `i` at bytes `32 * i` to `32 * i + 32`): `layers[0]` holds the
   * leaves, the last layer holds only the root.
   */
  layers: readonly Uint8Array[];
  /**
   * Proof for the leaf at `index` (its serial): the sibling hashes from the bottom up, skipping the levels
   * where the node had no sibling. What OpenZeppelin's `MerkleProof.verify` and {@link verifyMerkleProof}
   * take.
   *
   * @throws {RangeError} when `index` is not an integer in `[0, leafCount)`.
   */
  getProof(index: number): Hex[];
};

/**
 * Builds the Merkle tree of a batch from its leaves ({@link hashLeaf}) in serial order, not sorted.
 *
 * Shape: level 0 is the leaves; each next level hashes the pairs (2i, 2i + 1) of the level below with
 * {@link hashPair} (OpenZeppelin's commutative hash), and an odd last node is promoted to the next level
 * unchanged. The root of a single leaf is that leaf. Proofs verify with OpenZeppelin's `MerkleProof`.
 *
 * @param leaves The leaves as one flat array of `32 * N` bytes (leaf `i` at offset `32 * i`), or as
 *        hex strings. A flat array becomes `layers[0]` without a copy: do not modify it afterwards.
 * @dev About 64 bytes of memory and one Keccak-256 per leaf (1,000,000 leaves: 64 MB, a few seconds).
 * @throws {RangeError} when there are no leaves or a leaf is not 32 bytes.
 */
export function buildMerkleTree(leaves: Uint8Array | readonly Hex[]): MerkleTree {
  const leafLayer = leaves instanceof Uint8Array ? leaves : flatten(leaves);
  if (leafLayer.length % 32 !== 0) {
    throw new RangeError(`buildMerkleTree expects 32 bytes per leaf, got ${leafLayer.length} bytes`);
  }
  const leafCount = leafLayer.length / 32;
  if (leafCount === 0) throw new RangeError("buildMerkleTree needs at least one leaf");

  const layers: Uint8Array[] = [leafLayer];
  for (let below = leafLayer, count = leafCount; count > 1;) {
    const parents = Math.ceil(count / 2);
    const layer = new Uint8Array(32 * parents);
    const pairs = Math.floor(count / 2);
    for (let i = 0; i < pairs; i++) {
      hashPair(below, below, layer, { aOffset: 64 * i, bOffset: 64 * i + 32, outOffset: 32 * i });
    }
    if (count % 2 === 1) layer.set(below.subarray(32 * (count - 1), 32 * count), 32 * pairs);
    layers.push(layer);
    below = layer;
    count = parents;
  }

  return restoreMerkleTree(layers);
}

/**
 * A {@link MerkleTree} over layers that {@link buildMerkleTree} computed earlier (e.g. kept in a
 * database), without hashing anything again: proofs come from the stored nodes.
 *
 * @dev Checks the shape only (each layer holds `ceil(n / 2)` nodes of the `n` below it, the last one
 *      node), not the hashes: pass layers from a trusted store, and let verifiers check proofs
 *      against the on-chain root as they always must. The arrays are used without a copy.
 * @throws {RangeError} when the layers do not have the shape of a tree.
 */
export function restoreMerkleTree(layers: readonly Uint8Array[]): MerkleTree {
  const leafLayer = layers[0];
  if (leafLayer === undefined || leafLayer.length === 0 || leafLayer.length % 32 !== 0) {
    throw new RangeError("restoreMerkleTree needs a leaf layer of 32 bytes per leaf");
  }
  const leafCount = leafLayer.length / 32;
  for (let level = 1, below = leafCount; below > 1 || level < layers.length; level++) {
    const expected = Math.ceil(below / 2);
    if (below === 1 || layers[level]?.length !== 32 * expected) {
      throw new RangeError(`layer ${level} of a ${leafCount}-leaf tree must hold ${expected} nodes`);
    }
    below = expected;
  }

  return {
    root: bytesToHex(layers[layers.length - 1]!),
    leafCount,
    layers,
    getProof(index) {
      if (!Number.isInteger(index) || index < 0 || index >= leafCount) {
        throw new RangeError(
          `leaf index ${index} is out of range: the tree has ${leafCount} leaves (0 to ${leafCount - 1})`,
        );
      }
      const proof: Hex[] = [];
      for (let level = 0, i = index; level < layers.length - 1; level++, i >>= 1) {
        const layer = layers[level]!;
        const sibling = i ^ 1;
        if (32 * sibling < layer.length) proof.push(bytesToHex(layer.subarray(32 * sibling, 32 * sibling + 32)));
      }
      return proof;
    },
  };
}

/** Copies hex leaves into one flat array. */
function flatten(leaves: readonly Hex[]): Uint8Array {
  const flat = new Uint8Array(32 * leaves.length);
  leaves.forEach((leaf, i) => {
    if (!isHex(leaf, { strict: true }) || leaf.length !== 66) {
      throw new RangeError(`leaf ${i} is not a 32-byte hex value`);
    }
    flat.set(hexToBytes(leaf), 32 * i);
  });
  return flat;
}
