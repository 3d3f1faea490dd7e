import type { CliCommand } from "../CliCommand.js";

/** The batch commands. */
export const BATCH_COMMANDS: readonly CliCommand[] = [];
