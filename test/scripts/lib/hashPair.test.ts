import { expect } from "chai";
import { bytesToHex, concat, hexToBytes, keccak256, type Hex } from "viem";

import { hashPair } from "../../../scripts/lib/hashPair.js";

/** 32 random bytes. */
function randomNode(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

describe("hashPair", function () {
  it("hashes the smaller node first, like OpenZeppelin's commutativeKeccak256", function () {
    for (let i = 0; i < 200; i++) {
      const [a, b] = [bytesToHex(randomNode()), bytesToHex(randomNode())];
      const expected = BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
      expect(bytesToHex(hashPair(hexToBytes(a), hexToBytes(b)))).to.equal(expected);
      expect(bytesToHex(hashPair(hexToBytes(b), hexToBytes(a)))).to.equal(expected);
    }
  });

  it("compares nodes as big-endian numbers, byte by byte from the first", function () {
    const small: Hex = `0x01${"ff".repeat(31)}`;
    const large: Hex = `0x02${"00".repeat(31)}`;
    expect(bytesToHex(hashPair(hexToBytes(large), hexToBytes(small)))).to.equal(keccak256(concat([small, large])));
  });

  it("hashes a node with itself", function () {
    const node = bytesToHex(randomNode());
    expect(bytesToHex(hashPair(hexToBytes(node), hexToBytes(node)))).to.equal(keccak256(concat([node, node])));
  });

  it("reads nodes and writes the parent at offsets", function () {
    const [a, b] = [randomNode(), randomNode()];
    const source = new Uint8Array(96);
    source.set(a, 10);
    source.set(b, 60);
    const out = new Uint8Array(40);
    hashPair(source, source, out, { aOffset: 10, bOffset: 60, outOffset: 8 });
    expect(bytesToHex(out.subarray(8))).to.equal(bytesToHex(hashPair(a, b)));
  });

  it("rejects a node without 32 bytes", function () {
    expect(() => hashPair(new Uint8Array(31), randomNode())).to.throw(RangeError, /32 bytes for each node/);
    expect(() => hashPair(randomNode(), randomNode(), undefined, { bOffset: 1 })).to.throw(RangeError);
  });
});
