import type { CliCommand } from "../CliCommand.js";
import { batchRedeemerCommand } from "./batchRedeemer.js";
import { lotActivateCommand } from "./lotActivate.js";
import { lotRevokeCommand } from "./lotRevoke.js";
import { lotTransferCommand } from "./lotTransfer.js";
import { redeemCommand } from "./redeem.js";
import { statusCommand } from "./status.js";

/** The custody commands: lots, redeemers, redemption, a card's status. */
export const CUSTODY_COMMANDS: readonly CliCommand[] = [
  batchRedeemerCommand,
  lotTransferCommand,
  lotActivateCommand,
  lotRevokeCommand,
  redeemCommand,
  statusCommand,
];
