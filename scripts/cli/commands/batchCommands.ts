import type { CliCommand } from "../CliCommand.js";
import { batchMintCommand } from "./batchMint.js";
import { batchPrintCommand } from "./batchPrint.js";
import { batchPublishCommand } from "./batchPublish.js";

/** The batch commands: mint, print, publish. */
export const BATCH_COMMANDS: readonly CliCommand[] = [batchMintCommand, batchPrintCommand, batchPublishCommand];
