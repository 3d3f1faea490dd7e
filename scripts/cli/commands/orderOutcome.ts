import { parseEventLogs, type TransactionReceipt } from "viem";

import type { EscrowOrder } from "../../lib/orderId.js";
import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { formatTokenAmount, type TokenView } from "../chain/readToken.js";

/** Who was credited how much by a settling transaction, from the escrow's events in its receipt. */
export type OrderOutcome = {
  /** The status the order reached. */
  status: "Released" | "Resolved" | "Refunded";
  supplierAmount: bigint;
  buyerAmount: bigint;
  platformFee: bigint;
  fundFee: bigint;
};

/**
 * The settlement event of `order` in `receipt` (confirm, release, resolve or a refund), as amounts
 * and a line for people; undefined when the receipt holds none.
 */
export function readOrderOutcome(
  receipt: TransactionReceipt,
  orderId: string,
  order: EscrowOrder,
  token: TokenView,
): { outcome: OrderOutcome; line: string } | undefined {
  const amount = (value: bigint) => formatTokenAmount(value, token);
  for (const log of parseEventLogs({ abi: settlementEscrowAbi, logs: receipt.logs })) {
    if (!("orderId" in log.args) || log.args.orderId !== orderId) continue;
    switch (log.eventName) {
      case "OrderConfirmed":
      case "OrderReleased": {
        const { supplierAmount, platformFee, fundFee } = log.args;
        return {
          outcome: { status: "Released", supplierAmount, buyerAmount: 0n, platformFee, fundFee },
          line: `credited the supplier ${order.supplier} with ${amount(supplierAmount)} (fee ${amount(platformFee + fundFee)})`,
        };
      }
      case "OrderResolved": {
        const { buyerAmount, supplierAmount, platformFee, fundFee } = log.args;
        return {
          outcome: { status: "Resolved", supplierAmount, buyerAmount, platformFee, fundFee },
          line:
            `credited the buyer ${order.buyer} with ${amount(buyerAmount)} and the supplier ${order.supplier} ` +
            `with ${amount(supplierAmount)} (fee ${amount(platformFee + fundFee)})`,
        };
      }
      case "OrderRefunded":
        return {
          outcome: {
            status: "Refunded",
            supplierAmount: 0n,
            buyerAmount: log.args.amount,
            platformFee: 0n,
            fundFee: 0n,
          },
          line: `credited the buyer ${order.buyer} with the whole ${amount(log.args.amount)}`,
        };
      default:
        continue;
    }
  }
  return undefined;
}
