import { secp256k1 } from "@noble/curves/secp256k1";
import { expect } from "chai";
import { bytesToHex, encodeAbiParameters, getAddress, keccak256, stringToHex, concatHex, type Address } from "viem";
import { privateKeyToAddress } from "viem/accounts";

import {
  CARD_KEY_DOMAIN,
  createCardSeedHasher,
  deriveCardKey,
  deriveCardSecret,
  seedToCardSecret,
  type CardKeyParameters,
} from "../../../scripts/lib/deriveCardKey.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";

const REGISTRY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const N = secp256k1.CURVE.n;

/** The spec's derivation, written with viem's encoders and BigInt arithmetic. */
function referenceSecret({ chainId, registry, batchId, serial, code }: CardKeyParameters): bigint {
  const words = encodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint64" }, { type: "uint32" }],
    [chainId, registry, batchId, serial],
  );
  const seed = keccak256(concatHex([stringToHex(CARD_KEY_DOMAIN), words, stringToHex(code)]));
  return (BigInt(seed) % (N - 1n)) + 1n;
}

describe("deriveCardKey", function () {
  const [code, otherCode] = generateCodes(2) as [string, string];
  const base: CardKeyParameters = { chainId: 31337n, registry: REGISTRY, batchId: 1n, serial: 7, code };

  it("uses the domain CardProof/card-key/v2 (21 bytes)", function () {
    expect(CARD_KEY_DOMAIN).to.equal("CardProof/card-key/v2");
    expect(new TextEncoder().encode(CARD_KEY_DOMAIN).length).to.equal(21);
  });

  it("derives the secret (keccak256(domain ‖ abi.encode(chainId, registry, batchId, serial) ‖ code) mod (n-1)) + 1", function () {
    for (const [serial, c] of generateCodes(50).entries()) {
      const params = { ...base, serial: serial * 7919, code: c };
      expect(BigInt(bytesToHex(deriveCardSecret(params)))).to.equal(referenceSecret(params));
    }
  });

  it("gives the Ethereum address of the secret, lower-case, as viem's privateKeyToAddress does", function () {
    for (const [serial, c] of generateCodes(50).entries()) {
      const params = { ...base, batchId: BigInt(serial) << 40n, serial, code: c };
      const key = deriveCardKey(params);
      expect(key).to.match(/^0x[0-9a-f]{40}$/);
      expect(getAddress(key)).to.equal(privateKeyToAddress(bytesToHex(deriveCardSecret(params))));
    }
  });

  it("binds every field: changing the chain, registry, batch, serial or code changes the key", function () {
    const key = deriveCardKey(base);
    const variants: CardKeyParameters[] = [
      { ...base, chainId: 1n },
      { ...base, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa4" },
      { ...base, batchId: 2n },
      { ...base, serial: 8 },
      { ...base, code: otherCode },
    ];
    for (const variant of variants) expect(deriveCardKey(variant)).not.to.equal(key);
  });

  it("maps the seed's edge values into [1, n - 1]", function () {
    const word = (value: bigint) => Uint8Array.from(Buffer.from(value.toString(16).padStart(64, "0"), "hex"));
    expect(BigInt(bytesToHex(seedToCardSecret(word(0n))))).to.equal(1n);
    expect(BigInt(bytesToHex(seedToCardSecret(word(N - 2n))))).to.equal(N - 1n);
    expect(BigInt(bytesToHex(seedToCardSecret(word(N - 1n))))).to.equal(1n);
    expect(BigInt(bytesToHex(seedToCardSecret(word((1n << 256n) - 1n))))).to.equal(
      (((1n << 256n) - 1n) % (N - 1n)) + 1n,
    );
  });

  it("bulk seed hasher writes the same seed into a caller's buffer", function () {
    const hasher = createCardSeedHasher(base);
    const out = new Uint8Array(64);
    hasher(base.serial, code, out, 32);
    expect(bytesToHex(seedToCardSecret(out.subarray(32)))).to.equal(bytesToHex(deriveCardSecret(base)));
  });

  it("rejects a code that is not canonical, without repeating it", function () {
    for (const input of ["", code.slice(1), `${code.slice(0, 5)}-${code.slice(5)}`, code.toLowerCase()]) {
      expect(() => deriveCardKey({ ...base, code: input }))
        .to.throw(RangeError, /canonical code/)
        .that.satisfies((error: Error) => !error.message.includes(code) && !error.message.includes(input || "\0"));
    }
  });

  it("rejects out-of-range fields", function () {
    expect(() => deriveCardKey({ ...base, serial: 2 ** 32 })).to.throw(RangeError, /uint32/);
    expect(() => deriveCardKey({ ...base, batchId: 1n << 64n })).to.throw(RangeError, /uint64/);
    expect(() => deriveCardKey({ ...base, chainId: -1n })).to.throw(RangeError, /uint256/);
  });
});
