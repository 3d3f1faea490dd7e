/** What a caller should do about an error, besides reading its message. */
export type ErrorOptions = {
  /** Longer explanation: what happened, with the values involved, and what to do next. */
  details?: string;
  /** The underlying error, kept for logs. */
  cause?: unknown;
  /** Whether trying the same thing again later can succeed (network faults, a lagging node). */
  retryable?: boolean;
};

/**
 * The one error base of the indexer. `shortMessage` says what failed in one line; `details` says
 * why and what to do next; `cause` keeps the underlying error. Subclasses name the situation
 * (`ConfigError`, `ReorgTooDeepError`, ...) and set `retryable`, so the sync loop knows whether to
 * wait and try again or to stop.
 */
export class BaseError extends Error {
  override name = "BaseError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly retryable: boolean;

  constructor(shortMessage: string, options: ErrorOptions = {}) {
    super(options.details === undefined ? shortMessage : `${shortMessage}\n\n${options.details}`, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}
