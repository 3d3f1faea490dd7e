import { CODE_LENGTH } from "./codeAlphabet.js";
import { computeDecimalCheck, hasValidDecimalCheck } from "./decimalCheckDigits.js";
import { InvalidCardPayloadError } from "./InvalidCardPayloadError.js";
import { isCanonicalCode } from "./isCanonicalCode.js";

/**
 * Start of every redemption payload: `CPS` (CardProof secret) and the version digit. A public payload
 * is digits only and a card link has `#`, so neither can be read as the other.
 */
export const SECRET_PAYLOAD_PREFIX = "CPS2";

/** What a redeemer's scanner reads from the QR under the scratch panel. */
export type SecretPayload = {
  /** The card's secret code, canonical (see {@link isCanonicalCode}). */
  code: string;
  /** Batch the card belongs to (`uint64`). */
  batchId: bigint;
  /** The card's serial within the batch (`uint32`). */
  serial: number;
};

/** Digits of `batchId << 32 | serial` (up to 2^96 - 1, 29 digits), zero-padded. */
const ID_DIGITS = 29;
/** Check digits after them (prime 997, see {@link computeDecimalCheck}). */
const CHECK_LENGTH = 3;
const PAYLOAD_LENGTH = SECRET_PAYLOAD_PREFIX.length + CODE_LENGTH + ID_DIGITS + CHECK_LENGTH;
/** Longer inputs are rejected before looking at them. */
const MAX_INPUT_LENGTH = 1024;

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * The redemption QR printed under the scratch panel, for gate and till scanners: the secret code and
 * which card it belongs to. Version 2 (same layout as version 1) is 56 characters:
 *
 * `CPS2` + the canonical code (20 characters) + `batchId << 32 | serial` as 29 decimal digits
 * + 3 check digits over those 29 (prime 997; the code has its own check character).
 *
 * A QR encoder puts the first 24 characters in alphanumeric mode and the 32 digits in numeric mode:
 * 266 bits, a version 3 QR (29×29 modules) at error correction Q for every batch id and serial.
 *
 * @throws {RangeError} when the code is not canonical or an id is out of range; the message never
 *         contains the code.
 */
export function encodeSecretPayload({ code, batchId, serial }: SecretPayload): string {
  if (!isCanonicalCode(code)) {
    throw new RangeError("encodeSecretPayload expects a canonical code: pass it through parseCode first");
  }
  if (batchId < 0n || batchId > MAX_UINT64) throw new RangeError(`batchId ${batchId} is not a uint64`);
  if (!Number.isInteger(serial) || serial < 0 || serial > MAX_UINT32) {
    throw new RangeError(`serial ${serial} is not a uint32`);
  }
  const ids = ((batchId << 32n) | BigInt(serial)).toString().padStart(ID_DIGITS, "0");
  return SECRET_PAYLOAD_PREFIX + code + ids + computeDecimalCheck(ids, CHECK_LENGTH);
}

/**
 * Reads a redemption payload as a scanner returns it (surrounding whitespace and lower case are
 * accepted).
 *
 * @throws {InvalidCardPayloadError} for the card's public QR or link given instead (`public`), a
 *         text that is not a redemption payload, a newer version, a wrong length, a code failing its
 *         check character (`code`) or ids failing their check digits (`checksum`). SECURITY: the error
 *         never contains the input or any part of it, since the input holds a secret code.
 */
export function decodeSecretPayload(text: string): SecretPayload {
  if (text.length > MAX_INPUT_LENGTH) {
    throw new InvalidCardPayloadError({
      reason: "length",
      shortMessage: `the scanned text has more than ${MAX_INPUT_LENGTH} characters`,
      details: "scan the QR code under the card's scratch panel",
    });
  }
  const payload = text.trim().toUpperCase();
  if (payload.length === 0) {
    throw new InvalidCardPayloadError({
      reason: "empty",
      shortMessage: "nothing was scanned",
      details: "scan the QR code under the card's scratch panel",
    });
  }
  if (/^[0-9]+$/u.test(payload) || payload.includes("#") || payload.startsWith("HTTP")) {
    throw new InvalidCardPayloadError({
      reason: "public",
      shortMessage: "this is the card's public QR code, which cannot redeem it",
      details: "scratch the panel and scan the QR code under it",
    });
  }
  if (!/^CPS[0-9]/u.test(payload)) {
    throw new InvalidCardPayloadError({
      reason: "character",
      position: 1,
      shortMessage: "this is not a CardProof redemption QR code",
      details: "scan the QR code under the card's scratch panel, or type the code printed there",
    });
  }
  if (payload.startsWith("CPS1")) {
    throw new InvalidCardPayloadError({
      reason: "version",
      shortMessage: "this redemption QR code was printed for CardProof v1 (CPS1), which registry v2 cannot redeem",
      details: "the card is a CardProof v1 card: do not accept it; ask its issuer to replace it",
    });
  }
  if (!payload.startsWith(SECRET_PAYLOAD_PREFIX)) {
    throw new InvalidCardPayloadError({
      reason: "version",
      shortMessage: "the redemption QR code has a format version this scanner does not read",
      details: "the card was printed by a newer CardProof: update the scanner software, or type the code",
    });
  }
  if (payload.length !== PAYLOAD_LENGTH) {
    throw new InvalidCardPayloadError({
      reason: "length",
      shortMessage: `the redemption QR code has ${payload.length} characters but needs ${PAYLOAD_LENGTH}`,
      details: "scan it again, or type the code printed under the scratch panel",
    });
  }
  const codeEnd = SECRET_PAYLOAD_PREFIX.length + CODE_LENGTH;
  const code = payload.slice(SECRET_PAYLOAD_PREFIX.length, codeEnd);
  if (!isCanonicalCode(code)) {
    throw new InvalidCardPayloadError({
      reason: "code",
      shortMessage: "the code in the redemption QR code fails its check character",
      details: "the QR code is damaged: type the code printed under the scratch panel instead",
    });
  }
  const digits = payload.slice(codeEnd);
  const nonDigit = digits.search(/[^0-9]/u);
  if (nonDigit >= 0) {
    throw new InvalidCardPayloadError({
      reason: "character",
      position: codeEnd + nonDigit + 1,
      shortMessage: `character ${codeEnd + nonDigit + 1} of the redemption QR code is not a digit`,
      details: "the QR code is damaged: scan it again, or type the code printed under the scratch panel",
    });
  }
  if (!hasValidDecimalCheck(digits, CHECK_LENGTH)) {
    throw new InvalidCardPayloadError({
      reason: "checksum",
      shortMessage: "the card number in the redemption QR code fails its check digits",
      details: "the QR code is damaged: scan it again, or type the code printed under the scratch panel",
    });
  }
  const ids = BigInt(digits.slice(0, ID_DIGITS));
  if (ids >> 96n !== 0n) {
    throw new InvalidCardPayloadError({
      reason: "malformed",
      shortMessage: "the redemption QR code passes its checks but is not well-formed",
      details: "it was not made by a CardProof encoder: type the code printed under the scratch panel",
    });
  }
  return { code, batchId: ids >> 32n, serial: Number(ids & 0xffffffffn) };
}
