/**
 * What was wrong with a scanned or pasted card QR payload, for callers that react per case:
 * - `empty`: nothing was entered;
 * - `url`: a link without card data after its `#`;
 * - `character`: a character the payload cannot contain (`position` says which);
 * - `length`: digits or characters missing or extra;
 * - `version`: a payload version this library does not read (made by a newer CardProof);
 * - `checksum`: the check digits do not match (damaged or mistyped);
 * - `malformed`: the check matches but a field is out of range (not made by a CardProof encoder);
 * - `code`: the secret code inside a redemption QR fails its check character;
 * - `secret`: a redemption QR or secret code given where the public card QR was expected;
 * - `public`: the public card QR given where a redemption QR was expected.
 */
export type InvalidCardPayloadReason =
  "empty" | "url" | "character" | "length" | "version" | "checksum" | "malformed" | "code" | "secret" | "public";

/** Parameters of {@link InvalidCardPayloadError}. */
export type InvalidCardPayloadErrorParameters = {
  reason: InvalidCardPayloadReason;
  /** What is wrong, e.g. "the card data fails its check digits". */
  shortMessage: string;
  /** What the person should do next, e.g. "scan the QR on the card again". */
  details: string;
  /** 1-based position of the offending character, when there is one. */
  position?: number;
};

/**
 * A scanned, typed or pasted text is not a valid card QR payload (public or redemption). A user
 * error, not retryable as is: show the message, which says what to do, and let the person scan again.
 *
 * @dev SECURITY: a redemption payload holds a secret code, and a person may paste a secret where the
 *      public payload belongs. Nothing in this error (message, fields, stack) may contain the input or
 *      any part of it: only lengths, positions and versions.
 */
export class InvalidCardPayloadError extends Error {
  override readonly name = "InvalidCardPayloadError";
  /** What was wrong, machine-readable. */
  readonly reason: InvalidCardPayloadReason;
  /** What is wrong, in a few words. */
  readonly shortMessage: string;
  /** What to do next. */
  readonly details: string;
  /** 1-based position of the offending character (for `reason: "character"`), else undefined. */
  readonly position: number | undefined;

  constructor({ reason, shortMessage, details, position }: InvalidCardPayloadErrorParameters) {
    super(`${shortMessage}: ${details}`);
    this.reason = reason;
    this.shortMessage = shortMessage;
    this.details = details;
    this.position = position;
  }
}
