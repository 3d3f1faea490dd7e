/**
 * Number of decimal digits {@link bytesToDecimal} writes for `byteLength` bytes: the length of
 * `256^byteLength - 1` in decimal, i.e. `ceil(8 · byteLength · log10 2)` (2.408 digits per byte).
 * Strictly increasing in `byteLength`, so a digit count names at most one byte length.
 *
 * @throws {RangeError} when `byteLength` is not a positive safe integer.
 */
export function decimalLengthOfBytes(byteLength: number): number {
  if (!Number.isSafeInteger(byteLength) || byteLength <= 0) {
    throw new RangeError(`decimalLengthOfBytes expects a positive byte length, got ${byteLength}`);
  }
  return ((1n << BigInt(8 * byteLength)) - 1n).toString().length;
}

/**
 * Writes `bytes` as one big-endian unsigned integer in decimal, left-padded with zeros to
 * {@link decimalLengthOfBytes} digits so that the length gives the byte count back.
 *
 * @dev Decimal because a QR code's numeric mode stores 3 digits in 10 bits: 0.3% over the
 *      information content, where base64url in byte mode costs 33% and base32 in alphanumeric mode
 *      10%. Digits are also safe in any URL fragment and in any case.
 */
export function bytesToDecimal(bytes: Uint8Array): string {
  let hex = "0x0";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return BigInt(hex).toString().padStart(decimalLengthOfBytes(bytes.length), "0");
}

/**
 * Reads what {@link bytesToDecimal} wrote for `byteLength` bytes; `null` when the number is too
 * large for that many bytes (the digit count allows up to 10^digits - 1, bytes only 256^n - 1).
 *
 * @throws {RangeError} when `digits` is not exactly {@link decimalLengthOfBytes}`(byteLength)`
 *         ASCII digits: callers check the input first and report their own error.
 */
export function decimalToBytes(digits: string, byteLength: number): Uint8Array | null {
  if (digits.length !== decimalLengthOfBytes(byteLength) || !/^[0-9]+$/.test(digits)) {
    throw new RangeError(`decimalToBytes expects ${decimalLengthOfBytes(byteLength)} decimal digits`);
  }
  let value = BigInt(digits);
  if (value >> BigInt(8 * byteLength) !== 0n) return null;
  const bytes = new Uint8Array(byteLength);
  for (let i = byteLength - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}
