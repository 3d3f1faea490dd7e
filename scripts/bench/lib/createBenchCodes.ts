import { CODE_ALPHABET, CODE_DATA_LENGTH, computeCheckCharacter } from "../../lib/codeAlphabet.js";

/**
 * Deterministic canonical codes for benchmarks: the same shape as `generateCodes` (each data
 * character is 5 random bits, then the check character), but drawn from a seeded PRNG (sfc32), so the
 * Merkle roots and proofs, and hence the calldata and the gas of every run, are identical.
 *
 * @dev Never use these codes for real cards: the PRNG is not cryptographic and the seed is public.
 *      Real batches use `generateCodes` (`crypto.getRandomValues`).
 */
export function createBenchCodes(count: number, seed: string): string[] {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const next = sfc32(seed);
  const codes = new Array<string>(count);
  const charCodes = new Array<number>(CODE_DATA_LENGTH);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < CODE_DATA_LENGTH; c++) charCodes[c] = CODE_ALPHABET.charCodeAt(next() & 0b11111);
    const data = String.fromCharCode(...charCodes);
    codes[i] = data + computeCheckCharacter(data);
  }
  return codes;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded from a string with FNV-1a. */
function sfc32(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  let b = 0x9e3779b9;
  let c = 0x243f6a88;
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Mix the seed through the state before the first output, as sfc32's author recommends.
  for (let i = 0; i < 15; i++) next();
  return next;
}
