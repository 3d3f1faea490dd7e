import { expect } from "chai";
import { bytesToHex, keccak256, type Address, type Hex } from "viem";

import {
  batchManifestLength,
  decodeBatchManifest,
  encodeBatchManifest,
  hashBatchManifest,
  looksLikeCardCode,
} from "../../../scripts/lib/batchManifest.js";
import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";
import { InvalidBatchManifestError } from "../../../scripts/lib/InvalidBatchManifestError.js";

const REGISTRY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CODES = generateCodes(3);
const CARD_KEYS = CODES.map((code, serial) =>
  deriveCardKey({ chainId: 31337n, registry: REGISTRY, batchId: 4294967297n, serial, code }),
);
const MANIFEST = { chainId: 31337n, registry: REGISTRY, batchId: 4294967297n, cardKeys: CARD_KEYS };

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

/** The error `decodeBatchManifest` throws for `document`. */
function rejection(document: string | Uint8Array): InvalidBatchManifestError {
  try {
    decodeBatchManifest(typeof document === "string" ? bytes(document) : document);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidBatchManifestError);
    return error as InvalidBatchManifestError;
  }
  throw new Error("the document was accepted");
}

/** Every string an error exposes, to check none holds a code. */
function exposed(error: InvalidBatchManifestError): string {
  return [error.message, error.shortMessage, error.details, error.path ?? "", String(error.stack)].join("\n");
}

