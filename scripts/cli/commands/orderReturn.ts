import { approveEscrowOperator } from "../chain/approveEscrowOperator.js";
import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { findOrder } from "../chain/findOrder.js";
import { readChain } from "../chain/readChain.js";
import { describeLot, readBatch, readLotRun } from "../chain/readCustody.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError } from "../CliError.js";
import { optionalString, parseInteger } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { formatTime, parseOrderIdArgument } from "./orderArguments.js";
import { expectOrderStatus } from "./orderExpectStatus.js";

/** `cardproof order return`: the buyer of a disputed order gives delivered cards back through the escrow. */
export const orderReturnCommand: CliCommand = {
  path: ["order", "return"],
  summary: "give a disputed order's cards back to the supplier, so a ruling can refund them (the buyer)",
  usage: `Usage: cardproof order return <order-id> [--start <serial>] [--end <serial>]

  --start <serial>   first card to give back (default: the first not yet returned)
  --end <serial>     one past the last card to give back (default: the end of the delivered lot)

A refund of delivered cards pays only for cards that came back unredeemed: the escrow moves them
from you to the supplier through the registry, so it must be your operator for the batch (the
CLI approves it first if not). Cards you skip (redeemed or passed on) cannot be returned later.`,
  options: { start: { type: "string" }, end: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const orderId = parseOrderIdArgument(positionals, "cardproof order return 0x…");
    const startText = optionalString(values, "start");
    const endText = optionalString(values, "end");
    const ctx = await context();
    const deployment = await ctx.deployment();
    const { registry, escrow } = deployment;
    const found = await findOrder(ctx, deployment, orderId);
    const { order } = found;
    await expectOrderStatus(ctx, found, "returned", ["Disputed"]);
    const buyer = await readSignerAddress(ctx);
    if (buyer !== order.buyer) {
      throw new CliError(`only the buyer ${order.buyer} of order ${orderId} can return its cards, not ${buyer}`, {
        hint: "sign with the buyer's key",
      });
    }
    const lotEnd = found.lotStart + order.quantity;
    const start = startText === undefined ? found.returnFrom : parseInteger("--start", startText, { max: 2 ** 32 - 2 });
    const end = endText === undefined ? lotEnd : parseInteger("--end", endText, { max: 2 ** 32 - 1 });
    if (start < found.returnFrom || start >= end || end > lotEnd) {
      throw new CliError(
        `cards [${start}, ${end}) are not a part of the delivered lot still to return, [${found.returnFrom}, ${lotEnd})`,
        { exitCode: 2, hint: `pick --start and --end within [${found.returnFrom}, ${lotEnd})` },
      );
    }
    const lot = { start, end };
    const serials = describeLot(start, end);
    const batch = await readBatch(ctx, registry, order.batchId);
    const run = await readLotRun(ctx, registry, batch, lot, "return only cards you still hold");
    if (run.holder !== buyer) {
      throw new CliError(`cards ${serials} of batch ${order.batchId} are held by ${run.holder}, not by you`, {
        hint: "return only cards you still hold: pick another --start/--end",
      });
    }
    const approvedNow = await approveEscrowOperator(ctx, output, {
      registry,
      escrow,
      holder: buyer,
      batchId: order.batchId,
      purpose: "return the cards",
    });
    const receipt = await sendContractTransaction(ctx, {
      address: escrow,
      abi: escrowCallAbi,
      functionName: "returnCards",
      args: [order, start, end, run.hint],
      action: `return cards ${serials} of batch ${order.batchId} for order ${orderId}`,
    });
    const state = await readChain(ctx, `read order ${orderId}`, () =>
      ctx.client.readContract({ address: escrow, abi: escrowCallAbi, functionName: "orderStateOf", args: [orderId] }),
    );
    output.result(
      {
        orderId,
        batchId: order.batchId,
        serials,
        start,
        end,
        supplier: order.supplier,
        returned: state.returned,
        disputeDeadline: state.disputeDeadline,
        escrowApproved: approvedNow,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `returned cards ${serials} of batch ${order.batchId} to ${order.supplier} for order ${orderId}`,
        `  ${state.returned} of ${order.quantity} cards are back; a ruling refunds you at most their price`,
        `  the arbiter rules until ${formatTime(state.disputeDeadline)}, then anyone ends the dispute by the policy's rule`,
      ],
    );
  },
};
