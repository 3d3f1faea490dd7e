import { secp256k1 } from "@noble/curves/secp256k1";
import type { Address } from "viem";
import { bytesToHex, hexToBytes, isAddress } from "viem";

import { CODE_LENGTH } from "./codeAlphabet.js";
import { isCanonicalCode } from "./isCanonicalCode.js";
import { keccak256Bytes } from "./keccak256Bytes.js";

/**
 * Domain prefix of card-key seeds (21 ASCII bytes), so a seed can never equal a hash of the same
 * bytes made for another purpose. Bump the version if the derivation ever changes.
 */
export const CARD_KEY_DOMAIN = "CardProof/card-key/v2";

/** What a card's key is derived from: where the card lives and its canonical secret code. */
export type CardKeyParameters = {
  /** Chain the registry lives on (`uint256`). */
  chainId: bigint;
  /** The VoucherRegistry contract. */
  registry: Address;
  /** Batch the card belongs to (`uint64`). */
  batchId: bigint;
  /** The card's serial within the batch (`uint32`). */
  serial: number;
  /** The card's secret code, canonical (see {@link isCanonicalCode}). */
  code: string;
};

/** The per-batch part of {@link CardKeyParameters}. */
export type CardKeyContext = Omit<CardKeyParameters, "serial" | "code">;

/**
 * Derives one card's seed for bulk use: writes the 32-byte seed (`keccak256` of the domain, the
 * ABI words and the code) to `out` at `outOffset` and returns `out`. Reduce it with
 * {@link seedToCardSecret} (or a native library's equivalent) to get the private key.
 */
export type CardSeedHasher = (serial: number, code: string, out?: Uint8Array, outOffset?: number) => Uint8Array;

const DOMAIN_BYTES = new TextEncoder().encode(CARD_KEY_DOMAIN);
/** Domain, 4 ABI words (chainId, registry, batchId, serial), the 20 code characters: 169 bytes. */
const MESSAGE_LENGTH = DOMAIN_BYTES.length + 4 * 32 + CODE_LENGTH;
const WORDS_AT = DOMAIN_BYTES.length;
const CODE_AT = WORDS_AT + 4 * 32;

