import type { CliCommand } from "../CliCommand.js";

/** The audit commands. */
export const AUDIT_COMMANDS: readonly CliCommand[] = [];
