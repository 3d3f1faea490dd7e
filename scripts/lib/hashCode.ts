import type { Hex } from "viem";
import { bytesToHex } from "viem";

import { CODE_LENGTH } from "./codeAlphabet.js";
import { isCanonicalCode } from "./isCanonicalCode.js";
import { keccak256Bytes } from "./keccak256Bytes.js";

/**
 * Domain prefix of code hashes, so that a code hash can never collide with a hash of the same 20
 * characters made for another purpose. Bump the version if the code format ever changes.
 */
export const CODE_HASH_DOMAIN = "CardProof/code/v1";

const DOMAIN_BYTES = new TextEncoder().encode(CODE_HASH_DOMAIN);

/**
 * The public commitment to a secret code, as the registry stores it:
 * `keccak256(abi.encodePacked(bytes("CardProof/code/v1"), code))` over the UTF-8 (here: ASCII) bytes
 * of the canonical code.
 *
 * @throws {RangeError} when `canonicalCode` is not canonical: pass what a person typed through
 *         {@link parseCode} first. The message never contains the code.
 */
export function hashCode(canonicalCode: string): Hex {
  return bytesToHex(hashCodeBytes(canonicalCode));
}

/**
 * {@link hashCode} for bulk use: returns the hash as bytes, written to `out` at `outOffset` when given
 * (e.g. straight into a flat array of 1,000,000 code hashes).
 *
 * @throws {RangeError} as {@link hashCode}, or when `out` has no 32 bytes at `outOffset`.
 */
export function hashCodeBytes(canonicalCode: string, out?: Uint8Array, outOffset = 0): Uint8Array {
  if (!isCanonicalCode(canonicalCode)) {
    throw new RangeError("hashCode expects a canonical code: pass what a person typed through parseCode first");
  }
  const message = new Uint8Array(DOMAIN_BYTES.length + CODE_LENGTH);
  message.set(DOMAIN_BYTES);
  // Canonical codes are ASCII, so each character is its own UTF-8 byte.
  for (let i = 0; i < CODE_LENGTH; i++) message[DOMAIN_BYTES.length + i] = canonicalCode.charCodeAt(i);
  return keccak256Bytes(message, out, outOffset);
}
