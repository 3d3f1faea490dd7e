import { expect } from "chai";

import {
  CODE_ALPHABET,
  CODE_DATA_LENGTH,
  CODE_LENGTH,
  codeCharacterValue,
  computeCheckCharacter,
  hasValidCheckCharacter,
} from "../../../scripts/lib/codeAlphabet.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";

/** Appends the check character. */
const withCheck = (data: string) => data + computeCheckCharacter(data);

/** Fixed codes with runs, extremes and the 0/Z pairs that defeat Luhn mod 32, plus random ones. */
const SAMPLE_CODES = [
  withCheck("K7QM2XR4TB9HCWNP3VZ"),
  withCheck("0000000000000000000"),
  withCheck("ZZZZZZZZZZZZZZZZZZZ"),
  withCheck("0Z0Z0Z0Z0Z0Z0Z0Z0Z0"),
  withCheck("0123456789ABCDEFGHJ"),
  withCheck("KMNPQRSTVWXYZ0Z1Y2X"),
  ...generateCodes(4),
];

/** Every string that differs from `code` in exactly one character, using alphabet characters. */
function singleSubstitutions(code: string): string[] {
  const variants: string[] = [];
  for (let position = 0; position < code.length; position++) {
    for (const char of CODE_ALPHABET) {
      if (char !== code[position]) variants.push(code.slice(0, position) + char + code.slice(position + 1));
    }
  }
  return variants;
}

/** `code` with the characters at `i` < `j` swapped. */
function swap(code: string, i: number, j: number): string {
  return code.slice(0, i) + code[j] + code.slice(i + 1, j) + code[i] + code.slice(j + 1);
}

/** Luhn mod N (N = 32) as published, to show what it misses. True when `code` passes. */
function luhnMod32Valid(code: string): boolean {
  let factor = 1;
  let sum = 0;
  for (let i = code.length - 1; i >= 0; i--) {
    const addend = factor * CODE_ALPHABET.indexOf(code[i]!);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return sum % 32 === 0;
}

describe("codeAlphabet", function () {
  it("is Crockford's base32 alphabet: 32 distinct characters without I, L, O and U", function () {
    expect(CODE_ALPHABET).to.equal("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    expect(new Set(CODE_ALPHABET).size).to.equal(32);
    for (const excluded of "ILOU") expect(CODE_ALPHABET).not.to.include(excluded);
    expect(CODE_LENGTH).to.equal(20);
    expect(CODE_DATA_LENGTH).to.equal(19);
  });

  it("gives each alphabet character its index as value and -1 to anything else", function () {
    for (let value = 0; value < 32; value++) expect(codeCharacterValue(CODE_ALPHABET, value)).to.equal(value);
    for (const other of ["I", "L", "O", "U", "a", "z", "-", " ", "é", "😀", ""]) {
      expect(codeCharacterValue(other, 0)).to.equal(-1);
    }
  });

  describe("computeCheckCharacter", function () {
    it("returns the character that makes the whole code valid", function () {
      for (const code of SAMPLE_CODES) {
        expect(code).to.have.length(CODE_LENGTH);
        expect(computeCheckCharacter(code.slice(0, -1))).to.equal(code.slice(-1));
        expect(hasValidCheckCharacter(code)).to.equal(true);
      }
    });

    it("is an alphabet character for any data", function () {
      for (const data of ["", "0", "Z", "K7QM2", "K7QM2XR4TB9HCWNP3VZ"]) {
        expect(CODE_ALPHABET).to.include(computeCheckCharacter(data));
      }
    });

    it("detects every single-character substitution", function () {
      for (const code of SAMPLE_CODES) {
        const variants = singleSubstitutions(code);
        expect(variants).to.have.length(CODE_LENGTH * 31);
        for (const variant of variants) expect(hasValidCheckCharacter(variant), variant).to.equal(false);
      }
    });

    it("detects every transposition of adjacent characters, the check character included", function () {
      for (const code of SAMPLE_CODES) {
        for (let i = 0; i + 1 < code.length; i++) {
          if (code[i] === code[i + 1]) continue;
          expect(hasValidCheckCharacter(swap(code, i, i + 1)), `swap at ${i}`).to.equal(false);
        }
      }
    });

    it("detects every transposition of two characters at any distance", function () {
      for (const code of SAMPLE_CODES) {
        for (let i = 0; i < code.length; i++) {
          for (let j = i + 1; j < code.length; j++) {
            if (code[i] === code[j]) continue;
            expect(hasValidCheckCharacter(swap(code, i, j)), `swap ${i} and ${j}`).to.equal(false);
          }
        }
      }
    });

    it("detects every adjacent twin error (aa becomes bb)", function () {
      const base = "K7QM2XR4TB9HCWNP3VZ";
      for (let i = 0; i + 1 < CODE_DATA_LENGTH; i++) {
        for (const a of CODE_ALPHABET) {
          const code = withCheck(base.slice(0, i) + a + a + base.slice(i + 2));
          for (const b of CODE_ALPHABET) {
            if (b === a) continue;
            const twinError = code.slice(0, i) + b + b + code.slice(i + 2);
            expect(hasValidCheckCharacter(twinError), `${a}${a} to ${b}${b} at ${i}`).to.equal(false);
          }
        }
      }
    });

    it("catches the 0/Z swap that Luhn mod 32 misses", function () {
      // Luhn mod 32 cannot tell "0Z" from "Z0" (like "09" and "90" in Luhn mod 10): the reason it is not used.
      const luhnData = "K7QM2XR4TB9HCWNP30Z";
      const luhnCheck = CODE_ALPHABET.split("").find((char) => luhnMod32Valid(luhnData + char))!;
      expect(luhnMod32Valid(luhnData + luhnCheck)).to.equal(true);
      expect(luhnMod32Valid(swap(luhnData + luhnCheck, 17, 18))).to.equal(true);

      const code = withCheck(luhnData);
      expect(hasValidCheckCharacter(swap(code, 17, 18))).to.equal(false);
    });

    it("rejects a character outside the alphabet with its position and not the character", function () {
      expect(() => computeCheckCharacter("K7QM2XU")).to.throw(RangeError, /^character 7 is not in the code alphabet$/);
      expect(() => hasValidCheckCharacter("k")).to.throw(RangeError, /^character 1 is not in the code alphabet$/);
    });

    it("treats the empty string as invalid", function () {
      expect(hasValidCheckCharacter("")).to.equal(false);
    });
  });
});
