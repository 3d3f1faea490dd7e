import { expect } from "chai";
import { bytesToHex, encodePacked, keccak256 } from "viem";

import { CODE_HASH_DOMAIN, hashCode, hashCodeBytes } from "../../../scripts/lib/hashCode.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";

describe("hashCode", function () {
  it("uses the domain CardProof/code/v1", function () {
    expect(CODE_HASH_DOMAIN).to.equal("CardProof/code/v1");
  });

  it("equals keccak256(abi.encodePacked(domain, code)) as viem computes it", function () {
    for (const code of generateCodes(200)) {
      const expected = keccak256(encodePacked(["string", "string"], [CODE_HASH_DOMAIN, code]));
      const hash = hashCode(code);
      expect(hash).to.equal(expected);
      expect(hash).to.match(/^0x[0-9a-f]{64}$/);
    }
  });

  it("gives different codes different hashes", function () {
    const [a, b] = generateCodes(2);
    expect(hashCode(a!)).not.to.equal(hashCode(b!));
  });

  it("rejects a code that is not canonical, without repeating it", function () {
    const [code] = generateCodes(1);
    for (const input of ["", code!.slice(1), `${code!.slice(0, 5)}-${code!.slice(5)}`, code!.toLowerCase()]) {
      expect(() => hashCode(input)).to.throw(
        RangeError,
        /^hashCode expects a canonical code: pass what a person typed through parseCode first$/,
      );
    }
  });

  describe("hashCodeBytes", function () {
    it("returns the same hash as bytes, at an offset of a caller's buffer when given", function () {
      const codes = generateCodes(50);
      const flat = new Uint8Array(32 * codes.length);
      codes.forEach((code, i) => {
        expect(bytesToHex(hashCodeBytes(code))).to.equal(hashCode(code));
        hashCodeBytes(code, flat, 32 * i);
      });
      codes.forEach((code, i) => expect(bytesToHex(flat.subarray(32 * i, 32 * i + 32))).to.equal(hashCode(code)));
    });
  });
});
