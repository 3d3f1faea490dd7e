import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { findOrder, type OrderStatusName } from "../chain/findOrder.js";
import { readToken } from "../chain/readToken.js";
import type { CliCommand } from "../CliCommand.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { parseOrderIdArgument } from "./orderArguments.js";
import { expectOrderStatus } from "./orderExpectStatus.js";
import { readOrderOutcome } from "./orderOutcome.js";

/** The escrow functions that take nothing but the order's terms. */
type SettleFunction = "confirm" | "release" | "reject" | "cancel" | "refundExpired" | "resolveExpiredDispute";

type SettleSpec = {
  word: string;
  /** Statuses the escrow accepts the call in, and the participle for the refusal. */
  from: readonly OrderStatusName[];
  done: string;
  functionName: SettleFunction;
  summary: string;
  /** Who may call it and when, for the usage text. */
  rule: string;
  /** Verb phrase for progress and errors, with the order id appended. */
  action: string;
};

const SETTLE_SPECS: readonly SettleSpec[] = [
  {
    word: "confirm",
    from: ["Fulfilled", "Disputed"],
    done: "confirmed",
    functionName: "confirm",
    summary: "accept a delivery and release the payment to the supplier now (the buyer)",
    rule: "The buyer, once the order is delivered (also withdraws the buyer's own dispute).",
    action: "confirm the delivery of order",
  },
  {
    word: "release",
    from: ["Fulfilled"],
    done: "released",
    functionName: "release",
    summary: "release a delivered order's payment once its challenge window closed (anyone)",
    rule: "Anyone, once the challenge window after delivery has closed without a dispute.",
    action: "release the payment of order",
  },
  {
    word: "reject",
    from: ["Open"],
    done: "rejected",
    functionName: "reject",
    summary: "decline an open order; the buyer gets the whole amount back (the supplier)",
    rule: "The supplier, while the order is open (not yet delivered).",
    action: "reject order",
  },
  {
    word: "cancel",
    from: ["Open"],
    done: "cancelled",
    functionName: "cancel",
    summary: "withdraw an order the supplier did not deliver by its deadline (the buyer)",
    rule: "The buyer, after the delivery deadline of an order still open.",
    action: "cancel order",
  },
  {
    word: "refund",
    from: ["Open"],
    done: "refunded",
    functionName: "refundExpired",
    summary: "refund an order not delivered by its deadline to its buyer (anyone)",
    rule: "Anyone, after the delivery deadline of an order still open; the buyer is credited.",
    action: "refund order",
  },
  {
    word: "end-dispute",
    from: ["Disputed"],
    done: "ended by the policy's rule",
    functionName: "resolveExpiredDispute",
    summary: "settle a dispute the arbiter did not rule on by its deadline, by the policy's rule (anyone)",
    rule:
      "Anyone, once the dispute deadline passed. The policy's timeout rule splits the amount; the buyer\n" +
      "is refunded at most the price of the cards it returned (`cardproof order return`).",
    action: "end the dispute of order",
  },
];

/** `cardproof order confirm|release|reject|cancel|refund|end-dispute <order-id>`. */
export const ORDER_SETTLE_COMMANDS: readonly CliCommand[] = SETTLE_SPECS.map((spec): CliCommand => ({
  path: ["order", spec.word],
  summary: spec.summary,
  usage: `Usage: cardproof order ${spec.word} <order-id>

${spec.rule}
Payouts are credited in the escrow; each payee takes its credit with \`cardproof order withdraw\`.`,
  options: {},
  async run({ positionals, output, context }) {
    const orderId = parseOrderIdArgument(positionals, `cardproof order ${spec.word} 0x…`);
    const ctx = await context();
    const deployment = await ctx.deployment();
    const found = await findOrder(ctx, deployment, orderId);
    await expectOrderStatus(ctx, found, spec.done, spec.from);
    const token = await readToken(ctx, found.order.token);
    const receipt = await sendContractTransaction(ctx, {
      address: deployment.escrow,
      abi: escrowCallAbi,
      functionName: spec.functionName,
      args: [found.order],
      action: `${spec.action} ${orderId}`,
    });
    const settled = readOrderOutcome(receipt, orderId, found.order, token);
    output.result(
      {
        orderId,
        action: spec.word,
        status: settled?.outcome.status ?? null,
        ...(settled === undefined ? {} : settled.outcome),
        token: token.address,
        symbol: token.symbol,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `order ${orderId}: ${settled?.outcome.status.toLowerCase() ?? "done"}`,
        ...(settled === undefined ? [] : [`  ${settled.line}`]),
        "  payees withdraw their credit with `cardproof order withdraw`",
      ],
    );
  },
}));
