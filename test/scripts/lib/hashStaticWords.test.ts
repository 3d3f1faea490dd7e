import { expect } from "chai";
import { encodeAbiParameters, keccak256, type Hex } from "viem";

import { hashStaticWords } from "../../../scripts/lib/hashStaticWords.js";

describe("hashStaticWords", function () {
  let seed = 0x5eed;
  const byte = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % 256;
  };
  const hex = (bytes: number): Hex =>
    `0x${Array.from({ length: bytes }, () => byte().toString(16).padStart(2, "0")).join("")}`;
  const uint = (bits: number): bigint => BigInt(hex(bits / 8));

  it("equals keccak256(abi.encode(...)) for every static type a chain link uses, extremes included", function () {
    for (let i = 0; i < 200; i++) {
      const values = [hex(32), uint(40), uint(8), uint(64), hex(20), uint(32), uint(16), i % 2 === 0] as const;
      const expected = keccak256(
        encodeAbiParameters(
          [
            { type: "bytes32" },
            { type: "uint40" },
            { type: "uint8" },
            { type: "uint64" },
            { type: "address" },
            { type: "uint32" },
            { type: "uint16" },
            { type: "bool" },
          ],
          // viem types small uints as numbers; the encoding is the same.
          values as unknown as readonly [Hex, number, number, bigint, Hex, number, number, boolean],
        ),
      );
      expect(hashStaticWords(values)).to.equal(expected);
      expect(
        hashStaticWords([
          values[0],
          Number(values[1]),
          Number(values[2]),
          values[3],
          values[4].toUpperCase().replace("0X", "0x") as Hex,
          Number(values[5]),
          Number(values[6]),
          values[7],
        ]),
      ).to.equal(expected);
    }
    const max = (1n << 256n) - 1n;
    expect(hashStaticWords([max, 0, 0n, false])).to.equal(
      keccak256(
        encodeAbiParameters(
          [{ type: "uint256" }, { type: "uint8" }, { type: "uint64" }, { type: "bool" }],
          [max, 0, 0n, false],
        ),
      ),
    );
  });

  it("rejects values abi.encode would not produce", function () {
    expect(() => hashStaticWords([-1])).to.throw(RangeError);
    expect(() => hashStaticWords([1.5])).to.throw(RangeError);
    expect(() => hashStaticWords([1n << 256n])).to.throw(RangeError);
    expect(() => hashStaticWords(["0x1234"])).to.throw(RangeError);
    expect(() => hashStaticWords([`0x${"zz".repeat(32)}`])).to.throw(RangeError);
  });
});
