import type { CliCommand } from "../CliCommand.js";
import { AUDIT_COMMANDS } from "./auditCommands.js";
import { BATCH_COMMANDS } from "./batchCommands.js";
import { CUSTODY_COMMANDS } from "./custodyCommands.js";
import { deployCommand } from "./deploy.js";
import { issuerRegisterCommand } from "./issuerRegister.js";
import { issuerRotateCommand } from "./issuerRotate.js";
import { ORDER_COMMANDS } from "./orderCommands.js";

/** Every command, in the order `cardproof --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  deployCommand,
  issuerRegisterCommand,
  issuerRotateCommand,
  ...BATCH_COMMANDS,
  ...CUSTODY_COMMANDS,
  ...ORDER_COMMANDS,
  ...AUDIT_COMMANDS,
];
