import { keccak256Bytes } from "./keccak256Bytes.js";

/** Scratch buffer for the 64-byte pair (JS is single-threaded and nothing here yields). */
const pair = new Uint8Array(64);

/**
 * Hashes two 32-byte Merkle nodes the way OpenZeppelin's `Hashes.commutativeKeccak256` does (used by
 * `MerkleProof.verify`): `a < b ? keccak256(a ‖ b) : keccak256(b ‖ a)`, comparing the nodes as
 * big-endian 256-bit numbers, i.e. byte by byte. The order of the arguments does not matter.
 *
 * @param a First node: 32 bytes from `aOffset` (default 0).
 * @param b Second node: 32 bytes from `bOffset` (default 0).
 * @param out Where to write the parent; a new 32-byte array when omitted.
 * @returns `out` (or the new array).
 */
export function hashPair(
  a: Uint8Array,
  b: Uint8Array,
  out?: Uint8Array,
  { aOffset = 0, bOffset = 0, outOffset = 0 }: { aOffset?: number; bOffset?: number; outOffset?: number } = {},
): Uint8Array {
  if (aOffset < 0 || aOffset + 32 > a.length || bOffset < 0 || bOffset + 32 > b.length) {
    throw new RangeError("hashPair needs 32 bytes for each node");
  }
  let aFirst = true;
  for (let i = 0; i < 32; i++) {
    const x = a[aOffset + i]!;
    const y = b[bOffset + i]!;
    if (x !== y) {
      aFirst = x < y;
      break;
    }
  }
  const aAt = aFirst ? 0 : 32;
  const bAt = 32 - aAt;
  for (let i = 0; i < 32; i++) {
    pair[aAt + i] = a[aOffset + i]!;
    pair[bAt + i] = b[bOffset + i]!;
  }
  return keccak256Bytes(pair, out, outOffset);
}
