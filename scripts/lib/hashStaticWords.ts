import { bytesToHex, type Hex } from "viem";

import { keccak256Bytes } from "./keccak256Bytes.js";

/**
 * One ABI word of a static type: a `bytes32` (66-char hex), an `address` (42-char hex), an
 * unsigned integer (number or bigint, below 2^256) or a `bool`.
 */
export type StaticWord = Hex | number | bigint | boolean;

/**
 * `keccak256(abi.encode(words...))` for static types only, written straight into one buffer.
 *
 * @dev The hot path of hash-chain replay (indexer and auditor): about 4x faster than viem's generic
 *      `encodeAbiParameters` + `keccak256` (5.6 vs 24 µs for a redemption link, one run here), with
 *      no intermediate hex strings and the repo's own Keccak.
 *      A hex word is right-aligned, so a 20-byte address and a 32-byte value encode as
 *      `abi.encode` does; anything else (odd length, other sizes, negative or oversized numbers)
 *      throws rather than hashing something the contract never would.
 */
export function hashStaticWords(words: readonly StaticWord[]): Hex {
  const buffer = new Uint8Array(words.length * 32);
  for (let i = 0; i < words.length; i++) writeWord(buffer, i * 32, words[i]!);
  return bytesToHex(keccak256Bytes(buffer));
}

function writeWord(buffer: Uint8Array, offset: number, word: StaticWord): void {
  if (typeof word === "boolean") {
    buffer[offset + 31] = word ? 1 : 0;
  } else if (typeof word === "number") {
    if (!Number.isSafeInteger(word) || word < 0) throw new RangeError(`not an unsigned integer: ${word}`);
    let value = word;
    for (let i = offset + 31; value > 0; i--) {
      buffer[i] = value % 256;
      value = Math.floor(value / 256);
    }
  } else if (typeof word === "bigint") {
    if (word < 0n || word >> 256n !== 0n) throw new RangeError(`not a uint256: ${word}`);
    let value = word;
    for (let i = offset + 31; value > 0n; i--) {
      buffer[i] = Number(value & 0xffn);
      value >>= 8n;
    }
  } else {
    const bytes = (word.length - 2) / 2;
    if ((bytes !== 20 && bytes !== 32) || !word.startsWith("0x")) {
      throw new RangeError(`not an address or a 32-byte value: ${word.slice(0, 70)}`);
    }
    const start = offset + 32 - bytes;
    for (let i = 0; i < bytes; i++) {
      const high = nibble(word.charCodeAt(2 + 2 * i));
      const low = nibble(word.charCodeAt(3 + 2 * i));
      buffer[start + i] = (high << 4) | low;
    }
  }
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  throw new RangeError(`not a hex digit: ${String.fromCharCode(code)}`);
}
