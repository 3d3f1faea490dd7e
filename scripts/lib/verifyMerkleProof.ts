import type { Hex } from "viem";
import { hexToBytes, isHex } from "viem";

import { hashPair } from "./hashPair.js";

/**
 * Whether `proof` shows that `leaf` is in the tree with `root`: exactly OpenZeppelin's
 * `MerkleProof.verify(proof, root, leaf)`, i.e. hash the leaf with each proof element in turn using
 * the commutative {@link hashPair} and compare the result with the root. Runs in the browser.
 *
 * @throws {TypeError} when the root, the leaf or a proof element is not a 32-byte hex value (a bug or
 *         a corrupted response, not a failed verification).
 */
export function verifyMerkleProof(proof: readonly Hex[], root: Hex, leaf: Hex): boolean {
  const expected = bytes32(root, "root");
  let computed = bytes32(leaf, "leaf");
  proof.forEach((sibling, i) => {
    computed = hashPair(computed, bytes32(sibling, `proof[${i}]`));
  });
  return computed.every((byte, i) => byte === expected[i]);
}

/** Bytes of a 32-byte hex value. */
function bytes32(value: Hex, name: string): Uint8Array {
  if (!isHex(value, { strict: true }) || value.length !== 66) throw new TypeError(`${name} is not a 32-byte hex value`);
  return hexToBytes(value);
}
