import type { CliCommand } from "../CliCommand.js";
import { orderDisputeCommand } from "./orderDispute.js";
import { orderFulfillCommand } from "./orderFulfill.js";
import { orderOpenCommand } from "./orderOpen.js";
import { orderResolveCommand } from "./orderResolve.js";
import { orderReturnCommand } from "./orderReturn.js";
import { ORDER_SETTLE_COMMANDS } from "./orderSettle.js";
import { orderShowCommand } from "./orderShow.js";
import { orderWithdrawCommand } from "./orderWithdraw.js";
import { tokenBalanceCommand } from "./tokenBalance.js";
import { tokenMintCommand } from "./tokenMint.js";

/** The order commands (the escrow's lifecycle) and the stablecoin helpers they need. */
export const ORDER_COMMANDS: readonly CliCommand[] = [
  orderOpenCommand,
  orderFulfillCommand,
  ...ORDER_SETTLE_COMMANDS,
  orderDisputeCommand,
  orderReturnCommand,
  orderResolveCommand,
  orderWithdrawCommand,
  orderShowCommand,
  tokenMintCommand,
  tokenBalanceCommand,
];
