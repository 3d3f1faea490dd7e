import { expect } from "chai";
import { bytesToHex, keccak256, toHex, type Address, type Hex } from "viem";

import { buildMerkleTree } from "../../../scripts/lib/buildMerkleTree.js";
import { createLeafHasher, hashLeaf } from "../../../scripts/lib/hashLeaf.js";
import { InvalidProofShardError } from "../../../scripts/lib/InvalidProofShardError.js";
import { proofShardCardProof } from "../../../scripts/lib/proofShardCardProof.js";
import {
  PROOF_SHARD_BITS,
  decodeProofShard,
  encodeProofShard,
  proofShardPath,
  type ProofShard,
} from "../../../scripts/lib/proofShardFormat.js";
import { proofShardsFromTree } from "../../../scripts/lib/proofShardsFromTree.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";

const CONTEXT = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
  batchId: (7n << 32n) | 3n,
};

/** A batch of `count` cards with pseudo-random card keys, its tree and its shards of `2^shardBits` cards. */
function makeBatch(count: number, shardBits: number) {
  const cardKeys = new Uint8Array(20 * count);
  for (let serial = 0; serial < count; serial++) {
    cardKeys.set(keccak256(toHex(`card ${count}/${serial}`), "bytes").subarray(0, 20), 20 * serial);
  }
  const leaves = new Uint8Array(32 * count);
  const leafOf = createLeafHasher(CONTEXT);
  for (let serial = 0; serial < count; serial++) {
    leafOf(serial, cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
  }
  const tree = buildMerkleTree(leaves);
  const shards = [...proofShardsFromTree({ ...CONTEXT, cardKeys }, tree, shardBits)];
  return { cardKeys, tree, shards };
}

/** What a reader gets: the shard's bytes parsed and decoded for the card's batch. */
function readBack(shard: ProofShard): ProofShard {
  return decodeProofShard(JSON.parse(encodeProofShard(shard)), {
    ...CONTEXT,
    shard: shard.shard,
    shardBits: shard.shardBits,
  });
}

/** Whether the proof a shard yields for `serial` verifies against `root`. */
function verifies(shard: ProofShard, serial: number, root: Hex): boolean {
  const { cardKey, proof } = proofShardCardProof(shard, serial);
  return verifyMerkleProof(proof, root, hashLeaf({ ...CONTEXT, serial, cardKey }));
}

describe("proof shards", function () {
  for (const count of [1, 2, 3, 5, 1_023, 1_025, 2_049]) {
    it(`gives every card of a ${count}-card batch its tree proof from 8-card shards`, function () {
      const { cardKeys, tree, shards } = makeBatch(count, 3);
      expect(shards).to.have.length(Math.ceil(count / 8));
      for (let serial = 0; serial < count; serial++) {
        const shard = readBack(shards[serial >> 3]!);
        const { cardKey, proof } = proofShardCardProof(shard, serial);
        expect(cardKey).to.equal(bytesToHex(cardKeys.subarray(20 * serial, 20 * serial + 20)));
        expect(proof).to.deep.equal(tree.getProof(serial));
        expect(verifyMerkleProof(proof, tree.root, hashLeaf({ ...CONTEXT, serial, cardKey }))).to.equal(true);
      }
    });
  }

  for (const shardBits of [0, 1, PROOF_SHARD_BITS]) {
    it(`gives the first, middle and last cards their tree proofs from shards of 2^${shardBits} cards`, function () {
      for (const count of [1, 3, 1_023, 1_025, 2_049]) {
        const { tree, shards } = makeBatch(count, shardBits);
        for (const serial of new Set([0, count >> 1, count - 1])) {
          const shard = readBack(shards[Math.floor(serial / 2 ** shardBits)]!);
          expect(proofShardCardProof(shard, serial).proof, `${count} cards, serial ${serial}`).to.deep.equal(
            tree.getProof(serial),
          );
        }
      }
    });
  }

  it("reads back exactly the shard it wrote", function () {
    const { shards } = makeBatch(1_025, 4);
    for (const shard of [shards[0]!, shards[30]!, shards.at(-1)!]) {
      const decoded = readBack(shard);
      expect({ ...decoded, cardKeys: bytesToHex(decoded.cardKeys) }).to.deep.equal({
        ...shard,
        registry: CONTEXT.registry.toLowerCase(),
        cardKeys: bytesToHex(shard.cardKeys),
      });
    }
  });

  it("places a card's shard at <chainId>/<registry in lower case>/<batchId>/<serial div 2^bits>.json", function () {
    const card = { ...CONTEXT, serial: 2_500 };
    expect(proofShardPath(card)).to.equal(
      `31337/0x5fbdb2315678afecb367f032d93f642f64180aa3/${CONTEXT.batchId}/${2_500 >> PROOF_SHARD_BITS}.json`,
    );
    expect(proofShardPath(card, 3)).to.match(/\/312\.json$/);
  });

  it("yields proofs that fail against the root when a card key in the shard is changed", function () {
    const { tree, shards } = makeBatch(100, 3);
    const shard = readBack(shards[5]!);
    shard.cardKeys[20 * 2]! ^= 1; // serial 42's key
    expect(verifies(shard, 42, tree.root)).to.equal(false);
    // The other cards of the shard fail too: their subtree no longer hashes to the real node.
    expect(verifies(shard, 41, tree.root)).to.equal(false);
  });

  it("yields proofs that fail against the root when an upper sibling is changed", function () {
    const { tree, shards } = makeBatch(100, 3);
    const shard = readBack(shards[5]!);
    const last = shard.upperProof.length - 1;
    shard.upperProof[last] = `0x${"00".repeat(31)}01`;
    expect(verifies(shard, 40, tree.root)).to.equal(false);
  });

  it("refuses a shard of another chain, registry, batch, shard or shard size", function () {
    const { shards } = makeBatch(100, 3);
    const doc = JSON.parse(encodeProofShard(shards[5]!)) as Record<string, unknown>;
    const cases: [string, Record<string, unknown>][] = [
      ["chainId", { chainId: "1" }],
      ["registry", { registry: "0x" + "11".repeat(20) }],
      ["batchId", { batchId: String(CONTEXT.batchId + 1n) }],
      ["shard", { shard: 4 }],
      ["shardBits", { shardBits: 4 }],
      ["format", { format: "something-else" }],
      ["version", { version: 2 }],
    ];
    for (const [field, change] of cases) {
      expect(() => decodeProofShard({ ...doc, ...change }, { ...CONTEXT, shard: 5, shardBits: 3 }), field)
        .to.throw(InvalidProofShardError)
        .with.property("field", field);
    }
  });

  it("refuses a shard with the wrong number of card keys or siblings, or malformed hex", function () {
    const { shards } = makeBatch(100, 3);
    const doc = JSON.parse(encodeProofShard(shards[12]!)) as { cardKeys: string[]; upperProof: string[] };
    expect(doc.cardKeys).to.have.length(4); // 96..99: the short last shard
    const upper = doc.upperProof;
    const cases: [string, Record<string, unknown>][] = [
      ["cardKeys", { cardKeys: doc.cardKeys.slice(1) }],
      ["cardKeys", { cardKeys: [...doc.cardKeys, doc.cardKeys[0]] }],
      ["cardKeys", { count: 200 }],
      ["count", { count: 96 }],
      ["count", { count: "100" }],
      ["cardKeys[1]", { cardKeys: doc.cardKeys.map((key, i) => (i === 1 ? key.toUpperCase() : key)) }],
      ["cardKeys[2]", { cardKeys: doc.cardKeys.map((key, i) => (i === 2 ? key.slice(0, 40) : key)) }],
      ["cardKeys[3]", { cardKeys: doc.cardKeys.map((key, i) => (i === 3 ? 7 : key)) }],
      ["upperProof", { upperProof: upper.slice(1) }],
      ["upperProof", { upperProof: "0x" }],
      ["upperProof[0]", { upperProof: [`${upper[0]!.slice(0, 64)}zz`, ...upper.slice(1)] }],
      ["extra", { extra: true }],
    ];
    for (const [field, change] of cases) {
      expect(() => decodeProofShard({ ...doc, ...change }, { ...CONTEXT, shard: 12, shardBits: 3 }), field)
        .to.throw(InvalidProofShardError)
        .with.property("field", field);
    }
    for (const raw of [null, [], "shard", 12]) {
      expect(() => decodeProofShard(raw, { ...CONTEXT, shard: 12, shardBits: 3 })).to.throw(InvalidProofShardError);
    }
  });

  it("refuses to derive a proof for a serial outside the shard", function () {
    const { shards } = makeBatch(20, 3);
    expect(() => proofShardCardProof(readBack(shards[1]!), 7)).to.throw(RangeError, /not in shard 1/);
    expect(() => proofShardCardProof(readBack(shards[2]!), 20)).to.throw(RangeError, /serials 16 to 19/);
  });
});