/** secp256k1 group order n. */
const CURVE_ORDER = secp256k1.CURVE.n;
const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * Prepares the per-batch part of the seed message once and returns a {@link CardSeedHasher} for
 * the batch's cards: `keccak256(bytes.concat(bytes("CardProof/card-key/v2"), abi.encode(uint256
 * chainId, address registry, uint64 batchId, uint32 serial), bytes(canonicalCode)))`.
 *
 * @throws {RangeError} when a batch field is out of its Solidity type's range (at creation), or
 *         per call when `serial` is not a uint32 or `code` is not canonical. No message ever
 *         contains the code.
 */
export function createCardSeedHasher({ chainId, registry, batchId }: CardKeyContext): CardSeedHasher {
  if (chainId < 0n || chainId > MAX_UINT256) throw new RangeError(`chainId ${chainId} is not a uint256`);
  if (!isAddress(registry, { strict: false })) throw new RangeError(`registry ${registry} is not an address`);
  if (batchId < 0n || batchId > MAX_UINT64) throw new RangeError(`batchId ${batchId} is not a uint64`);
  const message = new Uint8Array(MESSAGE_LENGTH);
  message.set(DOMAIN_BYTES);
  writeUint(message, WORDS_AT, chainId);
  message.set(hexToBytes(registry), WORDS_AT + 64 - 20);
  writeUint(message, WORDS_AT + 64, batchId);

  return (serial, code, out, outOffset) => {
    if (!Number.isInteger(serial) || serial < 0 || serial > MAX_UINT32) {
      throw new RangeError(`serial ${serial} is not a uint32`);
    }
    if (!isCanonicalCode(code)) {
      throw new RangeError("a card key needs a canonical code: pass what a person typed through parseCode first");
    }
    // Word 3: serial, big-endian in its last 4 bytes; the rest stays zero.
    message[WORDS_AT + 124] = serial >>> 24;
    message[WORDS_AT + 125] = serial >>> 16;
    message[WORDS_AT + 126] = serial >>> 8;
    message[WORDS_AT + 127] = serial;
    // Canonical codes are ASCII, so each character is its own byte.
    for (let i = 0; i < CODE_LENGTH; i++) message[CODE_AT + i] = code.charCodeAt(i);
    try {
      return keccak256Bytes(message, out, outOffset);
    } finally {
      // The message held the code: do not leave it in a long-lived buffer.
      message.fill(0, CODE_AT);
    }
  };
}

/**
 * The private key of a seed: `(uint256(seed) mod (n - 1)) + 1`, always in `[1, n - 1]`, so every
 * seed gives a valid secp256k1 key.
 *
 * @param out Where to write the 32-byte big-endian key; a new array when omitted.
 */
export function seedToCardSecret(seed: Uint8Array, out: Uint8Array = new Uint8Array(32), outOffset = 0): Uint8Array {
  if (seed.length !== 32) throw new RangeError(`a card seed has 32 bytes, got ${seed.length}`);
  if (outOffset < 0 || outOffset + 32 > out.length) throw new RangeError("seedToCardSecret needs 32 bytes of output");
  if (isBelowOrderMinusOne(seed)) {
    // seed < n - 1: the key is seed + 1, with no carry out of the top byte. The common case: it
    // avoids BigInt, which minting 1,000,000 cards would feel.
    let carry = 1;
    for (let i = 31; i >= 0; i--) {
      const sum = seed[i]! + carry;
      out[outOffset + i] = sum & 0xff;
      carry = sum >> 8;
    }
    return out;
  }
  // seed >= n - 1 (probability about 2^-128): the general formula.
  let value = (BigInt(bytesToHex(seed)) % (CURVE_ORDER - 1n)) + 1n;
  for (let i = outOffset + 31; i >= outOffset; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** n - 1 as 32 big-endian bytes. */
const ORDER_MINUS_ONE = hexToBytes(`0x${(CURVE_ORDER - 1n).toString(16).padStart(64, "0")}`);

/** Whether a 32-byte big-endian value is below n - 1. */
function isBelowOrderMinusOne(value: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    if (value[i] !== ORDER_MINUS_ONE[i]) return value[i]! < ORDER_MINUS_ONE[i]!;
  }
  return false;
}

/**
 * A card's secret key (32 bytes, big-endian), derived from its code and where it lives (issue 12,
 * §1): `(uint256(seed) mod (n - 1)) + 1` with the seed of {@link createCardSeedHasher}.
 *
 * @dev Salted with chain, registry, batch and serial: a guessed code can be tested against one card
 *      only (no search over a whole manifest at once), and a code is no key on another deployment.
 *      SECURITY: the result is a private key: never log, store or send it.
 * @throws {RangeError} when `code` is not canonical or a field is out of range (never naming the code).
 */
export function deriveCardSecret({ code, serial, ...context }: CardKeyParameters): Uint8Array {
  const seed = createCardSeedHasher(context)(serial, code);
  try {
    return seedToCardSecret(seed);
  } finally {
    seed.fill(0);
  }
}

/**
 * A card's public key in the form the registry commits to: the Ethereum address of
 * {@link deriveCardSecret} (last 20 bytes of the keccak256 of the 64-byte uncompressed public key),
 * lower-case hex. Runs in the browser (pure JS: @noble/curves and {@link keccak256Bytes}).
 *
 * @throws {RangeError} as {@link deriveCardSecret}.
 */
export function deriveCardKey(params: CardKeyParameters): Address {
  const secret = deriveCardSecret(params);
  try {
    return bytesToHex(cardKeyOfSecret(secret)) as Address;
  } finally {
    secret.fill(0);
  }
}

/**
 * The 20-byte address of a card secret, written to `out` at `outOffset` when given (bulk use: a flat
 * array of card keys).
 */
export function cardKeyOfSecret(secret: Uint8Array, out: Uint8Array = new Uint8Array(20), outOffset = 0): Uint8Array {
  return cardKeyOfPublicKey(secp256k1.getPublicKey(secret, false), out, outOffset);
}

/**
 * The 20-byte address of an uncompressed public key (65 bytes, `0x04` first), written to `out` at
 * `outOffset`. Shared by the pure-JS and the native minting paths.
 */
export function cardKeyOfPublicKey(
  publicKey: Uint8Array,
  out: Uint8Array = new Uint8Array(20),
  outOffset = 0,
): Uint8Array {
  if (publicKey.length !== 65 || publicKey[0] !== 4) {
    throw new RangeError("expected a 65-byte uncompressed secp256k1 public key");
  }
  const hash = keccak256Bytes(publicKey.subarray(1));
  out.set(hash.subarray(12), outOffset);
  return out;
}

/** Writes `value` as a big-endian 32-byte word at `offset`. */
function writeUint(target: Uint8Array, offset: number, value: bigint): void {
  let rest = value;
  for (let i = offset + 31; i >= offset; i--) {
    target[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}
