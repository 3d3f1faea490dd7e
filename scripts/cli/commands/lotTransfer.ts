import { describeRevokeReason } from "../../lib/revokeReasons.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { describeLot, readBatch, readLotRun } from "../chain/readCustody.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import { optionalString, parseAddress, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { parseLotArguments } from "./lotArguments.js";

/** `cardproof lot transfer`: a holder (or its operator) moves a lot of cards to a new holder. */
export const lotTransferCommand: CliCommand = {
  path: ["lot", "transfer"],
  summary: "move a lot of cards to a new holder (the holder, or its approved operator)",
  usage: `Usage: cardproof lot transfer <batch-id> <serials> --to <address> [--from <address>]

  <serials>          one card (7) or a range, both ends included (0-999)
  --to <address>     the new holder
  --from <address>   the current holder, when you move its cards as its approved operator
                     (default: you, the signer)

The cards must have one holder (a lot may span several custody runs): \`cardproof status <batch-id>/<serial>\`
shows a card's holder and lot. Revoked or expired cards cannot move.`,
  options: { to: { type: "string" }, from: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const lot = parseLotArguments(positionals, "cardproof lot transfer 4294967297 0-999 --to 0x…");
    const to = parseAddress("--to", requiredString(values, "to", "0x…"));
    const fromText = optionalString(values, "from");
    const ctx = await context();
    const { registry } = await ctx.deployment();
    const signer = await readSignerAddress(ctx);
    const from = fromText === undefined ? signer : parseAddress("--from", fromText);
    if (to === from) throw usageError(`--to is the current holder ${from}`, "name the new holder with --to");

    const serials = describeLot(lot.start, lot.end);
    const batch = await readBatch(ctx, registry, lot.batchId);
    const run = await readLotRun(ctx, registry, batch, lot);
    if (run.holder !== from) {
      throw new CliError(`cards ${serials} of batch ${lot.batchId} are held by ${run.holder}, not by ${from}`, {
        hint:
          run.holder === signer
            ? "leave out --from: you hold them"
            : "sign with the holder's key, or pass --from <holder> if the holder approved you as its operator",
      });
    }
    if (run.revoked) {
      throw new CliError(
        `cards ${serials} of batch ${lot.batchId} are revoked (${describeRevokeReason(run.revokeReason)}): they can no longer move`,
      );
    }

    output.info(`transferring cards ${serials} of batch ${lot.batchId} from ${from} to ${to}`);
    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "transferLot",
      args: [lot.batchId, from, to, lot.start, lot.end, run.hint],
      action: `transfer cards ${serials} of batch ${lot.batchId} to ${to}`,
    });
    output.result(
      {
        batchId: lot.batchId,
        serials,
        start: lot.start,
        end: lot.end,
        count: lot.end - lot.start,
        from,
        to,
        operator: signer,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `transferred ${lot.end - lot.start} card${lot.end - lot.start === 1 ? "" : "s"} (${serials}) of batch ${lot.batchId} to ${to}`,
        `  transaction ${receipt.transactionHash} (block ${receipt.blockNumber})`,
      ],
    );
  },
};
