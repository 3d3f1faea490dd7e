import { inspect } from "node:util";

import { expect } from "chai";
import { create } from "qrcode";

import { makeBatchId } from "../../../scripts/lib/batchId.js";
import { cardUrl, encodeCardPayload } from "../../../scripts/lib/cardPayload.js";
import { computeCheckCharacter } from "../../../scripts/lib/codeAlphabet.js";
import { computeDecimalCheck } from "../../../scripts/lib/decimalCheckDigits.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";
import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { InvalidCardPayloadError } from "../../../scripts/lib/InvalidCardPayloadError.js";
import { decodeSecretPayload, encodeSecretPayload, SECRET_PAYLOAD_PREFIX } from "../../../scripts/lib/secretPayload.js";

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
const CODE = SECRET_CODES[0]!;
const BATCH = makeBatchId(1, 7);

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

/** Replaces character `i` of `text`. */
const replaceAt = (text: string, i: number, char: string) => text.slice(0, i) + char + text.slice(i + 1);

describe("secretPayload", function () {
  describe("encodeSecretPayload and decodeSecretPayload", function () {
    it("round-trip the code, batch id and serial, extremes included", function () {
      const codes = generateCodes(10);
      for (const batchId of [0n, 1n, BATCH, MAX_UINT64]) {
        for (const serial of [0, 1, 9_999, MAX_UINT32]) {
          for (const code of codes) {
            expect(decodeSecretPayload(encodeSecretPayload({ code, batchId, serial }))).to.deep.equal({
              code,
              batchId,
              serial,
            });
          }
        }
      }
    });

    it("write CPS2, the code, 29 digits of ids and 3 check digits", function () {
      const payload = encodeSecretPayload({ code: CODE, batchId: BATCH, serial: 42 });
      expect(payload).to.have.length(56);
      expect(payload.startsWith(`${SECRET_PAYLOAD_PREFIX}${CODE}`)).to.equal(true);
      expect(payload.slice(24, 53)).to.equal(((BATCH << 32n) | 42n).toString().padStart(29, "0"));
      expect(payload).to.match(/^CPS2[0-9A-Z]{20}[0-9]{32}$/);
    });

    it("fit a version 3 QR at level Q for every batch id and serial", function () {
      const worst = encodeSecretPayload({ code: CODE, batchId: MAX_UINT64, serial: MAX_UINT32 });
      expect(create(worst, { errorCorrectionLevel: "Q" }).version).to.equal(3);
    });

    it("read what a scanner returns: surrounding whitespace, lower case", function () {
      const payload = encodeSecretPayload({ code: CODE, batchId: BATCH, serial: 42 });
      expect(decodeSecretPayload(` ${payload.toLowerCase()}\r\n`)).to.deep.equal({
        code: CODE,
        batchId: BATCH,
        serial: 42,
      });
    });

    it("reject a code that is not canonical and ids out of range, without the code in the message", function () {
      for (const code of [CODE.slice(1), CODE.toLowerCase(), `${CODE.slice(0, -1)}U`]) {
        expect(() => encodeSecretPayload({ code, batchId: BATCH, serial: 1 })).to.throw(
          RangeError,
          /^encodeSecretPayload expects a canonical code: pass it through parseCode first$/,
        );
      }
      expect(() => encodeSecretPayload({ code: CODE, batchId: MAX_UINT64 + 1n, serial: 1 })).to.throw(
        RangeError,
        /uint64/,
      );
      expect(() => encodeSecretPayload({ code: CODE, batchId: -1n, serial: 1 })).to.throw(RangeError, /uint64/);
      expect(() => encodeSecretPayload({ code: CODE, batchId: BATCH, serial: MAX_UINT32 + 1 })).to.throw(
        RangeError,
        /uint32/,
      );
    });
  });

  describe("decodeSecretPayload rejects", function () {
    const payload = encodeSecretPayload({ code: CODE, batchId: BATCH, serial: 42 });

    it("every substitution of one character of the code or the ids", function () {
      const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
      for (let i = 4; i < payload.length; i++) {
        for (const char of alphabet) {
          if (char === payload[i]) continue;
          const error = payloadErrorOf(() => decodeSecretPayload(replaceAt(payload, i, char)));
          if (i < 24) expect(error.reason, `character ${i + 1}`).to.equal("code");
          else
            expect(error.reason, `character ${i + 1}`).to.be.oneOf(/[0-9]/.test(char) ? ["checksum"] : ["character"]);
        }
      }
    });

    it("the card's public payload and link, saying to scratch the panel", function () {
      const publicPayload = encodeCardPayload({
        chainId: 31337n,
        registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        batchId: BATCH,
        serial: 42,
        cardKey: deriveCardKey({
          chainId: 31337n,
          registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          batchId: BATCH,
          serial: 42,
          code: CODE,
        }),
      });
      for (const text of [publicPayload, cardUrl("https://verify.cardproof.example/", publicPayload)]) {
        const error = payloadErrorOf(() => decodeSecretPayload(text));
        expect(error.reason).to.equal("public");
        expect(error.message).to.equal(
          "this is the card's public QR code, which cannot redeem it: scratch the panel and scan the QR code under it",
        );
      }
    });

    it("other texts, other versions and wrong lengths", function () {
      expect(payloadErrorOf(() => decodeSecretPayload("")).reason).to.equal("empty");
      expect(payloadErrorOf(() => decodeSecretPayload("WIFI:S:cafe;;")).message).to.match(
        /^this is not a CardProof redemption QR code/,
      );
      expect(payloadErrorOf(() => decodeSecretPayload(`CPS3${payload.slice(4)}`)).reason).to.equal("version");
      expect(payloadErrorOf(() => decodeSecretPayload(payload.slice(0, -1))).reason).to.equal("length");
      expect(payloadErrorOf(() => decodeSecretPayload(`${payload}7`)).reason).to.equal("length");
      expect(payloadErrorOf(() => decodeSecretPayload(payload.repeat(20))).reason).to.equal("length");
    });

    it("a CPS1 payload, saying it is a CardProof v1 card that registry v2 cannot redeem", function () {
      const error = payloadErrorOf(() => decodeSecretPayload(`CPS1${payload.slice(4)}`));
      expect(error.reason).to.equal("version");
      expect(error.message).to.equal(
        "this redemption QR code was printed for CardProof v1 (CPS1), which registry v2 cannot redeem: " +
          "the card is a CardProof v1 card: do not accept it; ask its issuer to replace it",
      );
      expect(error.message).not.to.include(CODE);
    });

    it("ids that pass their check but exceed 96 bits", function () {
      const ids = "9".repeat(29);
      const forged = `CPS2${CODE}${ids}${computeDecimalCheck(ids, 3)}`;
      expect(payloadErrorOf(() => decodeSecretPayload(forged)).reason).to.equal("malformed");
    });

    it("with errors that never contain the code or any part of it", function () {
      for (const code of SECRET_CODES) {
        const good = encodeSecretPayload({ code, batchId: BATCH, serial: 42 });
        const windows = Array.from({ length: code.length - 3 }, (_, i) => code.slice(i, i + 4).toLowerCase());
        const inputs = [
          replaceAt(good, 9, good[9] === "A" ? "B" : "A"), // code check character fails
          replaceAt(good, 30, good[30] === "1" ? "2" : "1"), // ids check digits fail
          replaceAt(good, 40, "X"), // a letter among the ids
          good.slice(0, -1), // too short
          `CPS9${good.slice(4)}`, // newer version
          `CPS1${good.slice(4)}`, // CardProof v1
          `X${good}`, // not a redemption payload
        ];
        for (const input of inputs) {
          const error = payloadErrorOf(() => decodeSecretPayload(input));
          for (const rendering of [
            error.message,
            String(error),
            error.stack ?? "",
            JSON.stringify({ ...error }),
            inspect(error),
          ]) {
            for (const window of windows) expect(rendering.toLowerCase(), error.reason).not.to.include(window);
          }
        }
      }
    });
  });
});
