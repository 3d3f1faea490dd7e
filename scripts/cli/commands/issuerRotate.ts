import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import type { CliCommand } from "../CliCommand.js";
import { usageError } from "../CliError.js";
import { parseAddress, parseInteger, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/**
 * `cardproof issuer rotate`: the registry admin moves an issuer to a new key (lost or compromised
 * key). The issuer id, its role, profile, batch powers and untouched stock follow the new account.
 */
export const issuerRotateCommand: CliCommand = {
  path: ["issuer", "rotate"],
  summary: "move an issuer (id, role, batches, untouched stock) to a new key (registry admin)",
  usage: `Usage: cardproof issuer rotate <issuer id> --to <new address>

  --to <address>  the issuer's new account; it must not be an issuer already

The old key loses every issuer power at once. Lots stored under the old address (cards the issuer
had received back or split off) stay there; the new key can revoke them with 'cardproof lot revoke'.`,
  options: { to: { type: "string" } },
  async run({ values, positionals, output, context }) {
    if (positionals.length !== 1) throw usageError("give the issuer id", "cardproof issuer rotate 1 --to 0x…");
    const issuerId = parseInteger("the issuer id", positionals[0]!, { min: 1, max: 2 ** 24 - 1 });
    const newAccount = parseAddress("--to", requiredString(values, "to", "0x…"));
    const ctx = await context();
    const { registry } = await ctx.deployment();
    const previous = await ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "issuerAccount",
      args: [issuerId],
    });
    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "rotateIssuerKey",
      args: [issuerId, newAccount],
      action: `move issuer #${issuerId} to ${newAccount}`,
    });
    output.result({ issuerId, previousAccount: previous, newAccount, transaction: receipt.transactionHash }, [
      `issuer #${issuerId} moved from ${previous} to ${newAccount}; the old key has no issuer power left`,
    ]);
  },
};
