import type { CliCommand } from "../CliCommand.js";
import { deployCommand } from "./deploy.js";
import { issuerRegisterCommand } from "./issuerRegister.js";

/** Every command, in the order `cardproof --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [deployCommand, issuerRegisterCommand];
