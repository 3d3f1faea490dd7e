import { BaseError } from "../internal/BaseError.js";
import { API_ERRORS, type ApiErrorCode } from "./apiErrors.js";

/**
 * A request the API answers with an error: the HTTP status and stable code come from
 * {@link API_ERRORS}, the message says what to do next. Sent as
 * `{ "error": { "code": "…", "message": "…" } }`; 4xx are the client's to fix, never retried as is.
 *
 * @dev SECURITY: messages must never repeat what the client sent (a mistyped path or query may hold
 * a secret card code): name the parameter and the form it accepts, nothing else.
 */
export class ApiError extends BaseError {
  override name = "ApiError";
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers (`Retry-After`, `Allow`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, { retryable: API_ERRORS[code].status >= 500 || API_ERRORS[code].status === 429 });
    this.status = API_ERRORS[code].status;
  }
}
