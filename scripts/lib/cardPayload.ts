import type { Hex } from "viem";
import { bytesToHex, hexToBytes, isAddress } from "viem";

import { CODE_ALPHABET, CODE_LENGTH } from "./codeAlphabet.js";
import { bytesToDecimal, decimalLengthOfBytes, decimalToBytes } from "./decimalBytes.js";
import { computeDecimalCheck, hasValidDecimalCheck } from "./decimalCheckDigits.js";
import type { LeafParameters } from "./hashLeaf.js";
import { InvalidCardPayloadError } from "./InvalidCardPayloadError.js";

/** The public payload version this library writes; its first digit. */
export const CARD_PAYLOAD_VERSION = 2;

/**
 * Largest chain id a card payload carries: EIP-2294's bound `floor(2^64 / 2) - 36`, the largest id
 * wallets accept. Encoded as a varint, it is the payload's worst case (9 bytes).
 */
export const MAX_CARD_CHAIN_ID = 9_223_372_036_854_775_771n;

/** Bytes of the registry address a payload keeps (its first 8 of 20). */
export const CARD_REGISTRY_PREFIX_LENGTH = 8;

/** Bytes of the card key a payload keeps (its first 8 of 20). */
export const CARD_KEY_PREFIX_LENGTH = 8;

/** A public card payload, as {@link decodeCardPayload} reads it. */
export type CardPayload = {
  /** Chain the registry lives on, 1 to {@link MAX_CARD_CHAIN_ID}. */
  chainId: bigint;
  /** First {@link CARD_REGISTRY_PREFIX_LENGTH} bytes of the registry address, lower-case hex. */
  registryPrefix: Hex;
  /** Batch the card belongs to (`uint64`). */
  batchId: bigint;
  /** The card's serial within the batch (`uint32`). */
  serial: number;
  /** First {@link CARD_KEY_PREFIX_LENGTH} bytes of the card's key (see `deriveCardKey`), lower-case hex. */
  cardKeyPrefix: Hex;
};

