import type { Abi, ContractFunctionArgs, ContractFunctionName, Address, TransactionReceipt, Hex } from "viem";

import { CliError } from "./CliError.js";
import type { CliContext } from "./createCliContext.js";
import { explainContractError } from "./explainContractError.js";
import { noteTransaction } from "./interruption.js";

/** One contract call to send: what, to whom, and in words (for progress and errors). */
export type ContractCall<TAbi extends Abi, TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">> = {
  address: Address;
  abi: TAbi;
  functionName: TName;
  args: ContractFunctionArgs<TAbi, "nonpayable" | "payable", TName>;
  /** What the call does, as a verb phrase: "transfer cards 0-99 to 0xabc…". */
  action: string;
};

/**
 * Simulates the call first (so a revert is explained with the contract's own custom error before
 * anything is signed), sends it, and waits for `ctx.confirmations` blocks after its own.
 *
 * @throws {CliError} with the contract's reason in plain words, an unreachable node, or a
 *         transaction that reverted after all (the chain moved between simulation and inclusion).
 */
export async function sendContractTransaction<
  const TAbi extends Abi,
  TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">,
>(ctx: CliContext, call: ContractCall<TAbi, TName>): Promise<TransactionReceipt> {
  const { wallet, account } = await ctx.signer();
  let hash: Hex;
  try {
    const { request } = await ctx.client.simulateContract({
      account,
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
    } as never);
    hash = await wallet.writeContract(request as never);
    noteTransaction(call.action, `sent in ${hash}, maybe not mined yet`);
  } catch (error) {
    throw explainContractError(error, call.action, ctx.rpcUrl);
  }
  return await waitForReceipt(ctx, hash, call.action);
}

/** Waits for a sent transaction with a progress line; a revert becomes a {@link CliError}. */
export async function waitForReceipt(ctx: CliContext, hash: Hex, action: string): Promise<TransactionReceipt> {
  const progress = ctx.output.progress(`waiting for ${action} (${hash.slice(0, 10)}…)`, ctx.confirmations, "blocks");
  let receipt: TransactionReceipt;
  try {
    receipt = await ctx.client.waitForTransactionReceipt({
      hash,
      confirmations: ctx.confirmations,
      timeout: 10 * 60_000,
      onReplaced: () => undefined,
    });
  } catch (error) {
    throw explainContractError(error, action, ctx.rpcUrl);
  }
  progress.finish();
  noteTransaction(action, receipt.status === "success" ? `done in block ${receipt.blockNumber}` : "reverted");
  if (receipt.status !== "success") {
    throw new CliError(`could not ${action}: transaction ${hash} reverted in block ${receipt.blockNumber}`, {
      hint: "the chain changed between the check and the transaction; run the command again",
    });
  }
  return receipt;
}
