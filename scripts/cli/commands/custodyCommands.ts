import type { CliCommand } from "../CliCommand.js";

/** The custody commands. */
export const CUSTODY_COMMANDS: readonly CliCommand[] = [];
