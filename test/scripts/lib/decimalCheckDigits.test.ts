import { expect } from "chai";

import { computeDecimalCheck, hasValidDecimalCheck } from "../../../scripts/lib/decimalCheckDigits.js";

/** Deterministic pseudo-random digit strings. */
function digitStrings(count: number, length: number): string[] {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () => Array.from({ length }, () => String(next() % 10)).join(""));
}

describe("decimalCheckDigits", function () {
  for (const checkLength of [3, 5] as const) {
    describe(`with ${checkLength} digits`, function () {
      it("makes the whole number a multiple of the check's prime", function () {
        const prime = checkLength === 3 ? 997n : 99_991n;
        for (const digits of digitStrings(50, 40)) {
          const check = computeDecimalCheck(digits, checkLength);
          expect(check).to.match(new RegExp(`^[0-9]{${checkLength}}$`));
          expect(BigInt(digits + check) % prime).to.equal(0n);
          expect(hasValidDecimalCheck(digits + check, checkLength)).to.equal(true);
        }
      });

      it("detects every single substitution, adjacent swap, jump swap and twin error", function () {
        for (const digits of digitStrings(5, 60)) {
          const valid = digits + computeDecimalCheck(digits, checkLength);
          const variants: string[] = [];
          for (let i = 0; i < valid.length; i++) {
            for (const d of "0123456789") if (d !== valid[i]) variants.push(valid.slice(0, i) + d + valid.slice(i + 1));
            const [a, b, c] = [valid[i], valid[i + 1], valid[i + 2]];
            if (b !== undefined && a !== b) variants.push(valid.slice(0, i) + b + a + valid.slice(i + 2));
            if (c !== undefined && a !== c) variants.push(valid.slice(0, i) + c + b + a + valid.slice(i + 3));
            if (b !== undefined && a === b) {
              for (const d of "0123456789") if (d !== a) variants.push(valid.slice(0, i) + d + d + valid.slice(i + 2));
            }
          }
          for (const variant of variants) expect(hasValidDecimalCheck(variant, checkLength), variant).to.equal(false);
        }
      });
    });
  }

  it("refuses anything but digits", function () {
    for (const input of ["12a4", " 1234", "0x1234", "-1234"]) {
      expect(() => computeDecimalCheck(input, 3), input).to.throw(RangeError);
      expect(() => hasValidDecimalCheck(`${input}0000`, 3), input).to.throw(RangeError);
    }
    expect(() => hasValidDecimalCheck("123", 3)).to.throw(RangeError);
  });
});
