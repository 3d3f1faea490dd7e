import type { Address, Hex } from "viem";
import { bytesToHex, hexToBytes, isAddress } from "viem";

import { keccak256Bytes } from "./keccak256Bytes.js";

/** The fields a batch's Merkle leaf commits to. */
export type LeafParameters = {
  /** Chain the registry lives on (`uint256`). */
  chainId: bigint;
  /** The VoucherRegistry contract. */
  registry: Address;
  /** Batch the card belongs to (`uint64`). */
  batchId: bigint;
  /** The card's serial within the batch (`uint32`), also its leaf index. */
  serial: number;
  /** The card's key: the address of its code-derived secret (see `deriveCardKey`). */
  cardKey: Address;
};

/** The per-batch part of {@link LeafParameters}. */
export type LeafContext = Omit<LeafParameters, "serial" | "cardKey">;

/**
 * Hashes one card's leaf for bulk use: returns the 32-byte leaf, written to `out` at `outOffset` when
 * given (e.g. straight into the flat leaf array {@link buildMerkleTree} takes).
 */
export type LeafHasher = (serial: number, cardKey: Uint8Array, out?: Uint8Array, outOffset?: number) => Uint8Array;

/** ABI words: chainId, registry, batchId, serial, cardKey. */
const ENCODED_LENGTH = 5 * 32;

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * A card's Merkle leaf, as the registry recomputes it:
 * `keccak256(bytes.concat(keccak256(abi.encode(chainId, registry, batchId, serial, cardKey))))` with
 * types `(uint256, address, uint64, uint32, address)`.
 *
 * @dev Hashed twice, like OpenZeppelin's StandardMerkleTree leaves, so that no 64-byte inner node of
 *      the tree can be passed off as a leaf (second-preimage resistance). Binding the chain and the
 *      registry makes a proof useless on another deployment.
 * @throws {RangeError} when a field is out of its Solidity type's range or malformed.
 */
export function hashLeaf({ serial, cardKey, ...context }: LeafParameters): Hex {
  if (!isAddress(cardKey, { strict: false })) throw new RangeError(`cardKey ${cardKey} is not an address`);
  return bytesToHex(createLeafHasher(context)(serial, hexToBytes(cardKey)));
}

/**
 * Prepares the per-batch part of the leaf encoding once and returns a {@link LeafHasher} for the
 * batch's cards: same result as {@link hashLeaf}, without hex conversions or re-encoding.
 *
 * @throws {RangeError} when a field is out of its Solidity type's range or malformed (at creation for
 *         the batch fields, per call for `serial` and `cardKey`, which must be 20 bytes).
 */
export function createLeafHasher({ chainId, registry, batchId }: LeafContext): LeafHasher {
  if (chainId < 0n || chainId > MAX_UINT256) throw new RangeError(`chainId ${chainId} is not a uint256`);
  if (!isAddress(registry, { strict: false })) throw new RangeError(`registry ${registry} is not an address`);
  if (batchId < 0n || batchId > MAX_UINT64) throw new RangeError(`batchId ${batchId} is not a uint64`);

  const encoded = new Uint8Array(ENCODED_LENGTH);
  writeUint(encoded, 0, chainId);
  encoded.set(hexToBytes(registry), 64 - 20);
  writeUint(encoded, 64, batchId);
  const inner = new Uint8Array(32);

  return (serial, cardKey, out, outOffset) => {
    if (!Number.isInteger(serial) || serial < 0 || serial > MAX_UINT32) {
      throw new RangeError(`serial ${serial} is not a uint32`);
    }
    if (cardKey.length !== 20) throw new RangeError(`cardKey has ${cardKey.length} bytes, expected 20`);
    // Word 3 (bytes 96..127): serial, big-endian in its last 4 bytes; the rest stays zero.
    encoded[124] = serial >>> 24;
    encoded[125] = serial >>> 16;
    encoded[126] = serial >>> 8;
    encoded[127] = serial;
    // Word 4 (bytes 128..159): the address, left-padded; bytes 128..139 stay zero.
    encoded.set(cardKey, 128 + 12);
    keccak256Bytes(encoded, inner);
    return keccak256Bytes(inner, out, outOffset);
  };
}

/** Writes `value` as a big-endian 32-byte word at `offset`. */
function writeUint(target: Uint8Array, offset: number, value: bigint): void {
  let rest = value;
  for (let i = offset + 31; i >= offset; i--) {
    target[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}
