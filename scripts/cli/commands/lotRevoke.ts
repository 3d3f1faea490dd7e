import { describeRevokeReason, parseRevokeReason, REVOKE_REASON_NAMES } from "../../lib/revokeReasons.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { describeLot, readBatch, readLotRun } from "../chain/readCustody.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import { requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { parseLotArguments } from "./lotArguments.js";

/** `cardproof lot revoke`: the batch's issuer freezes a lot (stolen, lost…) wherever it is. */
export const lotRevokeCommand: CliCommand = {
  path: ["lot", "revoke"],
  summary: "freeze a lot of cards with a reason, e.g. stolen stock (the batch's issuer)",
  usage: `Usage: cardproof lot revoke <batch-id> <serials> --reason <reason>

  <serials>          one card (7) or a range, both ends included (500-599)
  --reason <reason>  ${REVOKE_REASON_NAMES.join(", ")}, or a code from 1 to 65535

Revoked cards can no longer move, be activated or be redeemed; cards already redeemed stay
Redeemed. Works while the registry is paused. The cards must form one custody lot.`,
  options: { reason: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const lot = parseLotArguments(positionals, "cardproof lot revoke 4294967297 500-599 --reason stolen");
    const reasonText = requiredString(values, "reason", "stolen");
    let reason: number;
    try {
      reason = parseRevokeReason(reasonText);
    } catch (error) {
      throw usageError(`--reason: ${(error as Error).message}, got "${reasonText}"`);
    }
    const reasonName = describeRevokeReason(reason);
    const ctx = await context();
    const { registry } = await ctx.deployment();
    const serials = describeLot(lot.start, lot.end);
    const batch = await readBatch(ctx, registry, lot.batchId);
    const signer = await readSignerAddress(ctx);
    if (batch.issuer !== signer) {
      throw new CliError(`only batch ${lot.batchId}'s issuer ${batch.issuer} can revoke its cards, not ${signer}`, {
        hint: "sign with the issuer's key (CARDPROOF_PRIVATE_KEY)",
      });
    }
    const run = await readLotRun(ctx, registry, batch, lot, undefined, { mixedHolders: true });
    if (run.revoked) {
      throw new CliError(
        `cards ${serials} of batch ${lot.batchId} are already revoked (${describeRevokeReason(run.revokeReason)})`,
      );
    }

    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "revokeLot",
      args: [lot.batchId, lot.start, lot.end, run.hint, reason],
      action: `revoke cards ${serials} of batch ${lot.batchId}`,
    });
    output.result(
      {
        batchId: lot.batchId,
        serials,
        start: lot.start,
        end: lot.end,
        count: lot.end - lot.start,
        reason,
        reasonName,
        holder: run.holder,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `revoked ${lot.end - lot.start} card${lot.end - lot.start === 1 ? "" : "s"} (${serials}) of batch ${lot.batchId}: ${reasonName}`,
        `  held by ${run.holder}; transaction ${receipt.transactionHash} (block ${receipt.blockNumber})`,
      ],
    );
  },
};
