import type { Address, Hex } from "viem";

import { decodeIssuerName, encodeIssuerName } from "../../lib/issuerName.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { readChain } from "../chain/readChain.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { parseAddress, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/** Issuers read in parallel while looking for a name already taken. */
const ISSUERS_PER_ROUND = 16;
/** Issuer ids are 24 bits. */
const MAX_ISSUER_ID = 0xffffff;

/** `cardproof issuer register`: the registry admin admits a supplier, under the name buyers will see. */
export const issuerRegisterCommand: CliCommand = {
  path: ["issuer", "register"],
  summary: "register a supplier as an issuer, under a display name (registry admin)",
  usage: `Usage: cardproof issuer register <address> --name <name> [--rename] [--allow-duplicate-name]

  --name <text>             the name buyers see on the verifier, up to 32 UTF-8 bytes; stored on chain
  --rename                  the address is an issuer already: give it this name instead (buyers see the
                            new name on every card it ever issued)
  --allow-duplicate-name    register although another issuer goes by the same name

Registering an issuer again with its own name changes nothing.`,
  options: { name: { type: "string" }, rename: { type: "boolean" }, "allow-duplicate-name": { type: "boolean" } },
  async run({ values, positionals, output, context }) {
    if (positionals.length !== 1)
      throw usageError("give the issuer's address", 'cardproof issuer register 0x… --name "Acme Cards"');
    const account = parseAddress("the issuer address", positionals[0]!);
    const name = requiredString(values, "name", '"Acme Game Cards"').trim();
    let profileHash: Hex;
    try {
      profileHash = encodeIssuerName(name);
    } catch (error) {
      throw usageError(`--name: ${(error as Error).message}`);
    }
    const ctx = await context();
    const { registry } = await ctx.deployment();
    await ctx.signer(); // a bad key, and who signs, before anything else
    const [knownId, knownProfile] = await readIssuer(ctx, registry, account);
    if (knownId !== 0) {
      const knownName = decodeIssuerName(knownProfile) ?? "(no readable name)";
      if (knownProfile === profileHash) {
        output.result({ account, issuerId: knownId, name, transaction: null }, [
          `${account} is issuer #${knownId} "${name}" already: nothing to do`,
        ]);
        return;
      }
      if (values.rename !== true) {
        throw new CliError(
          `${account} is issuer #${knownId} "${knownName}" already: registering it again renames it to "${name}" ` +
            "on every card it ever issued",
          { hint: "pass --rename if that is what you want; nothing was sent" },
        );
      }
    }
    if (values["allow-duplicate-name"] !== true) {
      const namesake = await findIssuerNamed(ctx, registry, name, knownId);
      if (namesake !== undefined) {
        throw new CliError(
          `issuer #${namesake.issuerId} (${namesake.account}) already goes by "${namesake.name}": buyers could not ` +
            "tell the two suppliers apart",
          { hint: "pick a distinct --name, or pass --allow-duplicate-name if they are one business; nothing was sent" },
        );
      }
    }
    const receipt = await sendContractTransaction(ctx, {
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "registerIssuer",
      args: [account, profileHash],
      action: `register ${account} as an issuer`,
    });
    const [issuerId] = await readIssuer(ctx, registry, account);
    output.result({ account, issuerId, name, transaction: receipt.transactionHash }, [
      knownId === 0
        ? `registered ${account} as issuer #${issuerId} "${name}"`
        : `renamed issuer #${issuerId} to "${name}"`,
    ]);
  },
};

async function readIssuer(ctx: CliContext, registry: Address, account: Address) {
  return await readChain(ctx, `read issuer ${account}`, () =>
    ctx.client.readContract({ address: registry, abi: voucherRegistryAbi, functionName: "issuerOf", args: [account] }),
  );
}

/**
 * Another issuer (not `exceptId`) whose name equals `name` ignoring case and Unicode form, read
 * issuer by issuer from id 1 until an id nobody holds.
 */
async function findIssuerNamed(ctx: CliContext, registry: Address, name: string, exceptId: number) {
  const key = (text: string) => text.normalize("NFKC").toLocaleLowerCase("und");
  const wanted = key(name);
  for (let first = 1; first <= MAX_ISSUER_ID; first += ISSUERS_PER_ROUND) {
    const ids = Array.from({ length: ISSUERS_PER_ROUND }, (_, i) => first + i).filter((id) => id <= MAX_ISSUER_ID);
    const accounts = await Promise.all(
      ids.map((id) =>
        readChain(ctx, `read issuer #${id}`, () =>
          ctx.client.readContract({
            address: registry,
            abi: voucherRegistryAbi,
            functionName: "issuerAccount",
            args: [id],
          }),
        ),
      ),
    );
    for (const [i, account] of accounts.entries()) {
      if (/^0x0{40}$/.test(account)) return undefined; // ids are handed out in order: no later one exists
      if (ids[i] === exceptId) continue;
      const [, profile] = await readIssuer(ctx, registry, account);
      const other = decodeIssuerName(profile);
      if (other !== undefined && key(other) === wanted) return { issuerId: ids[i]!, account, name: other };
    }
  }
  return undefined;
}
