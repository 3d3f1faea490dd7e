import type { CliCommand } from "../CliCommand.js";

/** The order commands. */
export const ORDER_COMMANDS: readonly CliCommand[] = [];
