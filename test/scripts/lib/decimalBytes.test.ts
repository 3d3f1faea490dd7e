import { expect } from "chai";

import { bytesToDecimal, decimalLengthOfBytes, decimalToBytes } from "../../../scripts/lib/decimalBytes.js";

describe("decimalBytes", function () {
  it("sizes n bytes as the digits of 256^n - 1", function () {
    expect([1, 2, 3, 4, 8, 20, 29, 37].map(decimalLengthOfBytes)).to.deep.equal([3, 5, 8, 10, 20, 49, 70, 90]);
    for (let n = 1; n < 200; n++) expect(decimalLengthOfBytes(n + 1)).to.be.above(decimalLengthOfBytes(n));
    expect(() => decimalLengthOfBytes(0)).to.throw(RangeError);
  });

  it("writes bytes as a zero-padded big-endian number", function () {
    expect(bytesToDecimal(Uint8Array.of(0, 0, 1))).to.equal("00000001");
    expect(bytesToDecimal(Uint8Array.of(0xff, 0xff))).to.equal("65535");
    expect(bytesToDecimal(new Uint8Array(4))).to.equal("0000000000");
  });

  it("reads back what it wrote, leading zero bytes included", function () {
    for (let n = 1; n <= 40; n++) {
      for (const fill of [0x00, 0x01, 0x80, 0xff]) {
        const bytes = new Uint8Array(n).fill(fill);
        bytes[n - 1] = n;
        expect(decimalToBytes(bytesToDecimal(bytes), n)).to.deep.equal(bytes);
      }
    }
  });

  it("returns null for numbers too large for the byte count", function () {
    expect(decimalToBytes("65536", 2)).to.equal(null);
    expect(decimalToBytes("99999", 2)).to.equal(null);
  });

  it("refuses digit strings of the wrong length or with other characters", function () {
    for (const digits of ["6553", "655350", "6553a", " 6553", "0x0ff"]) {
      expect(() => decimalToBytes(digits, 2), digits).to.throw(RangeError);
    }
  });
});
