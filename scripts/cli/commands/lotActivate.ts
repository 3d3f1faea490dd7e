import { describeRevokeReason } from "../../lib/revokeReasons.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { describeLot, readBatch, readLotRun } from "../chain/readCustody.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError } from "../CliError.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { parseLotArguments } from "./lotArguments.js";

/** `cardproof lot activate`: point-of-sale activation of a lot by its holder or operator. */
export const lotActivateCommand: CliCommand = {
  path: ["lot", "activate"],
  summary: "activate a lot of cards at the point of sale, so they can be redeemed (holder or operator)",
  usage: `Usage: cardproof lot activate <batch-id> <serials>

  <serials>   one card (7) or a range, both ends included (0-9)

Signed by the cards' holder or its approved operator. The cards must form one custody lot.`,
  options: {},
  async run({ positionals, output, context }) {
    const lot = parseLotArguments(positionals, "cardproof lot activate 4294967297 0-9");
    const ctx = await context();
    const { registry } = await ctx.deployment();
    const serials = describeLot(lot.start, lot.end);
    const batch = await readBatch(ctx, registry, lot.batchId);
    const run = await readLotRun(ctx, registry, batch, lot);
    if (run.revoked) {
      throw new CliError(
        `cards ${serials} of batch ${lot.batchId} are revoked (${describeRevokeReason(run.revokeReason)}): they cannot be activated`,
        { hint: "do not sell them; their issuer froze them" },
      );
    }
    if (run.activated) {
      throw new CliError(`cards ${serials} of batch ${lot.batchId} are already activated`, {
        hint: `\`cardproof status ${lot.batchId}/${lot.start}\` shows the card`,
      });
    }
    if (!batch.activationRequired) {
      output.warn(`batch ${lot.batchId} does not require activation: its cards are redeemable without it`);
    }

    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "activateLot",
      args: [lot.batchId, lot.start, lot.end, run.hint],
      action: `activate cards ${serials} of batch ${lot.batchId}`,
    });
    output.result(
      {
        batchId: lot.batchId,
        serials,
        start: lot.start,
        end: lot.end,
        count: lot.end - lot.start,
        holder: run.holder,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `activated ${lot.end - lot.start} card${lot.end - lot.start === 1 ? "" : "s"} (${serials}) of batch ${lot.batchId}, held by ${run.holder}`,
        `  transaction ${receipt.transactionHash} (block ${receipt.blockNumber})`,
      ],
    );
  },
};
