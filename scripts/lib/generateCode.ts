import { CODE_ALPHABET, CODE_DATA_LENGTH, computeCheckCharacter } from "./codeAlphabet.js";

/** `crypto.getRandomValues` fills at most 65,536 bytes per call (Web Crypto quota). */
const MAX_RANDOM_BYTES_PER_CALL = 65_536;

/** Codes drawn per `getRandomValues` call: one random byte per data character. */
const CODES_PER_DRAW = Math.floor(MAX_RANDOM_BYTES_PER_CALL / CODE_DATA_LENGTH);

/** Alphabet character codes, indexed by value. */
const ALPHABET_CHAR_CODES = Array.from(CODE_ALPHABET, (char) => char.charCodeAt(0));

/**
 * Generates one secret code in canonical form: {@link CODE_DATA_LENGTH} characters drawn uniformly
 * from the code alphabet with the platform CSPRNG (`crypto.getRandomValues`, 95 bits of entropy),
 * then the check character. Uppercase, no separators; print it with {@link formatCode}.
 *
 * @example
 * generateCode() // "K7QM2XR4TB9HCWNP3VZ0" (random)
 */
export function generateCode(): string {
  return generateCodes(1)[0]!;
}

/**
 * Generates `count` secret codes as {@link generateCode} does, drawing randomness in 64 KiB chunks so
 * that a batch of 1,000,000 codes takes about a second.
 *
 * @dev Each character takes the low 5 bits of its own random byte: 256 is a multiple of 32, so every
 *      character is exactly uniform (no modulo bias). Codes are not checked for uniqueness: with
 *      95 bits of entropy, a collision among 10⁹ codes has probability below 10⁻¹⁰.
 * @throws {RangeError} when `count` is not a non-negative safe integer.
 */
export function generateCodes(count: number): string[] {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`generateCodes expects a non-negative integer count, got ${count}`);
  }
  const codes = new Array<string>(count);
  const random = new Uint8Array(Math.min(count, CODES_PER_DRAW) * CODE_DATA_LENGTH);
  const charCodes = new Array<number>(CODE_DATA_LENGTH);
  for (let first = 0; first < count; first += CODES_PER_DRAW) {
    const inDraw = Math.min(CODES_PER_DRAW, count - first);
    globalThis.crypto.getRandomValues(random.subarray(0, inDraw * CODE_DATA_LENGTH));
    for (let i = 0; i < inDraw; i++) {
      const offset = i * CODE_DATA_LENGTH;
      for (let c = 0; c < CODE_DATA_LENGTH; c++) charCodes[c] = ALPHABET_CHAR_CODES[random[offset + c]! & 0b11111]!;
      const data = String.fromCharCode(...charCodes);
      codes[first + i] = data + computeCheckCharacter(data);
    }
  }
  random.fill(0);
  return codes;
}
