import { inspect } from "node:util";

import { expect } from "chai";
import { create } from "qrcode";
import type { Address } from "viem";
import { keccak256, toHex } from "viem";

import { makeBatchId } from "../../../scripts/lib/batchId.js";
import {
  CARD_PAYLOAD_VERSION,
  cardUrl,
  decodeCardPayload,
  encodeCardPayload,
  matchesCardPayload,
  MAX_CARD_CHAIN_ID,
  parseCardUrl,
} from "../../../scripts/lib/cardPayload.js";
import { computeCheckCharacter } from "../../../scripts/lib/codeAlphabet.js";
import { bytesToDecimal } from "../../../scripts/lib/decimalBytes.js";
import { computeDecimalCheck } from "../../../scripts/lib/decimalCheckDigits.js";
import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import type { LeafParameters } from "../../../scripts/lib/hashLeaf.js";
import { InvalidCardPayloadError } from "../../../scripts/lib/InvalidCardPayloadError.js";
import { decodeSecretPayload, encodeSecretPayload } from "../../../scripts/lib/secretPayload.js";

const VERIFIER = "https://verify.cardproof.example/";
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/** Appends the check character. */
const withCheck = (data: string) => data + computeCheckCharacter(data);
/** Fixed codes, so that no 4-character window can match a word of a message or stack by chance. */
const SECRET_CODES = [
  withCheck("K7QM20R4TB1HCWNP3VZ"),
  withCheck("XR4TB9HCWNP3VZ8K7QM"),
  withCheck("1Y2X0Z9W8V7T6S5R4Q3"),
];

/** The largest payload: every field at its maximum. */
const WORST: LeafParameters = {
  chainId: MAX_CARD_CHAIN_ID,
  registry: "0xffffffffffffffffffffffffffffffffffffffff",
  batchId: MAX_UINT64,
  serial: MAX_UINT32,
  cardKey: `0x${"ff".repeat(20)}`,
};
/** A card of the local chain's demo registry. */
const TYPICAL: LeafParameters = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  batchId: makeBatchId(1, 7),
  serial: 4321,
  cardKey: deriveCardKey({
    chainId: 31337n,
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    batchId: makeBatchId(1, 7),
    serial: 4321,
    code: SECRET_CODES[0]!,
  }),
};

/** What `fn` threw, asserting it is an InvalidCardPayloadError. */
function payloadErrorOf(fn: () => unknown): InvalidCardPayloadError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.an.instanceOf(InvalidCardPayloadError);
    return error as InvalidCardPayloadError;
  }
  expect.fail("expected an InvalidCardPayloadError");
}

/** Every way the error could surface in a log. */
function renderings(error: Error): string[] {
  return [error.message, String(error), error.stack ?? "", JSON.stringify({ ...error }), inspect(error, { depth: 5 })];
}

/** A payload with a valid check over arbitrary version digit and body digits. */
function checked(digits: string): string {
  return digits + computeDecimalCheck(digits, 5);
}

/** Pseudo-random bytes (deterministic). */
function bytesOf(seed: number, length: number): Uint8Array {
  return Uint8Array.from(Buffer.from(keccak256(toHex(`seed ${seed}`)).slice(2), "hex").subarray(0, length));
}

