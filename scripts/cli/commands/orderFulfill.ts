import { approveEscrowOperator } from "../chain/approveEscrowOperator.js";
import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { findOrder } from "../chain/findOrder.js";
import { readChain } from "../chain/readChain.js";
import { describeLot, readBatch, readLotRun } from "../chain/readCustody.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError } from "../CliError.js";
import { parseInteger, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { formatTime, parseOrderIdArgument } from "./orderArguments.js";

/** `cardproof order fulfill`: the supplier delivers the ordered lot through the escrow. */
export const orderFulfillCommand: CliCommand = {
  path: ["order", "fulfill"],
  summary: "deliver an order's cards to its buyer through the escrow (the supplier)",
  usage: `Usage: cardproof order fulfill <order-id> --start <serial>

  --start <serial>   first card of the lot to deliver; the order's quantity of consecutive cards
                     from there, all held by you, unused and unrevoked

The escrow moves the lot to the buyer in the same transaction that marks the order delivered,
so it must be your operator for the batch: if it is not yet, the CLI approves it first (one
transaction per batch).`,
  options: { start: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const orderId = parseOrderIdArgument(positionals, "cardproof order fulfill 0x… --start 0");
    const start = parseInteger("--start", requiredString(values, "start", "0"), { max: 2 ** 32 - 2 });
    const ctx = await context();
    const deployment = await ctx.deployment();
    const { registry, escrow } = deployment;
    const found = await findOrder(ctx, deployment, orderId);
    const { order } = found;
    const supplier = await readSignerAddress(ctx);
    if (supplier !== order.supplier) {
      throw new CliError(`order ${orderId} is to be delivered by its supplier ${order.supplier}, not ${supplier}`, {
        hint: "sign with the supplier's key",
      });
    }
    if (found.status !== "Open") {
      throw new CliError(`order ${orderId} is ${found.status}: only an Open order can be delivered`, {
        hint: `\`cardproof order show ${orderId}\` shows the order`,
      });
    }
    const lot = { start, end: start + order.quantity };
    const serials = describeLot(lot.start, lot.end);
    const batch = await readBatch(ctx, registry, order.batchId);
    const run = await readLotRun(
      ctx,
      registry,
      batch,
      lot,
      `an order's ${order.quantity} cards must be one lot you hold: pick another --start`,
    );
    if (run.holder !== supplier) {
      throw new CliError(
        `cards ${serials} of batch ${order.batchId} are held by ${run.holder}, not by you (${supplier})`,
        {
          hint: "deliver a lot you hold: pick another --start (`cardproof status <batch-id>/<serial>` shows a card's holder)",
        },
      );
    }

    const approvedNow = await approveEscrowOperator(ctx, output, {
      registry,
      escrow,
      holder: supplier,
      batchId: order.batchId,
      purpose: "deliver the lot",
    });
    const receipt = await sendContractTransaction(ctx, {
      address: escrow,
      abi: escrowCallAbi,
      functionName: "fulfill",
      args: [order, start, run.hint],
      action: `deliver cards ${serials} of batch ${order.batchId} for order ${orderId}`,
    });
    const state = await readChain(ctx, `read order ${orderId}`, () =>
      ctx.client.readContract({ address: escrow, abi: escrowCallAbi, functionName: "orderStateOf", args: [orderId] }),
    );
    output.result(
      {
        orderId,
        batchId: order.batchId,
        serials,
        start: lot.start,
        end: lot.end,
        buyer: order.buyer,
        releaseAt: state.releaseAt,
        escrowApproved: approvedNow,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `delivered cards ${serials} of batch ${order.batchId} to ${order.buyer} for order ${orderId}`,
        `  the buyer may dispute until ${formatTime(state.releaseAt)}; the payment is released after that or when the buyer confirms`,
      ],
    );
  },
};
