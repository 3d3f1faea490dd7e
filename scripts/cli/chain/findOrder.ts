import { getAbiItem, type Hex } from "viem";

import { computeOrderId, type EscrowOrder } from "../../lib/orderId.js";
import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import type { Deployment } from "../deploymentFile.js";
import { readChain } from "./readChain.js";

/** Order statuses, by their number in `ISettlementEscrow.OrderStatus`. */
export const ORDER_STATUS_NAMES = [
  "None",
  "Open",
  "Fulfilled",
  "Disputed",
  "Released",
  "Resolved",
  "Refunded",
] as const;

export type OrderStatusName = (typeof ORDER_STATUS_NAMES)[number];

/** An order's terms (from its `OrderOpened` log, checked against its id) and stored state. */
export type FoundOrder = {
  orderId: Hex;
  order: EscrowOrder;
  amount: bigint;
  status: OrderStatusName;
  /** End of the challenge window once fulfilled (Unix seconds), else 0. */
  releaseAt: number;
  /** Once disputed: until when the arbiter may rule (Unix seconds), else 0. */
  disputeDeadline: number;
  /** Once fulfilled: the first delivered serial. */
  lotStart: number;
  /** Once disputed: the lowest serial the buyer may still return. */
  returnFrom: number;
  /** Delivered cards the buyer gave back. */
  returned: number;
  /** Block whose `OrderOpened` log holds the terms. */
  openedAt: bigint;
};

const ORDER_OPENED = getAbiItem({ abi: settlementEscrowAbi, name: "OrderOpened" });

/**
 * Finds order `orderId` on the deployment's escrow: its state from `orderStateOf`, its terms from
 * the `OrderOpened` log in the block the state names (one block: no log range to page through),
 * checked to hash to the id, since every escrow call after `open` passes the terms again.
 *
 * @throws {CliError} when the escrow has no such order, or the log is missing or does not match
 *         (a node that dropped logs, or a reorg under the order).
 */
export async function findOrder(ctx: CliContext, deployment: Deployment, orderId: Hex): Promise<FoundOrder> {
  const { escrow } = deployment;
  const state = await readChain(ctx, `read order ${orderId}`, () =>
    ctx.client.readContract({
      address: escrow,
      abi: settlementEscrowAbi,
      functionName: "orderStateOf",
      args: [orderId],
    }),
  );
  if (state.status === 0) {
    throw new CliError(`order ${orderId} does not exist on the escrow ${escrow}`, {
      hint: "check the order id (`cardproof order open` prints it) and that --deployment names the escrow it was opened on",
    });
  }
  const logs = await readChain(ctx, `read the terms of order ${orderId}`, () =>
    ctx.client.getLogs({
      address: escrow,
      event: ORDER_OPENED,
      args: { orderId },
      fromBlock: state.openedAt,
      toBlock: state.openedAt,
      strict: true,
    }),
  );
  const log = logs.find((entry) => entry.args.orderId === orderId);
  const order = log?.args.order;
  if (log === undefined || order === undefined || computeOrderId({ chainId: ctx.chainId, escrow, order }) !== orderId) {
    throw new CliError(
      `the terms of order ${orderId} are not in block ${state.openedAt}, where the escrow says it opened`,
      {
        hint: "the node may have pruned its logs or the chain reorganised: try again, or use an archive node with --rpc-url",
      },
    );
  }
  return {
    orderId,
    order: { ...order },
    amount: log.args.amount,
    status: ORDER_STATUS_NAMES[state.status] ?? "None",
    releaseAt: state.releaseAt,
    disputeDeadline: state.disputeDeadline,
    lotStart: state.lotStart,
    returnFrom: state.returnFrom,
    returned: state.returned,
    openedAt: state.openedAt,
  };
}
