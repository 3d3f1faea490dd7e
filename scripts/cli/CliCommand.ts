import type { ParseArgsOptionsConfig } from "node:util";

import type { CliContext } from "./createCliContext.js";
import type { CliOutput } from "./createOutput.js";
import type { OptionValues } from "./parseOptionValue.js";

/** What a command receives: its own options, its positional arguments, and the chain. */
export type CommandInput = {
  values: OptionValues;
  positionals: string[];
  output: CliOutput;
  /** Connects on first call (commands that only read local files never touch the chain). */
  context(): Promise<CliContext>;
};

/** One CLI command, e.g. `batch mint`. */
export type CliCommand = {
  /** Words that select it: ["batch", "mint"]. */
  path: readonly string[];
  /** One line for `cardproof --help`. */
  summary: string;
  /** Arguments and options, for `cardproof <command> --help`. */
  usage: string;
  /** The command's own options; the global ones (--rpc-url, --json, …) are added by the CLI. */
  options: ParseArgsOptionsConfig;
  /**
   * Runs the command; reports through `input.output`, throws {@link CliError} on failure. May
   * return its own exit code (the auditor's 1 for findings); 0 otherwise.
   */
  run(input: CommandInput): Promise<number | void>;
};
