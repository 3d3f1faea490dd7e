import type { FoundOrder, OrderStatusName } from "../chain/findOrder.js";
import { readChainTime } from "../chain/readChainTime.js";
import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { nextOrderStep } from "./orderNextStep.js";

/**
 * Refuses, before anything is signed, a step the order's status does not allow, saying what the
 * order is waiting for instead (the escrow would revert with `SettlementEscrowUnexpectedStatus`).
 */
export async function expectOrderStatus(
  ctx: CliContext,
  found: FoundOrder,
  step: string,
  allowed: readonly OrderStatusName[],
): Promise<void> {
  if (allowed.includes(found.status)) return;
  throw new CliError(`order ${found.orderId} is ${found.status}: only ${allowed.join(" or ")} orders can be ${step}`, {
    hint: `next: ${nextOrderStep(found, await readChainTime(ctx))}`,
  });
}
