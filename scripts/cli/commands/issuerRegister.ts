import { encodeIssuerName } from "../../lib/issuerName.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import type { CliCommand } from "../CliCommand.js";
import { usageError } from "../CliError.js";
import { parseAddress, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/** `cardproof issuer register`: the registry admin admits a supplier, under the name buyers will see. */
export const issuerRegisterCommand: CliCommand = {
  path: ["issuer", "register"],
  summary: "register a supplier as an issuer, under a display name (registry admin)",
  usage: `Usage: cardproof issuer register <address> --name <name>

  --name <text>   the name buyers see on the verifier, up to 32 UTF-8 bytes; stored on chain`,
  options: { name: { type: "string" } },
  async run({ values, positionals, output, context }) {
    if (positionals.length !== 1)
      throw usageError("give the issuer's address", 'cardproof issuer register 0x… --name "Acme Cards"');
    const account = parseAddress("the issuer address", positionals[0]!);
    const name = requiredString(values, "name", '"Acme Game Cards"');
    let profileHash;
    try {
      profileHash = encodeIssuerName(name);
    } catch (error) {
      throw usageError(`--name: ${(error as Error).message}`);
    }
    const ctx = await context();
    const { registry } = await ctx.deployment();
    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "registerIssuer",
      args: [account, profileHash],
      action: `register ${account} as an issuer`,
    });
    const [issuerId] = await ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "issuerOf",
      args: [account],
    });
    output.result({ account, issuerId, name: name.trim(), transaction: receipt.transactionHash }, [
      `registered ${account} as issuer #${issuerId} "${name.trim()}"`,
    ]);
  },
};
