import type { FoundOrder } from "../chain/findOrder.js";
import { formatTime } from "./orderArguments.js";

/** What can happen next to an order, and with which command, judged by the chain's clock `now`. */
export function nextOrderStep({ orderId, status, order, releaseAt, disputeDeadline }: FoundOrder, now: number): string {
  switch (status) {
    case "Open":
      return now > order.fulfilDeadline
        ? `the deadline passed: anyone can refund the buyer with \`cardproof order refund ${orderId}\``
        : `the supplier delivers with \`cardproof order fulfill ${orderId} --start <serial>\`, or rejects it`;
    case "Fulfilled":
      return now >= releaseAt
        ? `the challenge window closed: anyone can pay the supplier with \`cardproof order release ${orderId}\``
        : `the buyer checks the cards and confirms (\`cardproof order confirm\`) or disputes (\`cardproof order dispute\`) before ${formatTime(releaseAt)}`;
    case "Disputed":
      return now >= disputeDeadline
        ? `the dispute deadline passed: anyone ends it by the policy's rule with \`cardproof order end-dispute ${orderId}\``
        : `the buyer returns the cards it wants refunded (\`cardproof order return ${orderId}\`); the arbiter decides with \`cardproof order resolve ${orderId} --buyer-share-bps <n>\` before ${formatTime(disputeDeadline)}; the buyer may still confirm`;
    default:
      return "settled: payees withdraw their credit with `cardproof order withdraw`";
  }
}