/** Check digits at the end of a payload (prime 99,991: see {@link computeDecimalCheck}). */
const CHECK_LENGTH = 5;
/** Registry prefix, batch id, serial, card key prefix: the fields after the chain id varint. */
const FIXED_LENGTH = CARD_REGISTRY_PREFIX_LENGTH + 8 + 4 + CARD_KEY_PREFIX_LENGTH;
const MAX_VARINT_LENGTH = 9;
/** Byte length of the binary payload for each length of its decimal form (without version and check). */
const BYTE_LENGTH_OF_DIGITS = new Map<number, number>();
for (let varint = 1; varint <= MAX_VARINT_LENGTH; varint++) {
  BYTE_LENGTH_OF_DIGITS.set(decimalLengthOfBytes(FIXED_LENGTH + varint), FIXED_LENGTH + varint);
}
/** Shortest and longest payloads, in characters. */
const MIN_LENGTH = 1 + decimalLengthOfBytes(FIXED_LENGTH + 1) + CHECK_LENGTH;
const MAX_LENGTH = 1 + decimalLengthOfBytes(FIXED_LENGTH + MAX_VARINT_LENGTH) + CHECK_LENGTH;
/** Longer inputs are rejected before looking at them. */
const MAX_INPUT_LENGTH = 1024;

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * The public QR payload of a card, for `https://<verifier>/#<payload>` ({@link cardUrl}): version 2
 * is the digit `2`, then the binary fields below written as one decimal number
 * ({@link bytesToDecimal}), then 5 check digits ({@link computeDecimalCheck}, prime 99,991):
 *
 * | bytes | field |
 * | ----- | ----- |
 * | 1-9   | chainId, unsigned LEB128 varint (1 byte up to 127, 3 bytes for 31337, 9 for {@link MAX_CARD_CHAIN_ID}) |
 * | 8     | first 8 bytes of the registry address |
 * | 8     | batchId, big-endian `uint64` |
 * | 4     | serial, big-endian `uint32` |
 * | 8     | first 8 bytes of the card key (the address of the card's code-derived key) |
 *
 * 29 to 37 bytes give 76 to 96 digits, e.g. 81 on chain 31337. The worst case (chain id
 * {@link MAX_CARD_CHAIN_ID}, batch id 2^64-1, serial 2^32-1) behind `https://verify.cardproof.example/`
 * is a version 6 QR (41×41 modules) at error correction Q, 17 digits under the version's capacity
 * (113 digits behind that URL).
 *
 * @dev Why digits: a QR's numeric mode costs 10 bits per 3 digits (0.3% over the information), its
 *      alphanumeric mode 11 bits per 2 characters (base32 there: +10%), its byte mode 8 bits per
 *      character (base64url there: +33%). {@link cardUrl} upper-cases the scheme and host so that the
 *      URL itself goes in alphanumeric mode too; only `#` needs a byte-mode segment.
 * @dev Why prefixes: a version 6 QR at level Q holds 608 bits. The URL takes 229 of them, so full
 *      fields (a 20-byte registry and a 20-byte card key: 61 bytes, 147 digits) would need version 8.
 *      Neither prefix weakens the trust model. The verifier resolves `(chainId, registryPrefix)`
 *      against its allowlist of full addresses (a card matching none is "not verified") and only ever
 *      queries the allowlisted registry, so a look-alike registry gains nothing. The full card key
 *      comes with the Merkle proof, which is checked against the on-chain root; the printed prefix
 *      pins it ({@link matchesCardPayload}). Version 1 (CardProof v1) carried a code hash prefix in
 *      the same place; it is refused with a message saying so.
 * @throws {RangeError} when a field is out of range or malformed (a programming error, not user input).
 */
export function encodeCardPayload({ chainId, registry, batchId, serial, cardKey }: LeafParameters): string {
  if (chainId < 1n || chainId > MAX_CARD_CHAIN_ID) {
    throw new RangeError(`chainId ${chainId} is outside 1..${MAX_CARD_CHAIN_ID}`);
  }
  if (!isAddress(registry, { strict: false })) throw new RangeError(`registry ${registry} is not an address`);
  if (batchId < 0n || batchId > MAX_UINT64) throw new RangeError(`batchId ${batchId} is not a uint64`);
  if (!Number.isInteger(serial) || serial < 0 || serial > MAX_UINT32) {
    throw new RangeError(`serial ${serial} is not a uint32`);
  }
  if (!isAddress(cardKey, { strict: false })) throw new RangeError("cardKey is not an address");
  const varint = encodeVarint(chainId);
  const bytes = new Uint8Array(varint.length + FIXED_LENGTH);
  bytes.set(varint);
  let offset = varint.length;
  bytes.set(hexToBytes(registry).subarray(0, CARD_REGISTRY_PREFIX_LENGTH), offset);
  offset += CARD_REGISTRY_PREFIX_LENGTH;
  new DataView(bytes.buffer).setBigUint64(offset, batchId);
  offset += 8;
  new DataView(bytes.buffer).setUint32(offset, serial);
  offset += 4;
  bytes.set(hexToBytes(cardKey).subarray(0, CARD_KEY_PREFIX_LENGTH), offset);
  const digits = `${CARD_PAYLOAD_VERSION}${bytesToDecimal(bytes)}`;
  return digits + computeDecimalCheck(digits, CHECK_LENGTH);
}

/**
 * Reads a public card payload (the digits after `#`, nothing else: {@link parseCardUrl} takes links
 * and pasted text).
 *
 * @throws {InvalidCardPayloadError} saying what is wrong and what to do: a redemption QR given
 *         instead (`secret`), a character that is not a digit, a newer version, a wrong length,
 *         check digits that do not match (any single wrong digit or swap of two neighbours), or a
 *         field out of range. The error never contains the input.
 */
export function decodeCardPayload(payload: string): CardPayload {
  if (payload.length === 0) {
    throw new InvalidCardPayloadError({
      reason: "empty",
      shortMessage: "no card data was given",
      details: "scan the QR code on the front of the card",
    });
  }
  if (looksLikeSecret(payload)) throw secretGivenError();
  for (let index = 0; index < payload.length; index++) {
    const char = payload.charCodeAt(index);
    if (char < 48 || char > 57) {
      throw new InvalidCardPayloadError({
        reason: "character",
        position: index + 1,
        shortMessage: `character ${index + 1} of the card data is not a digit`,
        details: "card data has digits only: scan the QR code on the card again, or paste the whole link",
      });
    }
  }
  if (payload[0] === "1") {
    throw new InvalidCardPayloadError({
      reason: "version",
      shortMessage: "the card was printed for CardProof v1 (card data version 1), which this verifier no longer reads",
      details: "CardProof v1 cards cannot be checked or redeemed on registry v2: ask the card's issuer to replace it",
    });
  }
  if (payload[0] !== String(CARD_PAYLOAD_VERSION)) {
    throw new InvalidCardPayloadError({
      reason: "version",
      shortMessage:
        payload[0] === "0"
          ? "this is not CardProof card data (it starts with 0)"
          : `the card data has format version ${payload[0]}, which this verifier does not read`,
      details:
        payload[0] === "0"
          ? "scan the QR code on the front of the card"
          : "the card was printed by a newer CardProof: update the verifier and scan again",
    });
  }
  const byteLength = BYTE_LENGTH_OF_DIGITS.get(payload.length - 1 - CHECK_LENGTH);
  if (byteLength === undefined) {
    throw new InvalidCardPayloadError({
      reason: "length",
      shortMessage: `the card data has ${payload.length} digits, which no version ${CARD_PAYLOAD_VERSION} card has (${MIN_LENGTH} to ${MAX_LENGTH})`,
      details: "digits are missing or extra: scan the QR code on the card again, or copy the whole link",
    });
  }
  if (!hasValidDecimalCheck(payload, CHECK_LENGTH)) {
    throw new InvalidCardPayloadError({
      reason: "checksum",
      shortMessage: "the card data fails its check digits",
      details: "it was damaged or mistyped: scan the QR code on the card again, or copy the whole link",
    });
  }
  const bytes = decimalToBytes(payload.slice(1, -CHECK_LENGTH), byteLength);
  const varintLength = byteLength - FIXED_LENGTH;
  const chainId = bytes === null ? null : decodeVarint(bytes.subarray(0, varintLength));
  if (bytes === null || chainId === null || chainId < 1n || chainId > MAX_CARD_CHAIN_ID) {
    throw new InvalidCardPayloadError({
      reason: "malformed",
      shortMessage: "the card data passes its check but is not well-formed",
      details: "it was not made by a CardProof encoder: do not trust this card",
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = varintLength;
  const registryPrefix = bytesToHex(bytes.subarray(offset, offset + CARD_REGISTRY_PREFIX_LENGTH));
  offset += CARD_REGISTRY_PREFIX_LENGTH;
  const batchId = view.getBigUint64(offset);
  offset += 8;
  const serial = view.getUint32(offset);
  offset += 4;
  const cardKeyPrefix = bytesToHex(bytes.subarray(offset, offset + CARD_KEY_PREFIX_LENGTH));
  return { chainId, registryPrefix, batchId, serial, cardKeyPrefix };
}

/**
 * The link printed in a card's public QR: `verifierBase` with its scheme and host upper-cased, then
 * `#` and the payload, e.g. `HTTPS://VERIFY.CARDPROOF.EXAMPLE/#1000…`. The payload sits in the
 * fragment, which browsers never send to a server, so it never reaches a server log.
 *
 * @dev Scheme and host are case-insensitive (RFC 3986, 3.1 and 3.2.2), and in upper case they fit a
 *      QR's alphanumeric mode (5.5 bits per character instead of 8). The path and query keep their
 *      case. Every scheme and host character costs 5.5 bits: the worst-case payload stays within a
 *      version 6 QR at level Q for bases up to 43 characters (52 on chain 31337).
 * @throws {RangeError} when `verifierBase` is not an absolute http(s) URL without credentials and
 *         fragment, or when `payload` is not a valid public payload.
 */
export function cardUrl(verifierBase: string, payload: string): string {
  let url: URL;
  try {
    url = new URL(verifierBase);
  } catch {
    throw new RangeError(`verifierBase ${JSON.stringify(verifierBase)} is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RangeError(`verifierBase must be an http(s) URL, got ${url.protocol}`);
  }
  if (verifierBase.includes("#")) throw new RangeError("verifierBase must not have a fragment: the payload goes there");
  if (url.username !== "" || url.password !== "") throw new RangeError("verifierBase must not hold credentials");
  decodeCardPayload(payload);
  return `${url.protocol.toUpperCase()}//${url.host.toUpperCase()}${url.pathname}${url.search}#${payload}`;
}

/**
 * Reads what a person scanned or pasted into the verifier: a card link (any verifier, any case), a
 * bare payload, or either inside pasted text with spaces or line breaks (whitespace anywhere is
 * ignored; full-width digits are read as digits).
 *
 * @throws {InvalidCardPayloadError} as {@link decodeCardPayload}, and for a link without card data
 *         (`url`) or a secret code or redemption QR pasted by mistake (`secret`). Never contains the
 *         input.
 */
export function parseCardUrl(text: string): CardPayload {
  if (text.length > MAX_INPUT_LENGTH) {
    throw new InvalidCardPayloadError({
      reason: "length",
      shortMessage: `the text has more than ${MAX_INPUT_LENGTH} characters`,
      details: "paste only the card's link, or scan the QR code on the card",
    });
  }
  // NFKC folds full-width digits and signs (from East Asian input methods) to ASCII.
  const compact = text.normalize("NFKC").replace(/\s+/gu, "");
  if (looksLikeSecret(compact)) throw secretGivenError();
  const hash = compact.lastIndexOf("#");
  if (hash >= 0) return decodeCardPayload(compact.slice(hash + 1));
  if (/^[a-z][a-z0-9+.-]*:/iu.test(compact)) {
    throw new InvalidCardPayloadError({
      reason: "url",
      shortMessage: "the link has no card data after #",
      details: "scan the QR code on the card again, or copy the whole link including the part after #",
    });
  }
  return decodeCardPayload(compact);
}

/**
 * Whether a decoded payload was printed for the card `leaf` describes: same chain, batch and serial,
 * and the registry address and card key start with the printed prefixes. The verifier calls it with
 * the allowlisted registry and the card key that came with the Merkle proof.
 */
export function matchesCardPayload(payload: CardPayload, leaf: LeafParameters): boolean {
  return (
    payload.chainId === leaf.chainId &&
    payload.batchId === leaf.batchId &&
    payload.serial === leaf.serial &&
    leaf.registry.toLowerCase().startsWith(payload.registryPrefix) &&
    leaf.cardKey.toLowerCase().startsWith(payload.cardKeyPrefix)
  );
}

/** Unsigned LEB128: 7 bits per byte, least significant first, high bit set on all but the last. */
function encodeVarint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return Uint8Array.from(bytes);
}

/** Reads a varint that fills `bytes` exactly; `null` when it ends early, runs over or is padded. */
function decodeVarint(bytes: Uint8Array): bigint | null {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const last = i === bytes.length - 1;
    if (((byte & 0x80) === 0) !== last) return null;
    // A last byte of 0 in a multi-byte varint is padding: only the shortest encoding is canonical.
    if (last && i > 0 && byte === 0) return null;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
  }
  return value;
}

/** A redemption payload (`CPS…`) or a bare secret code (20 code characters, dashes allowed). */
function looksLikeSecret(text: string): boolean {
  if (/^cps/iu.test(text)) return true;
  const bare = text.replace(/[-_]/gu, "").toUpperCase();
  return bare.length === CODE_LENGTH && /[A-Z]/u.test(bare) && [...bare].every((char) => CODE_ALPHABET.includes(char));
}

function secretGivenError(): InvalidCardPayloadError {
  return new InvalidCardPayloadError({
    reason: "secret",
    shortMessage: "this is the card's secret code, not its public QR code",
    details:
      "keep the secret code private until you redeem the card; to check the card, scan the QR code on the " +
      "front that is not under the scratch panel",
  });
}
