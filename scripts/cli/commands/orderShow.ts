import { getAbiItem } from "viem";

import { decodeIssuerName } from "../../lib/issuerName.js";
import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { findLatestLog } from "../chain/findLatestLog.js";
import { findOrder } from "../chain/findOrder.js";
import { readChain } from "../chain/readChain.js";
import { readChainTime } from "../chain/readChainTime.js";
import { describeLot } from "../chain/readCustody.js";
import { formatTokenAmount, readToken } from "../chain/readToken.js";
import type { CliCommand } from "../CliCommand.js";
import { parseOrderIdArgument, formatTime, formatWindow } from "./orderArguments.js";
import { nextOrderStep } from "./orderNextStep.js";

const ORDER_FULFILLED = getAbiItem({ abi: settlementEscrowAbi, name: "OrderFulfilled" });

/** `cardproof order show`: an order's terms, state, money and deadlines. */
export const orderShowCommand: CliCommand = {
  path: ["order", "show"],
  summary: "show an order's terms, state, amount, deadlines and what can happen next",
  usage: `Usage: cardproof order show <order-id>

Reads the order's state from the escrow and its terms from the chain's log of its opening
(checked against the id), and the delivered lot once fulfilled.`,
  options: {},
  async run({ positionals, output, context }) {
    const orderId = parseOrderIdArgument(positionals, "cardproof order show 0x…");
    const ctx = await context();
    const deployment = await ctx.deployment();
    const found = await findOrder(ctx, deployment, orderId);
    const { order } = found;
    const [token, now, [policy, credits]] = await Promise.all([
      readToken(ctx, order.token),
      readChainTime(ctx),
      readChain(ctx, `read order ${orderId}'s policy`, () =>
        Promise.all([
          ctx.client.readContract({
            address: deployment.escrow,
            abi: settlementEscrowAbi,
            functionName: "policyOf",
            args: [order.policyId],
          }),
          Promise.all(
            [order.buyer, order.supplier].map((account) =>
              ctx.client.readContract({
                address: deployment.escrow,
                abi: settlementEscrowAbi,
                functionName: "creditOf",
                args: [account, order.token],
              }),
            ),
          ),
        ]),
      ),
    ]);
    const delivered = ["Fulfilled", "Disputed", "Released", "Resolved"].includes(found.status)
      ? await readChain(ctx, `find the delivery of order ${orderId}`, () =>
          findLatestLog(ctx.client, found.openedAt, (range) =>
            ctx.client.getLogs({
              address: deployment.escrow,
              event: ORDER_FULFILLED,
              args: { orderId },
              strict: true,
              ...range,
            }),
          ),
        )
      : undefined;
    const lot = delivered === undefined ? undefined : { start: delivered.args.start, end: delivered.args.end };
    const amount = (value: bigint) => formatTokenAmount(value, token);
    // `order open --ref` pads UTF-8 text to 32 bytes, as issuer names are: the same decoder reads it back.
    const buyerRef = decodeIssuerName(order.buyerRef);

    output.result(
      {
        orderId,
        status: found.status,
        ...order,
        buyerRefText: buyerRef ?? null,
        amount: found.amount,
        amountText: amount(found.amount),
        symbol: token.symbol,
        decimals: token.decimals,
        releaseAt: found.releaseAt === 0 ? null : found.releaseAt,
        disputeDeadline: found.disputeDeadline === 0 ? null : found.disputeDeadline,
        returned: found.returned,
        openedAt: found.openedAt,
        lot: lot === undefined ? null : { ...lot, serials: describeLot(lot.start, lot.end) },
        policy: {
          arbiter: policy.arbiter,
          feeBps: policy.feeBps,
          fundShareBps: policy.fundShareBps,
          disputeTimeout: policy.disputeTimeout,
          timeoutBuyerShareBps: policy.timeoutBuyerShareBps,
        },
        credits: { buyer: credits[0], supplier: credits[1] },
        chainTime: now,
        next: nextOrderStep(found, now),
      },
      [
        `order ${orderId}: ${found.status}`,
        `  ${order.quantity} cards of batch ${order.batchId} at ${amount(order.unitPrice)}: ${amount(found.amount)}`,
        `  buyer ${order.buyer}${buyerRef === undefined ? "" : ` (ref "${buyerRef}")`}`,
        `  supplier ${order.supplier}`,
        `  delivery by ${formatTime(order.fulfilDeadline)}; challenge window ${formatWindow(order.challengeWindow)}`,
        `  ${order.acceptActivated ? "activated cards accepted" : "inactive cards only"}` +
          (order.minValidity === 0 ? "" : `; valid at least ${formatWindow(order.minValidity)} after delivery`),
        ...(lot === undefined ? [] : [`  delivered cards ${describeLot(lot.start, lot.end)}`]),
        ...(found.releaseAt === 0 ? [] : [`  payment releasable from ${formatTime(found.releaseAt)}`]),
        ...(found.disputeDeadline === 0
          ? []
          : [
              `  disputed: the arbiter rules until ${formatTime(found.disputeDeadline)}; ${found.returned} of ${order.quantity} cards returned`,
            ]),
        `  policy #${order.policyId}: arbiter ${policy.arbiter}, fee ${policy.feeBps} bps`,
        `  escrow credit: buyer ${amount(credits[0]!)}, supplier ${amount(credits[1]!)}`,
        `  next: ${nextOrderStep(found, now)}`,
      ],
    );
  },
};
