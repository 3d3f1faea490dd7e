/** What was wrong with the input, for callers that react per case (e.g. highlight a character). */
export type InvalidCodeReason = "empty" | "length" | "character" | "checkCharacter";

/** Parameters of {@link InvalidCodeError}. */
export type InvalidCodeErrorParameters = {
  reason: InvalidCodeReason;
  /** What is wrong, e.g. "the code has 19 characters but needs 20". */
  shortMessage: string;
  /** What the person should do next, e.g. "check the scratch panel for a missing character". */
  details: string;
  /** 1-based position of the offending character, counted without spaces and dashes. */
  position?: number;
};

/**
 * A typed or scanned code cannot be a card's code. A user error, not retryable as is: show the
 * message, which says what to check on the card, and let the person type the code again.
 *
 * @dev SECURITY: codes are secrets that must never reach logs. Nothing in this error (message,
 *      fields, stack) may contain the input or any part of it: only lengths and positions.
 */
export class InvalidCodeError extends Error {
  override readonly name = "InvalidCodeError";
  /** What was wrong, machine-readable. */
  readonly reason: InvalidCodeReason;
  /** What is wrong, in a few words. */
  readonly shortMessage: string;
  /** What to do next. */
  readonly details: string;
  /** 1-based position of the offending character (for `reason: "character"`), else undefined. */
  readonly position: number | undefined;

  constructor({ reason, shortMessage, details, position }: InvalidCodeErrorParameters) {
    super(`${shortMessage}: ${details}`);
    this.reason = reason;
    this.shortMessage = shortMessage;
    this.details = details;
    this.position = position;
  }
}
