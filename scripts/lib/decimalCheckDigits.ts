/** Check lengths this library uses, each with its modulus: the largest prime below `10^length`. */
export type DecimalCheckLength = 3 | 5;

const MODULUS: Readonly<Record<DecimalCheckLength, bigint>> = { 3: 997n, 5: 99_991n };

/**
 * The `checkLength` check digits to append to `digits`: chosen so that the whole digit string, read
 * as one decimal number, is divisible by the prime `p` (997 for 3 digits, 99,991 for 5), like
 * ISO 7064's MOD 97-10 (IBAN) with a larger prime.
 *
 * Appended to any digit string, they detect with certainty:
 * - every single-digit substitution: it changes the number by `e · 10^j` with `1 ≤ |e| ≤ 9`, and a
 *   prime `p > 10` divides neither `e` nor a power of 10;
 * - every swap of two adjacent digits (`±9 · (a - b) · 10^j`), every jump swap `abc → cba`
 *   (`±99 · (a - c) · 10^j`) and every adjacent twin error `aa → bb` (`±11 · (a - b) · 10^j`), since
 *   `p` divides none of 9, 11, 99 and no |a - b| ≤ 9;
 * and any other corruption with probability `1 - 1/p`.
 *
 * @throws {RangeError} when `digits` is empty or has a character other than 0-9.
 */
export function computeDecimalCheck(digits: string, checkLength: DecimalCheckLength): string {
  const modulus = MODULUS[checkLength];
  const remainder = (toNumber(digits) * 10n ** BigInt(checkLength)) % modulus;
  return ((modulus - remainder) % modulus).toString().padStart(checkLength, "0");
}

/**
 * Whether the last `checkLength` digits of `digitsWithCheck` are the {@link computeDecimalCheck} of
 * the digits before them, i.e. the whole number is divisible by the check's prime.
 *
 * @throws {RangeError} when `digitsWithCheck` has a character other than 0-9 or no more than
 *         `checkLength` digits.
 */
export function hasValidDecimalCheck(digitsWithCheck: string, checkLength: DecimalCheckLength): boolean {
  if (digitsWithCheck.length <= checkLength) {
    throw new RangeError(`hasValidDecimalCheck expects more than ${checkLength} digits`);
  }
  return toNumber(digitsWithCheck) % MODULUS[checkLength] === 0n;
}

/** `digits` as a BigInt, refusing anything but ASCII digits (BigInt itself accepts "0x", spaces, ...). */
function toNumber(digits: string): bigint {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError("expected decimal digits only");
  return BigInt(digits);
}
