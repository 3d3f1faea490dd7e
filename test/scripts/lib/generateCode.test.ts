import { expect } from "chai";

import { CODE_ALPHABET, CODE_DATA_LENGTH, CODE_LENGTH } from "../../../scripts/lib/codeAlphabet.js";
import { generateCode, generateCodes } from "../../../scripts/lib/generateCode.js";
import { isCanonicalCode } from "../../../scripts/lib/isCanonicalCode.js";

/** Occurrences of each alphabet character at positions [from, to) of the codes. */
function countCharacters(codes: readonly string[], from: number, to: number): Map<string, number> {
  const counts = new Map<string, number>(Array.from(CODE_ALPHABET, (char) => [char, 0]));
  for (const code of codes) {
    for (let i = from; i < to; i++) counts.set(code[i]!, (counts.get(code[i]!) ?? 0) + 1);
  }
  return counts;
}

describe("generateCode", function () {
  it("returns a canonical code: 20 uppercase alphabet characters with a valid check character", function () {
    for (let i = 0; i < 100; i++) {
      const code = generateCode();
      expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{20}$/);
      expect(isCanonicalCode(code)).to.equal(true);
    }
  });

  it("returns a different code each time", function () {
    expect(generateCode()).not.to.equal(generateCode());
  });

  describe("generateCodes", function () {
    it("returns the requested number of canonical, distinct codes across several random draws", function () {
      // 100,000 codes need 1.9 MB of randomness: 29 calls to getRandomValues, which throws above 64 KiB.
      const codes = generateCodes(100_000);
      expect(codes).to.have.length(100_000);
      expect(codes.every(isCanonicalCode)).to.equal(true);
      expect(new Set(codes).size).to.equal(codes.length);
    });

    it("returns no codes for a count of 0", function () {
      expect(generateCodes(0)).to.deep.equal([]);
    });

    it("uses every alphabet character, none at more than twice its expected frequency", function () {
      const codes = generateCodes(10_000);
      const data = countCharacters(codes, 0, CODE_DATA_LENGTH);
      const expected = (codes.length * CODE_DATA_LENGTH) / 32;
      for (const [char, count] of data) {
        expect(count, char).to.be.greaterThan(0);
        expect(count, char).to.be.at.most(2 * expected);
      }
      const checks = countCharacters(codes, CODE_DATA_LENGTH, CODE_LENGTH);
      for (const [char, count] of checks) {
        expect(count, `check ${char}`).to.be.greaterThan(0);
        expect(count, `check ${char}`).to.be.at.most((2 * codes.length) / 32);
      }
    });

    it("rejects a count that is not a non-negative integer", function () {
      for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => generateCodes(count), String(count)).to.throw(RangeError, /non-negative integer count/);
      }
    });
  });
});
