import { mintableTokenAbi } from "../chain/escrowCallAbi.js";
import { chooseToken, formatTokenAmount, readToken } from "../chain/readToken.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { optionalString, parseAddress, parseDecimalAmount, requiredString } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/** `cardproof token mint`: mints the deployment's test stablecoin (development chains only). */
export const tokenMintCommand: CliCommand = {
  path: ["token", "mint"],
  summary: "mint the deployment's test stablecoin to an account (development chains)",
  usage: `Usage: cardproof token mint --to <address> --amount <decimal>

  --to <address>     who receives the tokens (default: you, the signer)
  --amount <amount>  in whole tokens, e.g. 1000 or 12.5

Only the test stablecoin \`cardproof deploy\` puts on a local chain can be minted by anyone; it is
worth nothing.`,
  options: { to: { type: "string" }, amount: { type: "string" } },
  async run({ values, output, context }) {
    const amountText = requiredString(values, "amount", "1000");
    const toText = optionalString(values, "to");
    const ctx = await context();
    const deployment = await ctx.deployment();
    const token = await readToken(ctx, chooseToken(deployment, undefined));
    const amount = parseDecimalAmount("--amount", amountText, token.decimals);
    const to = toText === undefined ? await readSignerAddress(ctx) : parseAddress("--to", toText);
    const receipt = await sendContractTransaction(ctx, {
      address: token.address,
      abi: mintableTokenAbi,
      functionName: "mint",
      args: [to, amount],
      action: `mint ${formatTokenAmount(amount, token)} to ${to}`,
    });
    output.result(
      {
        token: token.address,
        symbol: token.symbol,
        decimals: token.decimals,
        to,
        amount,
        amountText: formatTokenAmount(amount, token),
        transaction: receipt.transactionHash,
      },
      [
        `minted ${formatTokenAmount(amount, token)} to ${to}`,
        `  token ${token.address}; transaction ${receipt.transactionHash}`,
      ],
    );
  },
};
