import { bytesToString, hexToBytes, stringToHex, type Hex } from "viem";

/** Longest issuer name that fits the registry's `bytes32 profileHash`, in UTF-8 bytes. */
export const MAX_ISSUER_NAME_BYTES = 32;

/**
 * The `profileHash` that registers an issuer under a display name: the name's UTF-8 bytes, padded
 * with zeros to 32 bytes. Anyone reads it back from the chain alone ({@link decodeIssuerName}),
 * with no profile server to trust or keep online.
 *
 * @throws {RangeError} when the name is empty, longer than 32 UTF-8 bytes, or holds control characters.
 */
export function encodeIssuerName(name: string): Hex {
  const trimmed = name.trim();
  const length = new TextEncoder().encode(trimmed).length;
  if (length === 0 || length > MAX_ISSUER_NAME_BYTES) {
    throw new RangeError(`an issuer name takes 1 to 32 UTF-8 bytes, "${trimmed}" takes ${length}`);
  }
  if (/\p{Cc}/u.test(trimmed)) throw new RangeError("an issuer name cannot hold control characters");
  return stringToHex(trimmed, { size: 32 });
}

/**
 * The display name inside a `profileHash`, or undefined when it holds something else (a real hash
 * of an off-chain profile): the bytes must be UTF-8 text without control characters, then only zeros.
 */
export function decodeIssuerName(profileHash: Hex): string | undefined {
  const bytes = hexToBytes(profileHash);
  if (bytes.length !== 32) return undefined;
  let end = bytes.indexOf(0);
  if (end === -1) end = 32;
  if (end === 0 || bytes.subarray(end).some((byte) => byte !== 0)) return undefined;
  let name: string;
  try {
    name = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end));
  } catch {
    return undefined;
  }
  return /\p{Cc}/u.test(name) || bytesToString(bytes.subarray(0, end)) !== name ? undefined : name;
}
