import { hexToBytes, type Address, type Hex } from "viem";

import { keccak256Bytes } from "../../scripts/lib/keccak256Bytes.js";

/**
 * Whether a block's `logsBloom` may hold logs of `address` (Ethereum's 2048-bit bloom: three bits
 * from the address's Keccak-256). `false` is certain (a bloom has no false negatives); `true` may
 * be a false positive. A missing or malformed bloom answers `true`: nothing is ruled out.
 */
export function bloomMayContain(bloom: Hex | undefined, address: Address): boolean {
  if (bloom === undefined || !/^0x[0-9a-fA-F]{512}$/.test(bloom)) return true;
  const bits = hexToBytes(bloom);
  const hash = keccak256Bytes(hexToBytes(address));
  for (let i = 0; i < 6; i += 2) {
    const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
    if ((bits[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
