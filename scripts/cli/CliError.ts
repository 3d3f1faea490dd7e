/**
 * An error the CLI reports to its user: `message` says what went wrong in one line, `hint` what to
 * do next. Anything else that escapes a command is a bug and is reported with its stack.
 */
export class CliError extends Error {
  override name = "CliError";
  readonly hint: string | undefined;
  /**
   * 1 for a failed operation, 2 for a command line that could not be understood; a command may
   * define its own (the auditor: 2 when it could not complete).
   */
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A command line the CLI cannot understand (unknown option, missing or malformed value): exit code 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: 2, ...(hint === undefined ? {} : { hint }) });
}
