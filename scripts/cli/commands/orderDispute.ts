import { keccak256, stringToHex } from "viem";

import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { findOrder } from "../chain/findOrder.js";
import type { CliCommand } from "../CliCommand.js";
import { requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { parseOrderIdArgument } from "./orderArguments.js";
import { expectOrderStatus } from "./orderExpectStatus.js";

/** `cardproof order dispute`: the buyer contests a delivery inside the challenge window. */
export const orderDisputeCommand: CliCommand = {
  path: ["order", "dispute"],
  summary: "dispute a delivery inside its challenge window; the arbiter decides (the buyer)",
  usage: `Usage: cardproof order dispute <order-id> --reason <text>

  --reason <text>   what is wrong with the delivery; only its keccak256 goes on chain, so keep
                    the text to show the arbiter

The payment stays in the escrow until the order's arbiter resolves the dispute, or you confirm
the delivery after all.`,
  options: { reason: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const orderId = parseOrderIdArgument(
      positionals,
      'cardproof order dispute 0x… --reason "20 cards already redeemed"',
    );
    const reason = requiredString(values, "reason", '"20 cards already redeemed"');
    const reasonHash = keccak256(stringToHex(reason));
    const ctx = await context();
    const deployment = await ctx.deployment();
    const found = await findOrder(ctx, deployment, orderId);
    await expectOrderStatus(ctx, found, "disputed", ["Fulfilled"]);
    const receipt = await sendContractTransaction(ctx, {
      address: deployment.escrow,
      abi: escrowCallAbi,
      functionName: "dispute",
      args: [found.order, reasonHash],
      action: `dispute order ${orderId}`,
    });
    output.result(
      {
        orderId,
        status: "Disputed",
        reasonHash,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `order ${orderId}: disputed (reason hash ${reasonHash})`,
        "  the order's arbiter decides with `cardproof order resolve`; you may still confirm the delivery",
      ],
    );
  },
};
