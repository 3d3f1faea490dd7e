import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, type Hex } from "viem";

import { buildMerkleTree } from "../../../scripts/lib/buildMerkleTree.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";

const { ethers, networkHelpers } = await network.create();

/** `count` random leaves as hex. */
function randomLeaves(count: number): Hex[] {
  return Array.from({ length: count }, () => bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32))));
}

/** `hex` with its last byte changed. */
function tamper(hex: Hex): Hex {
  const last = Number.parseInt(hex.slice(-2), 16);
  return `${hex.slice(0, -2)}${((last + 1) % 256).toString(16).padStart(2, "0")}` as Hex;
}

/** A tree of `size` random leaves. */
function randomTree(size: number) {
  const leaves = randomLeaves(size);
  return { leaves, tree: buildMerkleTree(leaves) };
}

describe("verifyMerkleProof", function () {
  it("accepts every leaf's proof", function () {
    for (const size of [1, 2, 3, 4, 5, 9, 33, 70, 513]) {
      const { leaves, tree } = randomTree(size);
      leaves.forEach((leaf, index) => expect(verifyMerkleProof(tree.getProof(index), tree.root, leaf)).to.equal(true));
    }
  });

  it("rejects a tampered leaf, proof element or root", function () {
    for (const size of [2, 3, 9, 70]) {
      const { leaves, tree } = randomTree(size);
      leaves.forEach((leaf, index) => {
        const proof = tree.getProof(index);
        expect(verifyMerkleProof(proof, tree.root, tamper(leaf))).to.equal(false);
        expect(verifyMerkleProof(proof, tamper(tree.root), leaf)).to.equal(false);
        proof.forEach((_, i) => {
          const tampered = proof.map((element, j) => (i === j ? tamper(element) : element));
          expect(verifyMerkleProof(tampered, tree.root, leaf), `element ${i}`).to.equal(false);
        });
      });
    }
  });

  it("rejects a proof with an element missing, added or out of order, and another leaf's proof", function () {
    const { leaves, tree } = randomTree(70);
    const proof = tree.getProof(5);
    expect(verifyMerkleProof(proof.slice(1), tree.root, leaves[5]!)).to.equal(false);
    expect(verifyMerkleProof(proof.slice(0, -1), tree.root, leaves[5]!)).to.equal(false);
    expect(verifyMerkleProof([...proof, leaves[6]!], tree.root, leaves[5]!)).to.equal(false);
    expect(verifyMerkleProof([proof[1]!, proof[0]!, ...proof.slice(2)], tree.root, leaves[5]!)).to.equal(false);
    expect(verifyMerkleProof(tree.getProof(6), tree.root, leaves[5]!)).to.equal(false);
  });

  it("compares hex case-insensitively, as bytes", function () {
    const { leaves, tree } = randomTree(6);
    const upper = (hex: Hex) => `0x${hex.slice(2).toUpperCase()}` as Hex;
    expect(verifyMerkleProof(tree.getProof(3).map(upper), upper(tree.root), upper(leaves[3]!))).to.equal(true);
  });

  it("throws on a value that is not 32 bytes of hex, naming it", function () {
    const { leaves, tree } = randomTree(4);
    const proof = tree.getProof(0);
    expect(() => verifyMerkleProof(proof, "0x1234", leaves[0]!)).to.throw(TypeError, "root is not a 32-byte hex value");
    expect(() => verifyMerkleProof(proof, tree.root, "0x")).to.throw(TypeError, "leaf is not a 32-byte hex value");
    expect(() => verifyMerkleProof([proof[0]!, `${proof[1]!}00` as Hex], tree.root, leaves[0]!)).to.throw(
      TypeError,
      "proof[1] is not a 32-byte hex value",
    );
  });

  describe("against OpenZeppelin's MerkleProof on chain", function () {
    async function deployHarness() {
      return { harness: await ethers.deployContract("MerkleProofHarness") };
    }

    it("agrees that every proof of our trees is valid", async function () {
      const { harness } = await networkHelpers.loadFixture(deployHarness);
      for (const size of [1, 2, 3, 5, 7, 8, 13, 70]) {
        const { leaves, tree } = randomTree(size);
        for (const [index, leaf] of leaves.entries()) {
          expect(await harness.verify(tree.getProof(index), tree.root, leaf), `leaf ${index} of ${size}`).to.equal(
            true,
          );
        }
      }
    });

    it("agrees on sampled leaves of a larger odd-sized tree", async function () {
      const { harness } = await networkHelpers.loadFixture(deployHarness);
      const { leaves, tree } = randomTree(4_099);
      for (const index of [0, 1, 2, 1_000, 2_047, 2_048, 4_095, 4_096, 4_097, 4_098]) {
        expect(await harness.verify(tree.getProof(index), tree.root, leaves[index]!), `leaf ${index}`).to.equal(true);
      }
    });

    it("agrees that tampered proofs are invalid", async function () {
      const { harness } = await networkHelpers.loadFixture(deployHarness);
      const { leaves, tree } = randomTree(13);
      for (const index of [0, 6, 12]) {
        const proof = tree.getProof(index);
        const tampered = [tamper(proof[0]!), ...proof.slice(1)];
        expect(await harness.verify(tampered, tree.root, leaves[index]!)).to.equal(false);
        expect(verifyMerkleProof(tampered, tree.root, leaves[index]!)).to.equal(false);
        expect(await harness.verify(proof, tree.root, tamper(leaves[index]!))).to.equal(false);
      }
    });
  });
});
