import { BaseError } from "./BaseError.js";

/**
 * The indexer's configuration is invalid. Not retryable: fix the environment variable or the
 * config file named in the message, then start again.
 */
export class ConfigError extends BaseError {
  override name = "ConfigError";

  /** @param problems One line per invalid setting, each naming the variable and what it accepts. */
  constructor(readonly problems: readonly string[]) {
    super(`invalid indexer configuration (${problems.length} problem${problems.length === 1 ? "" : "s"})`, {
      details: `${problems.map((problem) => `- ${problem}`).join("\n")}\n\nSee server/README.md for every setting.`,
    });
  }
}
