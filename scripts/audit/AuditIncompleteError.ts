/**
 * The audit could not finish, so it cannot say whether the system is consistent (exit code 2):
 * the node failed, the chain reorganised under the audited block, a mirror could not be read.
 * `message` says what failed, `hint` what to do.
 */
export class AuditIncompleteError extends Error {
  override name = "AuditIncompleteError";
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
  }
}
