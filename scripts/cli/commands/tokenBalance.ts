import { erc20Abi } from "viem";

import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { readChain } from "../chain/readChain.js";
import { chooseToken, formatTokenAmount, readToken } from "../chain/readToken.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { usageError } from "../CliError.js";
import { optionalString, parseAddress } from "../parseOptionValue.js";

/** `cardproof token balance`: an account's stablecoin balance, and its credit waiting in the escrow. */
export const tokenBalanceCommand: CliCommand = {
  path: ["token", "balance"],
  summary: "show an account's stablecoin balance and its escrow credit",
  usage: `Usage: cardproof token balance [<address>] [--token <address>]

  <address>          whose balance (default: you, the signer)
  --token <address>  the stablecoin (default: the deployment's test stablecoin)

The escrow credit is what \`cardproof order withdraw\` would pay out.`,
  options: { token: { type: "string" } },
  async run({ values, positionals, output, context }) {
    if (positionals.length > 1) throw usageError("give at most one address", "cardproof token balance 0x…");
    const tokenText = optionalString(values, "token");
    const ctx = await context();
    const deployment = await ctx.deployment();
    const token = await readToken(
      ctx,
      chooseToken(deployment, tokenText === undefined ? undefined : parseAddress("--token", tokenText)),
    );
    const account =
      positionals[0] === undefined ? await readSignerAddress(ctx) : parseAddress("the address", positionals[0]);
    const [balance, credit] = await readChain(ctx, `read the balance of ${account}`, () =>
      Promise.all([
        ctx.client.readContract({ address: token.address, abi: erc20Abi, functionName: "balanceOf", args: [account] }),
        ctx.client.readContract({
          address: deployment.escrow,
          abi: settlementEscrowAbi,
          functionName: "creditOf",
          args: [account, token.address],
        }),
      ]),
    );
    output.result(
      {
        account,
        token: token.address,
        symbol: token.symbol,
        decimals: token.decimals,
        balance,
        balanceText: formatTokenAmount(balance, token),
        escrowCredit: credit,
        escrowCreditText: formatTokenAmount(credit, token),
      },
      [
        `${account} holds ${formatTokenAmount(balance, token)}`,
        `  escrow credit ${formatTokenAmount(credit, token)}${credit > 0n ? " (`cardproof order withdraw` pays it out)" : ""}`,
      ],
    );
  },
};
