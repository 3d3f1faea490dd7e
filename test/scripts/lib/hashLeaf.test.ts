import { expect } from "chai";
import { bytesToHex, encodeAbiParameters, getAddress, hexToBytes, keccak256, type Address, type Hex } from "viem";

import { generateCodes } from "../../../scripts/lib/generateCode.js";
import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { createLeafHasher, hashLeaf, type LeafParameters } from "../../../scripts/lib/hashLeaf.js";

const REGISTRY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/** The leaf as the contract defines it, encoded by viem. */
function referenceLeaf({ chainId, registry, batchId, serial, cardKey }: LeafParameters): Hex {
  const encoded = encodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint64" }, { type: "uint32" }, { type: "address" }],
    [chainId, registry, batchId, serial, cardKey],
  );
  return keccak256(keccak256(encoded));
}

/** `length` random bytes as hex. */
function randomHex(length: number): Hex {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(length)));
}

const CASES: LeafParameters[] = [
  {
    chainId: 31337n,
    registry: REGISTRY,
    batchId: 1n,
    serial: 0,
    cardKey: deriveCardKey({ chainId: 31337n, registry: REGISTRY, batchId: 1n, serial: 0, code: generateCodes(1)[0]! }),
  },
  { chainId: 1n, registry: REGISTRY, batchId: 42n, serial: 999_999, cardKey: randomHex(20) },
  {
    chainId: 0n,
    registry: "0x0000000000000000000000000000000000000000",
    batchId: 0n,
    serial: 0,
    cardKey: `0x${"00".repeat(20)}`,
  },
  {
    chainId: MAX_UINT256,
    registry: "0xffffffffffffffffffffffffffffffffffffffff",
    batchId: MAX_UINT64,
    serial: MAX_UINT32,
    cardKey: `0x${"ff".repeat(20)}`,
  },
  ...Array.from({ length: 50 }, () => ({
    chainId: BigInt(randomHex(32)),
    registry: getAddress(randomHex(20)),
    batchId: BigInt(randomHex(8)),
    serial: Number(BigInt(randomHex(4))),
    cardKey: randomHex(20),
  })),
];

describe("hashLeaf", function () {
  it("equals keccak256(keccak256(abi.encode(chainId, registry, batchId, serial, cardKey))) as viem computes it", function () {
    for (const leaf of CASES) expect(hashLeaf(leaf)).to.equal(referenceLeaf(leaf));
  });

  it("binds every field: changing any one changes the leaf", function () {
    const base = CASES[0]!;
    const leaf = hashLeaf(base);
    expect(hashLeaf({ ...base, chainId: base.chainId + 1n })).not.to.equal(leaf);
    expect(hashLeaf({ ...base, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa4" })).not.to.equal(leaf);
    expect(hashLeaf({ ...base, batchId: base.batchId + 1n })).not.to.equal(leaf);
    expect(hashLeaf({ ...base, serial: base.serial + 1 })).not.to.equal(leaf);
    expect(hashLeaf({ ...base, cardKey: randomHex(20) })).not.to.equal(leaf);
  });

  it("accepts the registry address in lowercase or checksummed form alike", function () {
    const base = CASES[0]!;
    expect(hashLeaf({ ...base, registry: REGISTRY.toLowerCase() as Address })).to.equal(hashLeaf(base));
  });

  it("rejects fields outside their Solidity types", function () {
    const base = CASES[0]!;
    expect(() => hashLeaf({ ...base, chainId: -1n })).to.throw(RangeError, /chainId -1 is not a uint256/);
    expect(() => hashLeaf({ ...base, chainId: MAX_UINT256 + 1n })).to.throw(RangeError, /not a uint256/);
    expect(() => hashLeaf({ ...base, registry: "0x1234" })).to.throw(RangeError, /is not an address/);
    expect(() => hashLeaf({ ...base, batchId: MAX_UINT64 + 1n })).to.throw(RangeError, /is not a uint64/);
    expect(() => hashLeaf({ ...base, serial: MAX_UINT32 + 1 })).to.throw(RangeError, /is not a uint32/);
    expect(() => hashLeaf({ ...base, serial: -1 })).to.throw(RangeError, /is not a uint32/);
    expect(() => hashLeaf({ ...base, serial: 1.5 })).to.throw(RangeError, /is not a uint32/);
    expect(() => hashLeaf({ ...base, cardKey: "0x1234" })).to.throw(RangeError, /cardKey 0x1234 is not an address/);
  });

  describe("createLeafHasher", function () {
    it("gives the same leaves as hashLeaf", function () {
      for (const { serial, cardKey, ...context } of CASES) {
        const leaf = createLeafHasher(context)(serial, hexToBytes(cardKey));
        expect(bytesToHex(leaf)).to.equal(hashLeaf({ ...context, serial, cardKey }));
      }
    });

    it("hashes a whole batch into a flat array, each leaf at 32 times its serial", function () {
      const context = { chainId: 31337n, registry: REGISTRY, batchId: 7n };
      const cardKeys = generateCodes(300).map((code, serial) => deriveCardKey({ ...context, serial, code }));
      const hasher = createLeafHasher(context);
      const leaves = new Uint8Array(32 * cardKeys.length);
      cardKeys.forEach((cardKey, serial) => {
        expect(hasher(serial, hexToBytes(cardKey), leaves, 32 * serial)).to.equal(leaves);
      });
      cardKeys.forEach((cardKey, serial) => {
        const expected = referenceLeaf({ ...context, serial, cardKey });
        expect(bytesToHex(leaves.subarray(32 * serial, 32 * serial + 32))).to.equal(expected);
      });
    });

    it("rejects batch fields when created and card fields when called", function () {
      expect(() => createLeafHasher({ chainId: 1n, registry: REGISTRY, batchId: -1n })).to.throw(RangeError, /uint64/);
      const hasher = createLeafHasher({ chainId: 1n, registry: REGISTRY, batchId: 1n });
      expect(() => hasher(0, new Uint8Array(32))).to.throw(RangeError, /cardKey has 32 bytes, expected 20/);
      expect(() => hasher(2 ** 32, new Uint8Array(20))).to.throw(RangeError, /uint32/);
    });
  });
});
