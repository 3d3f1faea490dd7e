import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { findOrder } from "../chain/findOrder.js";
import { readToken } from "../chain/readToken.js";
import type { CliCommand } from "../CliCommand.js";
import { parseInteger, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { parseOrderIdArgument } from "./orderArguments.js";
import { expectOrderStatus } from "./orderExpectStatus.js";
import { readOrderOutcome } from "./orderOutcome.js";

/** `cardproof order resolve`: the order's arbiter splits a disputed order. */
export const orderResolveCommand: CliCommand = {
  path: ["order", "resolve"],
  summary: "split a disputed order between buyer and supplier (the order's arbiter)",
  usage: `Usage: cardproof order resolve <order-id> --buyer-share-bps <0..10000>

  --buyer-share-bps <n>   the buyer's share of the amount in basis points: 10000 refunds all,
                          0 pays the supplier all (less the fee on the supplier's part)

Signed by the arbiter of the policy the order was opened under.`,
  options: { "buyer-share-bps": { type: "string" } },
  async run({ values, positionals, output, context }) {
    const orderId = parseOrderIdArgument(positionals, "cardproof order resolve 0x… --buyer-share-bps 5000");
    const share = parseInteger("--buyer-share-bps", requiredString(values, "buyer-share-bps", "5000"), { max: 10_000 });
    const ctx = await context();
    const deployment = await ctx.deployment();
    const found = await findOrder(ctx, deployment, orderId);
    await expectOrderStatus(ctx, found, "resolved", ["Disputed"]);
    const token = await readToken(ctx, found.order.token);
    const receipt = await sendContractTransaction(ctx, {
      address: deployment.escrow,
      abi: escrowCallAbi,
      functionName: "resolve",
      args: [found.order, share],
      action: `resolve order ${orderId}`,
    });
    const settled = readOrderOutcome(receipt, orderId, found.order, token);
    output.result(
      {
        orderId,
        buyerShareBps: share,
        ...(settled === undefined ? { status: "Resolved" } : settled.outcome),
        token: token.address,
        symbol: token.symbol,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `order ${orderId}: resolved, ${share / 100}% to the buyer`,
        ...(settled === undefined ? [] : [`  ${settled.line}`]),
        "  payees withdraw their credit with `cardproof order withdraw`",
      ],
    );
  },
};
