import type { Address } from "viem";

import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import type { CliContext } from "../createCliContext.js";
import type { CliOutput } from "../createOutput.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { readChain } from "./readChain.js";

/**
 * Makes the escrow an operator of `holder`'s cards of `batchId` when it is not one yet, so that it
 * can move them in the escrow call that follows (a supplier's delivery, a buyer's return). Says so
 * before sending the approval; sends nothing when the escrow is approved already.
 *
 * @returns Whether an approval was sent now.
 *
 * @param purpose What the escrow will do with the cards, for the message ("deliver the lot").
 */
export async function approveEscrowOperator(
  ctx: CliContext,
  output: CliOutput,
  {
    registry,
    escrow,
    holder,
    batchId,
    purpose,
  }: {
    registry: Address;
    escrow: Address;
    holder: Address;
    batchId: bigint;
    purpose: string;
  },
): Promise<boolean> {
  const approved = await readChain(ctx, "read the escrow's approval", () =>
    ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "isApprovedOperator",
      args: [holder, batchId, escrow],
    }),
  );
  if (approved) return false;
  output.info(`approving the escrow as your operator for batch ${batchId}, so it can ${purpose}`);
  await sendContractTransaction(ctx, {
    address: registry,
    abi: voucherRegistryAbi,
    functionName: "setApprovalForBatch",
    args: [batchId, escrow, true],
    action: `approve the escrow as operator for batch ${batchId}`,
  });
  return true;
}