describe("cardPayload", function () {
  describe("encodeCardPayload and decodeCardPayload", function () {
    it("round-trip every field, keeping 8-byte prefixes of the registry and the card key", function () {
      const payload = encodeCardPayload(TYPICAL);
      expect(decodeCardPayload(payload)).to.deep.equal({
        chainId: 31337n,
        registryPrefix: "0x5fbdb2315678afec",
        batchId: makeBatchId(1, 7),
        serial: 4321,
        cardKeyPrefix: TYPICAL.cardKey.slice(0, 18),
      });
    });

    it("round-trip extreme values of every field", function () {
      const chainIds = [1n, 127n, 128n, 16_383n, 16_384n, 31_337n, 2n ** 32n, 2n ** 53n - 1n, MAX_CARD_CHAIN_ID];
      const batchIds = [0n, 1n, makeBatchId(1, 0), makeBatchId(0xffffff, 0xffffffff), MAX_UINT64];
      const serials = [0, 1, 255, 256, 65_536, MAX_UINT32 - 1, MAX_UINT32];
      let seed = 0;
      for (const chainId of chainIds) {
        for (const batchId of batchIds) {
          for (const serial of serials) {
            const registry = toHex(bytesOf(seed++, 20)) as Address;
            const cardKey = toHex(bytesOf(seed++, 20)) as Address;
            const leaf = { chainId, registry, batchId, serial, cardKey };
            const decoded = decodeCardPayload(encodeCardPayload(leaf));
            expect(decoded).to.deep.equal({
              chainId,
              registryPrefix: registry.slice(0, 18),
              batchId,
              serial,
              cardKeyPrefix: cardKey.slice(0, 18),
            });
            expect(matchesCardPayload(decoded, leaf)).to.equal(true);
          }
        }
      }
      for (const registry of ["0x0000000000000000000000000000000000000000", WORST.registry] as const) {
        for (const cardKey of [`0x${"00".repeat(20)}`, WORST.cardKey] as const) {
          const leaf = { ...WORST, registry, cardKey };
          expect(matchesCardPayload(decodeCardPayload(encodeCardPayload(leaf)), leaf)).to.equal(true);
        }
      }
    });

    it("writes digits only, starting with the version, 76 to 96 of them", function () {
      const smallest = encodeCardPayload({ ...TYPICAL, chainId: 1n });
      const largest = encodeCardPayload(WORST);
      for (const payload of [smallest, largest, encodeCardPayload(TYPICAL)]) {
        expect(payload).to.match(/^2[0-9]+$/);
        expect(payload[0]).to.equal(String(CARD_PAYLOAD_VERSION));
      }
      expect(smallest).to.have.length(76);
      expect(encodeCardPayload(TYPICAL)).to.have.length(81);
      expect(largest).to.have.length(96);
    });

    it("rejects fields out of range", function () {
      const cases: [Partial<LeafParameters>, RegExp][] = [
        [{ chainId: 0n }, /chainId 0 is outside/],
        [{ chainId: MAX_CARD_CHAIN_ID + 1n }, /chainId .* is outside/],
        [{ registry: "0x1234" }, /registry 0x1234 is not an address/],
        [{ batchId: -1n }, /is not a uint64/],
        [{ batchId: MAX_UINT64 + 1n }, /is not a uint64/],
        [{ serial: -1 }, /is not a uint32/],
        [{ serial: MAX_UINT32 + 1 }, /is not a uint32/],
        [{ serial: 1.5 }, /is not a uint32/],
        [{ cardKey: "0x1234" }, /cardKey is not an address/],
      ];
      for (const [change, message] of cases) {
        expect(() => encodeCardPayload({ ...TYPICAL, ...change }), message.source).to.throw(RangeError, message);
      }
    });
  });

  describe("matchesCardPayload", function () {
    it("tells a card from its neighbours and from other deployments", function () {
      const decoded = decodeCardPayload(encodeCardPayload(TYPICAL));
      const cases: [Partial<LeafParameters>, boolean][] = [
        [{}, true],
        [{ registry: "0x5FBDB2315678AFECB367F032D93F642F64180AA3" }, true],
        // Only the first 8 bytes are printed: the verifier's allowlist holds the full address.
        [{ registry: "0x5FbDB2315678afecb367f032d93F642f64180aa4" }, true],
        [{ registry: "0x5FbDB2315678afedb367f032d93F642f64180aa3" }, false],
        [{ chainId: 1n }, false],
        [{ serial: TYPICAL.serial + 1 }, false],
        [{ batchId: TYPICAL.batchId + 1n }, false],
        [{ cardKey: deriveCardKey({ ...TYPICAL, code: SECRET_CODES[1]! }) }, false],
      ];
      for (const [change, expected] of cases) {
        expect(matchesCardPayload(decoded, { ...TYPICAL, ...change }), Object.keys(change).join()).to.equal(expected);
      }
    });
  });

  describe("QR size", function () {
    it("fits the worst case behind a realistic verifier URL in a version 6 QR at level Q", function () {
      const url = cardUrl(VERIFIER, encodeCardPayload(WORST));
      const qr = create(url, { errorCorrectionLevel: "Q" });
      expect(qr.version).to.be.at.most(6);
      expect(qr.modules.size).to.equal(17 + 4 * qr.version);
    });

    it("keeps the worst case within version 6 for verifier bases up to 43 characters", function () {
      const baseOf = (length: number) =>
        `https://verify.${"a".repeat(length - "https://verify..example/".length)}.example/`;
      const versionFor = (length: number) =>
        create(cardUrl(baseOf(length), encodeCardPayload(WORST)), { errorCorrectionLevel: "Q" }).version;
      expect(versionFor(43)).to.equal(6);
      expect(versionFor(44)).to.equal(7);
    });

    it("would need version 7 with a lower-case scheme and host, which is why cardUrl upper-cases them", function () {
      const lower = `${VERIFIER}#${encodeCardPayload(WORST)}`;
      expect(create(lower, { errorCorrectionLevel: "Q" }).version).to.equal(7);
    });
  });

  describe("decodeCardPayload rejects", function () {
    const payloads = [
      encodeCardPayload(TYPICAL),
      encodeCardPayload(WORST),
      encodeCardPayload({ ...TYPICAL, chainId: 1n }),
    ];

    it("every substitution of one digit by another, through the check digits", function () {
      for (const payload of payloads) {
        for (let i = 0; i < payload.length; i++) {
          for (const digit of "0123456789") {
            if (digit === payload[i]) continue;
            const corrupted = payload.slice(0, i) + digit + payload.slice(i + 1);
            const error = payloadErrorOf(() => decodeCardPayload(corrupted));
            // The first digit is the version: a change there reads as another version.
            expect(error.reason, `digit ${i + 1}`).to.equal(i === 0 ? "version" : "checksum");
          }
        }
      }
    });

    it("every character that is not a digit, giving its position", function () {
      const payload = payloads[0]!;
      for (let i = 0; i < payload.length; i++) {
        for (const char of ["A", " ", "#", "-", "٣", "\u0000"]) {
          const error = payloadErrorOf(() => decodeCardPayload(payload.slice(0, i) + char + payload.slice(i + 1)));
          expect(error.reason).to.equal("character");
          expect(error.position).to.equal(i + 1);
        }
      }
    });

    it("every swap of two neighbouring digits, every deleted and every doubled digit", function () {
      for (const payload of payloads) {
        for (let i = 0; i + 1 < payload.length; i++) {
          if (payload[i] === payload[i + 1]) continue;
          const swapped = payload.slice(0, i) + payload[i + 1] + payload[i] + payload.slice(i + 2);
          expect(payloadErrorOf(() => decodeCardPayload(swapped)).reason).to.be.oneOf(["checksum", "version"]);
        }
        for (let i = 0; i < payload.length; i++) {
          const deleted = payload.slice(0, i) + payload.slice(i + 1);
          const doubled = payload.slice(0, i) + payload[i] + payload.slice(i);
          for (const corrupted of [deleted, doubled]) {
            expect(payloadErrorOf(() => decodeCardPayload(corrupted)).reason).to.be.oneOf(["length", "version"]);
          }
        }
      }
    });

    it("an empty payload, and lengths no card has", function () {
      expect(payloadErrorOf(() => decodeCardPayload("")).reason).to.equal("empty");
      const error = payloadErrorOf(() => decodeCardPayload(checked("2" + "0".repeat(81))));
      expect(error.reason).to.equal("length");
      expect(error.message).to.equal(
        "the card data has 87 digits, which no version 2 card has (76 to 96): " +
          "digits are missing or extra: scan the QR code on the card again, or copy the whole link",
      );
    });

    it("a version 1 payload, saying the card was printed for CardProof v1", function () {
      const payload = encodeCardPayload(TYPICAL);
      const v1 = payloadErrorOf(() => decodeCardPayload(checked(`1${payload.slice(1, -5)}`)));
      expect(v1.reason).to.equal("version");
      expect(v1.message).to.match(/^the card was printed for CardProof v1/);
      expect(v1.details).to.match(/ask the card's issuer to replace it/);
    });

    it("other versions, saying to update the verifier", function () {
      const payload = encodeCardPayload(TYPICAL);
      const newer = payloadErrorOf(() => decodeCardPayload(checked(`3${payload.slice(1, -5)}`)));
      expect(newer.reason).to.equal("version");
      expect(newer.message).to.equal(
        "the card data has format version 3, which this verifier does not read: " +
          "the card was printed by a newer CardProof: update the verifier and scan again",
      );
      expect(payloadErrorOf(() => decodeCardPayload(checked(`0${payload.slice(1, -5)}`))).message).to.match(
        /^this is not CardProof card data/,
      );
    });

    it("a checked payload whose fields are malformed", function () {
      const fixed = new Uint8Array(28);
      const bodies = [
        Uint8Array.of(0x81, 0x00, ...fixed), // chain id 1 padded to two varint bytes
        Uint8Array.of(0x00, ...fixed), // chain id 0
        Uint8Array.of(0x81, ...fixed), // varint running into the next field
        Uint8Array.of(0x01, 0x01, ...fixed), // varint ending before its field does
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, ...fixed), // chain id 2^63 - 1
      ];
      for (const body of bodies) {
        const error = payloadErrorOf(() => decodeCardPayload(checked(`2${bytesToDecimal(body)}`)));
        expect(error.reason).to.equal("malformed");
        expect(error.message).to.equal(
          "the card data passes its check but is not well-formed: " +
            "it was not made by a CardProof encoder: do not trust this card",
        );
      }
      // 29 bytes take 70 digits, which can hold numbers above 2^232.
      expect(payloadErrorOf(() => decodeCardPayload(checked(`2${"9".repeat(70)}`))).reason).to.equal("malformed");
    });
  });

  describe("cardUrl", function () {
    const payload = encodeCardPayload(TYPICAL);

    it("puts the payload in the fragment and upper-cases only the scheme and host", function () {
      expect(cardUrl(VERIFIER, payload)).to.equal(`HTTPS://VERIFY.CARDPROOF.EXAMPLE/#${payload}`);
      expect(cardUrl("https://verify.cardproof.example", payload)).to.equal(
        `HTTPS://VERIFY.CARDPROOF.EXAMPLE/#${payload}`,
      );
      expect(cardUrl("http://127.0.0.1:8080/Verify/?lang=es", payload)).to.equal(
        `HTTP://127.0.0.1:8080/Verify/?lang=es#${payload}`,
      );
    });

    it("rejects bases that are not http(s), carry a fragment or credentials, and invalid payloads", function () {
      for (const [base, message] of [
        ["verify.cardproof.example", /is not an absolute URL/],
        ["ftp://verify.cardproof.example/", /must be an http\(s\) URL/],
        ["https://verify.cardproof.example/#", /must not have a fragment/],
        ["https://user:pw@verify.cardproof.example/", /must not hold credentials/],
      ] as const) {
        expect(() => cardUrl(base, payload)).to.throw(RangeError, message);
      }
      expect(() => cardUrl(VERIFIER, `${payload.slice(0, -1)}x`)).to.throw(InvalidCardPayloadError);
    });
  });

  describe("parseCardUrl", function () {
    const payload = encodeCardPayload(TYPICAL);
    const expected = decodeCardPayload(payload);

    it("reads a card link in any case, from any verifier", function () {
      for (const text of [
        cardUrl(VERIFIER, payload),
        `https://verify.cardproof.example/#${payload}`,
        `http://localhost:5173/verify?x=1#${payload}`,
      ]) {
        expect(parseCardUrl(text)).to.deep.equal(expected);
      }
    });

    it("reads a bare payload, and pasted text with spaces and line breaks anywhere", function () {
      const url = cardUrl(VERIFIER, payload);
      for (const text of [
        payload,
        `  ${payload}\n`,
        `${payload.slice(0, 40)}\n${payload.slice(40)}`,
        payload.replace(/(.{10})/g, "$1 "),
        `Check this card: ${url.slice(0, 50)}\r\n${url.slice(50)}  `,
      ]) {
        expect(parseCardUrl(text)).to.deep.equal(expected);
      }
    });

    it("reads full-width digits typed with an East Asian keyboard", function () {
      const fullWidth = Array.from(payload, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0)).join("");
      expect(parseCardUrl(fullWidth)).to.deep.equal(expected);
    });

    it("rejects a link without card data, an empty text and a text far too long", function () {
      const link = payloadErrorOf(() => parseCardUrl("https://verify.cardproof.example/"));
      expect(link.reason).to.equal("url");
      expect(link.message).to.equal(
        "the link has no card data after #: scan the QR code on the card again, or copy the whole link including the part after #",
      );
      expect(payloadErrorOf(() => parseCardUrl(`${VERIFIER}#`)).reason).to.equal("empty");
      expect(payloadErrorOf(() => parseCardUrl(" \n ")).reason).to.equal("empty");
      expect(payloadErrorOf(() => parseCardUrl(payload.repeat(20))).reason).to.equal("length");
    });
  });

  describe("public and secret payloads", function () {
    const secret = encodeSecretPayload({ code: SECRET_CODES[0]!, batchId: TYPICAL.batchId, serial: TYPICAL.serial });

    it("are never read as each other", function () {
      for (const text of [secret, secret.toLowerCase()]) {
        expect(payloadErrorOf(() => decodeCardPayload(text)).reason).to.equal("secret");
      }
      for (const text of [secret, secret.toLowerCase(), ` ${secret}\n`, `${VERIFIER}#${secret}`]) {
        expect(payloadErrorOf(() => parseCardUrl(text)).reason).to.equal("secret");
      }
      for (const text of [encodeCardPayload(TYPICAL), cardUrl(VERIFIER, encodeCardPayload(TYPICAL))]) {
        expect(payloadErrorOf(() => decodeSecretPayload(text)).reason).to.equal("public");
      }
    });

    it("recognise a secret code pasted where the card link belongs", function () {
      for (const code of SECRET_CODES) {
        for (const text of [code, formatCode(code), formatCode(code).toLowerCase()]) {
          const error = payloadErrorOf(() => parseCardUrl(text));
          expect(error.reason).to.equal("secret");
          expect(error.message).to.equal(
            "this is the card's secret code, not its public QR code: keep the secret code private until you " +
              "redeem the card; to check the card, scan the QR code on the front that is not under the scratch panel",
          );
        }
      }
    });

    it("produce errors that never contain the secret code or any part of it", function () {
      for (const code of SECRET_CODES) {
        const payload = encodeSecretPayload({ code, batchId: TYPICAL.batchId, serial: TYPICAL.serial });
        const windows = Array.from({ length: code.length - 3 }, (_, i) => code.slice(i, i + 4).toLowerCase());
        const inputs = [payload, code, formatCode(code), `${VERIFIER}#${payload}`, `${payload}0`, payload.slice(4)];
        for (const input of inputs) {
          for (const read of [decodeCardPayload, parseCardUrl]) {
            let error: Error | undefined;
            try {
              read(input);
            } catch (caught) {
              error = caught as Error;
            }
            expect(error, "expected an error").to.be.an.instanceOf(InvalidCardPayloadError);
            for (const rendering of renderings(error!)) {
              for (const window of windows) expect(rendering.toLowerCase()).not.to.include(window);
            }
          }
        }
      }
    });
  });
});