describe("batchManifest", function () {
  describe("encodeBatchManifest", function () {
    it("writes the documented canonical JSON: keys in order, no whitespace, decimal strings, lower-case hex", function () {
      expect(text(encodeBatchManifest(MANIFEST))).to.equal(
        `{"version":2,"chainId":"31337","registry":"0x5fbdb2315678afecb367f032d93f642f64180aa3",` +
          `"batchId":"4294967297","count":3,"cardKeys":["${CARD_KEYS[0]}","${CARD_KEYS[1]}","${CARD_KEYS[2]}"]}`,
      );
    });

    it("encodes flat card keys and hex card keys (any case) to the same bytes", function () {
      const flat = new Uint8Array(20 * 3);
      CARD_KEYS.forEach((key, i) => flat.set(Buffer.from(key.slice(2), "hex"), 20 * i));
      const upper = CARD_KEYS.map((key) => `0x${key.slice(2).toUpperCase()}` as Hex);
      const expected = encodeBatchManifest(MANIFEST);
      expect(encodeBatchManifest({ ...MANIFEST, cardKeys: flat })).to.deep.equal(expected);
      expect(encodeBatchManifest({ ...MANIFEST, cardKeys: upper })).to.deep.equal(expected);
    });

    it("predicts its length without encoding: 45 bytes per card plus the header", function () {
      for (const count of [1, 2, 3, 1000]) {
        const cardKeys = new Uint8Array(20 * count).fill(7);
        const encoded = encodeBatchManifest({ ...MANIFEST, cardKeys });
        expect(batchManifestLength({ ...MANIFEST, count })).to.equal(encoded.length);
      }
      expect(batchManifestLength({ ...MANIFEST, count: 1_000_000 })).to.equal(45_000_139);
    });

    it("refuses values outside their Solidity types, and empty or ragged card keys", function () {
      expect(() => encodeBatchManifest({ ...MANIFEST, chainId: -1n })).to.throw(RangeError, "uint256");
      expect(() => encodeBatchManifest({ ...MANIFEST, batchId: 1n << 64n })).to.throw(RangeError, "uint64");
      expect(() => encodeBatchManifest({ ...MANIFEST, registry: "0x1234" as Address })).to.throw(RangeError, "address");
      expect(() => encodeBatchManifest({ ...MANIFEST, cardKeys: [] })).to.throw(RangeError, "1 to");
      expect(() => encodeBatchManifest({ ...MANIFEST, cardKeys: new Uint8Array(33) })).to.throw(RangeError, "20 bytes");
      expect(() => encodeBatchManifest({ ...MANIFEST, cardKeys: ["0x12"] })).to.throw(RangeError, "cardKeys[0]");
    });
  });

  describe("hashBatchManifest", function () {
    it("is Keccak-256 of the bytes, as viem computes it", function () {
      const encoded = encodeBatchManifest(MANIFEST);
      expect(hashBatchManifest(encoded)).to.equal(keccak256(encoded));
    });
  });

  describe("decodeBatchManifest", function () {
    it("reads back what the encoder wrote", function () {
      const decoded = decodeBatchManifest(encodeBatchManifest(MANIFEST));
      expect(decoded).to.deep.include({
        chainId: 31337n,
        registry: REGISTRY.toLowerCase(),
        batchId: 4294967297n,
        count: 3,
      });
      expect(decoded.cardKeys.length).to.equal(60);
      expect(bytesToHex(decoded.cardKeys.subarray(40, 60))).to.equal(CARD_KEYS[2]);
    });

    it("reads a uint256 chain id and the largest uint64 batch id", function () {
      const big = { ...MANIFEST, chainId: (1n << 256n) - 1n, batchId: (1n << 64n) - 1n };
      expect(decodeBatchManifest(encodeBatchManifest(big))).to.deep.include({
        chainId: big.chainId,
        batchId: big.batchId,
      });
    });

    it("refuses a document that is not UTF-8 JSON, without quoting it", function () {
      const error = rejection(`{"version":1,"codes":"${CODES[0]}"`);
      expect(error.reason).to.equal("encoding");
      expect(exposed(error)).not.to.include(CODES[0]);
      expect(rejection(new Uint8Array([0xff, 0xfe, 0x7b])).reason).to.equal("encoding");
    });

    it("refuses secret codes in place of card keys, and never repeats them", function () {
      const document = text(encodeBatchManifest(MANIFEST)).replace(CARD_KEYS[1]!, CODES[1]!);
      const error = rejection(document);
      expect(error.reason).to.equal("secret");
      expect(error.path).to.equal("cardKeys[1]");
      expect(exposed(error)).not.to.include(CODES[1]);
    });

    it("reports a bounded list of problems for a document of a million bad entries, and still finds a code among them", function () {
      const head = text(encodeBatchManifest(MANIFEST)).split('"cardKeys":[')[0]!;
      const zeros = Array<string>(1_000_000).fill("0");
      const error = rejection(`${head}"cardKeys":[${zeros.join(",")}]}`);
      expect(error.reason).to.equal("invalid-field");
      expect(error.path).to.equal("cardKeys[0]");
      expect(error.shortMessage).to.contain(
        "(1000000 more problems: cardKeys[1], cardKeys[2], cardKeys[3], cardKeys[4], cardKeys[5], …)",
      );
      expect(error.message.length).to.be.below(1_000);
      // A code deep in the list still wins over the first problems kept.
      zeros[765_432] = JSON.stringify(CODES[0]);
      const secret = rejection(`${head}"cardKeys":[${zeros.join(",")}]}`);
      expect(secret.reason).to.equal("secret");
      expect(secret.path).to.equal("cardKeys[765432]");
      expect(exposed(secret)).not.to.include(CODES[0]);
    });

    it("refuses codes in an extra field, printed or typed in lower case, and in keys", function () {
      const base = text(encodeBatchManifest(MANIFEST)).slice(0, -1);
      for (const value of [formatCode(CODES[0]!), CODES[0]!.toLowerCase(), `code ${formatCode(CODES[0]!)} sold`]) {
        const error = rejection(`${base},"codes":[${JSON.stringify(value)}]}`);
        expect(error.reason).to.equal("secret");
        expect(exposed(error)).not.to.include(value);
      }
      const inKey = rejection(`${base},${JSON.stringify(CODES[2])}:1}`);
      expect(inKey.reason).to.equal("secret");
      expect(exposed(inKey)).not.to.include(CODES[2]);
    });

    it("refuses a field the format does not define, naming it", function () {
      const document = text(encodeBatchManifest(MANIFEST)).slice(0, -1) + ',"note":"batch for ACME"}';
      expect(rejection(document)).to.include({ reason: "unknown-field", path: "note" });
    });

    it("refuses wrong types and forms of the defined fields", function () {
      const canonical = JSON.parse(text(encodeBatchManifest(MANIFEST))) as Record<string, unknown>;
      const cases: [Record<string, unknown>, string][] = [
        [{ ...canonical, version: 3 }, "version"],
        [{ ...canonical, chainId: 31337 }, "chainId"],
        [{ ...canonical, batchId: "004294967297" }, "batchId"],
        [{ ...canonical, registry: "0x1234" }, "registry"],
        [{ ...canonical, count: 4 }, "cardKeys"],
        [{ ...canonical, count: 0 }, "count"],
        [{ ...canonical, cardKeys: ["0x12"] }, "cardKeys[0]"],
        [{ ...canonical, cardKeys: `0x${"12".repeat(32)}` }, "cardKeys"],
        [{ ...canonical, cardKeys: [`0x${"12".repeat(32)}`, ...CARD_KEYS.slice(1)] }, "cardKeys[0]"],
      ];
      for (const [document, path] of cases) {
        expect(rejection(JSON.stringify(document)), path).to.include({ reason: "invalid-field", path });
      }
      const missing = { ...canonical };
      delete missing.registry;
      expect(rejection(JSON.stringify(missing))).to.include({ reason: "invalid-field", path: "registry" });
      expect(rejection("[1,2,3]")).to.include({ reason: "invalid-field", path: "$" });
    });

    it("names a CardProof v1 manifest (version 1, codeHashes) as such and says to mint again", function () {
      const v1 = JSON.stringify({
        version: 1,
        chainId: "31337",
        registry: REGISTRY.toLowerCase(),
        batchId: "4294967297",
        count: 1,
        codeHashes: [`0x${"ab".repeat(32)}`],
      });
      const error = rejection(v1);
      expect(error).to.include({ reason: "invalid-field", path: "version" });
      expect(error.message).to.match(/CardProof v1 manifest/);
      expect(error.message).to.match(/mint the batch again/);
    });

    it("refuses valid content in other bytes: whitespace, key order, upper-case hex, a trailing newline", function () {
      const canonical = text(encodeBatchManifest(MANIFEST));
      const parsed = JSON.parse(canonical) as Record<string, unknown>;
      const variants = [
        JSON.stringify(parsed, null, 2),
        JSON.stringify({
          chainId: parsed.chainId,
          version: parsed.version,
          registry: parsed.registry,
          batchId: parsed.batchId,
          count: parsed.count,
          cardKeys: parsed.cardKeys,
        }),
        canonical.replace(CARD_KEYS[0]!.slice(2), CARD_KEYS[0]!.slice(2).toUpperCase()),
        `${canonical}\n`,
      ];
      for (const variant of variants) {
        const error = rejection(variant);
        expect(error.reason, variant.slice(0, 40)).to.equal("not-canonical");
        expect(error.shortMessage).to.match(/first difference at byte \d+/);
      }
    });
  });

  describe("looksLikeCardCode", function () {
    it("recognises codes however they are written", function () {
      for (const code of CODES) {
        expect(looksLikeCardCode(code)).to.equal(true);
        expect(looksLikeCardCode(formatCode(code))).to.equal(true);
        expect(looksLikeCardCode(` ${formatCode(code).toLowerCase().replaceAll("-", " ")} `)).to.equal(true);
      }
    });

    it("does not take hashes, addresses or decimal ids for codes", function () {
      for (const value of [...CARD_KEYS, REGISTRY, "31337", "4294967297", "18446744073709551615", "version"]) {
        expect(looksLikeCardCode(value), value).to.equal(false);
      }
    });
  });
});
