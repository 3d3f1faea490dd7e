import type { Address, Hex } from "viem";
import { bytesToHex } from "viem";

import { buildMerkleTree } from "./buildMerkleTree.js";
import { createLeafHasher } from "./hashLeaf.js";
import type { ProofShard } from "./proofShardFormat.js";

/**
 * A card's key and full Merkle proof from its shard: the shard's leaves are rebuilt and hashed into
 * the range's subtree, whose proof for the card is followed by the shard's upper proof. The result
 * is what `getProof` on the whole batch's tree returns, if the shard is genuine.
 *
 * @dev Runs in the browser (viem and Keccak only): one leaf hash per card of the shard and one pair
 *      hash per inner node. Nothing here is trusted: verify the proof against the on-chain root
 *      (the page's `checkProof`), which fails for any altered key or sibling.
 * @throws {RangeError} when `serial` is not in this shard.
 */
export function proofShardCardProof(shard: ProofShard, serial: number): { cardKey: Address; proof: Hex[] } {
  const cards = shard.cardKeys.length / 20;
  const first = shard.shard * 2 ** shard.shardBits;
  const index = serial - first;
  if (!Number.isInteger(serial) || index < 0 || index >= cards) {
    throw new RangeError(`serial ${serial} is not in shard ${shard.shard} (serials ${first} to ${first + cards - 1})`);
  }
  const hashLeaf = createLeafHasher(shard);
  const leaves = new Uint8Array(32 * cards);
  for (let i = 0; i < cards; i++) hashLeaf(first + i, shard.cardKeys.subarray(20 * i, 20 * i + 20), leaves, 32 * i);
  return {
    cardKey: bytesToHex(shard.cardKeys.subarray(20 * index, 20 * index + 20)),
    proof: [...buildMerkleTree(leaves).getProof(index), ...shard.upperProof],
  };
}
