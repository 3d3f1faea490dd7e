/**
 * Crockford's base32 alphabet: the digits and the letters except I, L, O (look like 1, 1, 0) and U.
 * A character's value is its index here (0-31).
 */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Characters in a canonical code: {@link CODE_DATA_LENGTH} random characters, then 1 check character. */
export const CODE_LENGTH = 20;

/** Random characters in a code (19 x 5 bits = 95 bits of entropy), before the check character. */
export const CODE_DATA_LENGTH = CODE_LENGTH - 1;

/** Value (0-31) of each ASCII character code, or -1 for characters outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let value = 0; value < CODE_ALPHABET.length; value++) VALUES[CODE_ALPHABET.charCodeAt(value)] = value;

/**
 * Value (0-31) of the character at `index` of `text` in {@link CODE_ALPHABET}, or -1 when it is not an
 * alphabet character (lowercase letters and the look-alikes I, L, O included: normalise first).
 */
export function codeCharacterValue(text: string, index: number): number {
  const charCode = text.charCodeAt(index);
  return charCode < 128 ? VALUES[charCode]! : -1;
}

/**
 * Computes the check character for `data` (characters of {@link CODE_ALPHABET}, usually the
 * {@link CODE_DATA_LENGTH} random characters of a code).
 *
 * The check character `c` is the one that makes `d₁·α^n + d₂·α^(n-1) + … + dₙ·α + c = 0` in GF(2⁵)
 * (built as GF(2)[x] / (x⁵ + x² + 1), α = x, a primitive element of order 31), computed by Horner's
 * rule: fold `r ← α·r ⊕ d` over the data, then `c = α·r`. This is the Damm scheme on the
 * totally anti-symmetric quasigroup `r ∗ d = α·r ⊕ d`; a whole code is valid when the same fold over
 * all of its characters ends at 0 ({@link hasValidCheckCharacter}).
 *
 * It detects, in a code of up to 31 characters (ours have 20), with certainty:
 * - every single-character substitution: the error changes the sum by `α^k·e ≠ 0`;
 * - every transposition of two different characters, adjacent or not: the sum changes by
 *   `α^i·(a ⊕ b)·(α^j ⊕ 1) ≠ 0` because α has order 31 > j;
 * - every twin error (`aa` → `bb`) on adjacent characters.
 *
 * @dev Not Luhn mod N. Luhn mod 32 misses the adjacent swap of the characters worth 0 and 31
 *      ("0Z" ↔ "Z0", like "09" ↔ "90" in Luhn mod 10), and no weighting over the integers mod 32
 *      can catch every adjacent swap (Z/32 has no complete mapping, Hall-Paige). Over GF(32),
 *      whose additive group is (Z/2)⁵, multiplication by α is one. The test suite checks both facts.
 * @throws {RangeError} when a character of `data` is outside the alphabet; the message gives its
 *         position only, never the character (codes are secrets).
 */
export function computeCheckCharacter(data: string): string {
  return CODE_ALPHABET[timesAlpha(fold(data))]!;
}

/**
 * Whether the last character of `code` is the check character of the ones before it, i.e. the fold
 * over all of `code` ends at 0 (see {@link computeCheckCharacter}). Does not check the length.
 *
 * @throws {RangeError} when a character of `code` is outside the alphabet (position only in the message).
 */
export function hasValidCheckCharacter(code: string): boolean {
  return code.length > 0 && fold(code) === 0;
}

/** Folds `r ← α·r ⊕ value` over the characters of `text`, starting from 0. */
function fold(text: string): number {
  let r = 0;
  for (let index = 0; index < text.length; index++) {
    const value = codeCharacterValue(text, index);
    if (value < 0) throw new RangeError(`character ${index + 1} is not in the code alphabet`);
    r = timesAlpha(r) ^ value;
  }
  return r;
}

/** Multiplies an element of GF(2⁵) by α = x modulo x⁵ + x² + 1 (0b100101). */
function timesAlpha(r: number): number {
  const shifted = r << 1;
  return shifted & 0b100000 ? shifted ^ 0b100101 : shifted;
}
