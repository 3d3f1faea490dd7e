import type { CliCommand } from "../CliCommand.js";
import { auditCommand } from "./audit.js";
import { auditCardCommand } from "./auditCard.js";

/** The audit commands: the whole system, and one card's verified history. */
export const AUDIT_COMMANDS: readonly CliCommand[] = [auditCommand, auditCardCommand];
