import { secp256k1 } from "@noble/curves/secp256k1";
import { expect } from "chai";
import { bytesToHex, hexToBytes } from "viem";

import { loadPublicKeyDeriver, nativePublicKeyLoadError } from "../../../scripts/mint/loadPublicKeyDeriver.js";

const N = secp256k1.CURVE.n;
const key = (value: bigint) => hexToBytes(`0x${value.toString(16).padStart(64, "0")}`);

describe("loadPublicKeyDeriver", function () {
  it("loads the native libsecp256k1 binding (prebuilt, no install script) and says nothing went wrong", function () {
    expect(loadPublicKeyDeriver().backend).to.equal("native");
    expect(nativePublicKeyLoadError()).to.equal(undefined);
  });

  it("gives the same uncompressed public keys natively and in pure JS, edge keys included", function () {
    const native = loadPublicKeyDeriver("native");
    const noble = loadPublicKeyDeriver("noble");
    expect(noble.backend).to.equal("noble");
    const keys = [
      1n,
      2n,
      N - 1n,
      N - 2n,
      ...Array.from(
        { length: 100 },
        () => (BigInt(bytesToHex(crypto.getRandomValues(new Uint8Array(32)))) % (N - 1n)) + 1n,
      ),
    ];
    for (const value of keys) {
      const a = native.derive(key(value), new Uint8Array(65));
      const b = noble.derive(key(value), new Uint8Array(65));
      expect(bytesToHex(a), value.toString(16)).to.equal(bytesToHex(b));
      expect(a[0]).to.equal(4);
    }
  });
});
