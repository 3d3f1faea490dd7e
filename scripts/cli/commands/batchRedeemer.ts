import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { parseBatchId } from "../chain/parseBatchId.js";
import { readChain } from "../chain/readChain.js";
import { readBatch } from "../chain/readCustody.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import { optionalString, parseAddress } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/** `cardproof batch redeemer`: the issuer names or removes who may redeem the batch's cards. */
export const batchRedeemerCommand: CliCommand = {
  path: ["batch", "redeemer"],
  summary: "allow or stop an account redeeming a batch's cards (the batch's issuer)",
  usage: `Usage: cardproof batch redeemer <batch-id> --add <address>
       cardproof batch redeemer <batch-id> --remove <address>

  --add <address>     may redeem the batch's cards from now on (a game studio, telco, gate)
  --remove <address>  may no longer redeem them

Nothing is sent when the account already has the asked-for permission.`,
  options: { add: { type: "string" }, remove: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const example = "cardproof batch redeemer 4294967297 --add 0x…";
    if (positionals.length !== 1) throw usageError("give the batch id", example);
    const batchId = parseBatchId("the batch id", positionals[0]!);
    const add = optionalString(values, "add");
    const remove = optionalString(values, "remove");
    if ((add === undefined) === (remove === undefined)) throw usageError("give either --add or --remove", example);
    const allowed = add !== undefined;
    const redeemer = parseAddress(allowed ? "--add" : "--remove", (add ?? remove)!);

    const ctx = await context();
    const { registry } = await ctx.deployment();
    const batch = await readBatch(ctx, registry, batchId);
    const signer = await readSignerAddress(ctx);
    if (batch.issuer !== signer) {
      throw new CliError(`only batch ${batchId}'s issuer ${batch.issuer} names its redeemers, not ${signer}`, {
        hint: "sign with the issuer's key (CARDPROOF_PRIVATE_KEY)",
      });
    }
    const current = await readChain(ctx, `read the redeemers of batch ${batchId}`, () =>
      ctx.client.readContract({
        address: registry,
        abi: voucherRegistryAbi,
        functionName: "isRedeemer",
        args: [batchId, redeemer],
      }),
    );
    const data = { batchId, redeemer, allowed };
    if (current === allowed) {
      output.result({ ...data, changed: false }, [
        `${redeemer} ${allowed ? "is already" : "is not"} a redeemer of batch ${batchId}: nothing to do`,
      ]);
      return;
    }
    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "setRedeemer",
      args: [batchId, redeemer, allowed],
      action: `${allowed ? "allow" : "stop"} ${redeemer} ${allowed ? "to redeem" : "redeeming"} cards of batch ${batchId}`,
    });
    output.result({ ...data, changed: true, transaction: receipt.transactionHash, blockNumber: receipt.blockNumber }, [
      `${redeemer} ${allowed ? "may now redeem" : "may no longer redeem"} cards of batch ${batchId}`,
      `  transaction ${receipt.transactionHash} (block ${receipt.blockNumber})`,
    ]);
  },
};
