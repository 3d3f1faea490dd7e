import { expect } from "chai";
import { bytesToHex, concat, hexToBytes, keccak256, type Hex } from "viem";

import { buildMerkleTree, restoreMerkleTree } from "../../../scripts/lib/buildMerkleTree.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";

/** Tree sizes: every size up to 70, powers of two and their neighbours, and a few irregular ones. */
const SIZES = [
  ...Array.from({ length: 70 }, (_, i) => i + 1),
  127,
  128,
  129,
  255,
  256,
  257,
  1_000,
  1_023,
  1_025,
  3_001,
];

/** `count` random leaves as hex. */
function randomLeaves(count: number): Hex[] {
  return Array.from({ length: count }, () => bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32))));
}

/** OpenZeppelin's commutative pair hash, written independently with viem and bigint comparison. */
function naivePair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** Largest power of two strictly below `n` (n >= 2). */
function splitPoint(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/**
 * The root defined top-down: bottom-up pairing with odd nodes promoted makes the root's left subtree the
 * complete tree over the first 2^k leaves (the largest power of two below n) and its right subtree the
 * same kind of tree over the rest.
 */
function naiveRoot(leaves: readonly Hex[]): Hex {
  if (leaves.length === 1) return leaves[0]!;
  const split = splitPoint(leaves.length);
  return naivePair(naiveRoot(leaves.slice(0, split)), naiveRoot(leaves.slice(split)));
}

/** The proof defined top-down, returned bottom-up. */
function naiveProof(leaves: readonly Hex[], index: number): Hex[] {
  if (leaves.length === 1) return [];
  const split = splitPoint(leaves.length);
  return index < split
    ? [...naiveProof(leaves.slice(0, split), index), naiveRoot(leaves.slice(split))]
    : [...naiveProof(leaves.slice(split), index - split), naiveRoot(leaves.slice(0, split))];
}

describe("buildMerkleTree", function () {
  it("has the same root as an independent top-down implementation, for many sizes", function () {
    for (const size of SIZES) {
      const leaves = randomLeaves(size);
      expect(buildMerkleTree(leaves).root, `${size} leaves`).to.equal(naiveRoot(leaves));
    }
  });

  it("gives every leaf a proof that verifies, equal to the independent implementation's", function () {
    for (const size of SIZES) {
      const leaves = randomLeaves(size);
      const tree = buildMerkleTree(leaves);
      leaves.forEach((leaf, index) => {
        const proof = tree.getProof(index);
        expect(verifyMerkleProof(proof, tree.root, leaf), `leaf ${index} of ${size}`).to.equal(true);
        if (size <= 70) expect(proof, `leaf ${index} of ${size}`).to.deep.equal(naiveProof(leaves, index));
      });
    }
  });

  it("returns the single leaf as the root of a one-leaf tree, with an empty proof", function () {
    const [leaf] = randomLeaves(1);
    const tree = buildMerkleTree([leaf!]);
    expect(tree.root).to.equal(leaf);
    expect(tree.leafCount).to.equal(1);
    expect(tree.getProof(0)).to.deep.equal([]);
  });

  it("hashes the two leaves of a two-leaf tree and promotes the odd third", function () {
    const [a, b, c] = randomLeaves(3);
    expect(buildMerkleTree([a!, b!]).root).to.equal(naivePair(a!, b!));
    const three = buildMerkleTree([a!, b!, c!]);
    expect(three.root).to.equal(naivePair(naivePair(a!, b!), c!));
    expect(three.getProof(2)).to.deep.equal([naivePair(a!, b!)]);
    expect(three.getProof(0)).to.deep.equal([b!, c!]);
  });

  it("keeps the leaves in serial order: moving a leaf to another pair changes the root", function () {
    const leaves = randomLeaves(8);
    const root = buildMerkleTree(leaves).root;
    // Siblings commute (OpenZeppelin's pair hash is commutative); leaves in different pairs do not.
    expect(buildMerkleTree([leaves[1]!, leaves[0]!, ...leaves.slice(2)]).root).to.equal(root);
    expect(buildMerkleTree([leaves[2]!, leaves[1]!, leaves[0]!, ...leaves.slice(3)]).root).not.to.equal(root);
  });

  it("takes a flat byte array as its leaf layer and hex leaves alike", function () {
    const leaves = randomLeaves(37);
    const flat = new Uint8Array(32 * leaves.length);
    leaves.forEach((leaf, i) => flat.set(hexToBytes(leaf), 32 * i));
    const fromFlat = buildMerkleTree(flat);
    const fromHex = buildMerkleTree(leaves);
    expect(fromFlat.root).to.equal(fromHex.root);
    expect(fromFlat.layers[0]).to.equal(flat);
    expect(fromFlat.getProof(36)).to.deep.equal(fromHex.getProof(36));
  });

  it("stores each level flat, halving (rounded up) up to the root", function () {
    const tree = buildMerkleTree(randomLeaves(11));
    expect(tree.layers.map((layer) => layer.length / 32)).to.deep.equal([11, 6, 3, 2, 1]);
    expect(bytesToHex(tree.layers[tree.layers.length - 1]!)).to.equal(tree.root);
  });

  it("rejects an empty tree and leaves that are not 32 bytes", function () {
    expect(() => buildMerkleTree([])).to.throw(RangeError, "buildMerkleTree needs at least one leaf");
    expect(() => buildMerkleTree(new Uint8Array(0))).to.throw(RangeError, "buildMerkleTree needs at least one leaf");
    expect(() => buildMerkleTree(new Uint8Array(33))).to.throw(RangeError, /32 bytes per leaf, got 33 bytes/);
    expect(() => buildMerkleTree([...randomLeaves(2), "0x1234"])).to.throw(
      RangeError,
      "leaf 2 is not a 32-byte hex value",
    );
  });

  it("rejects a proof request for an index outside the tree", function () {
    const tree = buildMerkleTree(randomLeaves(5));
    for (const index of [-1, 5, 1.5, Number.NaN]) {
      expect(() => tree.getProof(index), String(index)).to.throw(
        RangeError,
        /out of range: the tree has 5 leaves \(0 to 4\)/,
      );
    }
  });
});

describe("restoreMerkleTree", function () {
  it("serves the same root and proofs from stored layers, hashing nothing", function () {
    for (const size of [1, 2, 3, 7, 64, 1_025]) {
      const built = buildMerkleTree(randomLeaves(size));
      const restored = restoreMerkleTree(built.layers.map((layer) => layer.slice()));
      expect(restored.root, String(size)).to.equal(built.root);
      expect(restored.leafCount).to.equal(size);
      for (const index of [0, size >> 1, size - 1])
        expect(restored.getProof(index)).to.deep.equal(built.getProof(index));
    }
  });

  it("rejects layers that do not have the shape of a tree", function () {
    const { layers } = buildMerkleTree(randomLeaves(5));
    expect(() => restoreMerkleTree([])).to.throw(RangeError, "needs a leaf layer");
    expect(() => restoreMerkleTree(layers.slice(0, -1))).to.throw(
      RangeError,
      "layer 3 of a 5-leaf tree must hold 1 nodes",
    );
    expect(() => restoreMerkleTree([...layers, new Uint8Array(32)])).to.throw(RangeError, "layer 4");
    expect(() => restoreMerkleTree([layers[0]!, new Uint8Array(64), ...layers.slice(2)])).to.throw(
      RangeError,
      "layer 1 of a 5-leaf tree must hold 3 nodes",
    );
  });
});
