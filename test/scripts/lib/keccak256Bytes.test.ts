import { expect } from "chai";
import { bytesToHex, keccak256, stringToBytes } from "viem";

import { keccak256Bytes } from "../../../scripts/lib/keccak256Bytes.js";

/** `length` random bytes (getRandomValues fills at most 64 KiB per call). */
function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65_536) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  }
  return bytes;
}

describe("keccak256Bytes", function () {
  it("hashes the empty input and short strings to the known Keccak-256 digests", function () {
    expect(bytesToHex(keccak256Bytes(new Uint8Array(0)))).to.equal(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(bytesToHex(keccak256Bytes(stringToBytes("abc")))).to.equal(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
  });

  it("matches viem's keccak256 for every length from 0 to 600 bytes, across block boundaries", function () {
    for (let length = 0; length <= 600; length++) {
      const data = randomBytes(length);
      expect(bytesToHex(keccak256Bytes(data)), `${length} bytes`).to.equal(keccak256(data));
    }
  });

  it("matches viem's keccak256 on long inputs", function () {
    for (const length of [4_096, 100_003]) {
      const data = randomBytes(length);
      expect(bytesToHex(keccak256Bytes(data))).to.equal(keccak256(data));
    }
  });

  it("hashes a subarray view, not the buffer behind it", function () {
    const buffer = randomBytes(300);
    const view = buffer.subarray(37, 237);
    expect(bytesToHex(keccak256Bytes(view))).to.equal(keccak256(view.slice()));
  });

  it("writes the digest at an offset of a caller's buffer and leaves the rest alone", function () {
    const data = randomBytes(64);
    const out = new Uint8Array(100).fill(0xee);
    expect(keccak256Bytes(data, out, 50)).to.equal(out);
    expect(bytesToHex(out.subarray(50, 82))).to.equal(keccak256(data));
    expect(out.subarray(0, 50).every((byte) => byte === 0xee)).to.equal(true);
    expect(out.subarray(82).every((byte) => byte === 0xee)).to.equal(true);
  });

  it("gives the same digest however many times it runs (no state carried over)", function () {
    const data = randomBytes(200);
    const first = bytesToHex(keccak256Bytes(data));
    keccak256Bytes(randomBytes(500));
    expect(bytesToHex(keccak256Bytes(data))).to.equal(first);
  });

  it("rejects an output buffer without 32 bytes at the offset", function () {
    expect(() => keccak256Bytes(new Uint8Array(1), new Uint8Array(31))).to.throw(RangeError, /32 bytes of output/);
    expect(() => keccak256Bytes(new Uint8Array(1), new Uint8Array(64), 33)).to.throw(RangeError);
    expect(() => keccak256Bytes(new Uint8Array(1), new Uint8Array(64), -1)).to.throw(RangeError);
  });
});
