import { parseEventLogs } from "viem";

import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { readChain } from "../chain/readChain.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import { chooseToken, formatTokenAmount, readToken } from "../chain/readToken.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError } from "../CliError.js";
import { optionalString, parseAddress } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/** `cardproof order withdraw`: a payee takes its whole credit in one token out of the escrow. */
export const orderWithdrawCommand: CliCommand = {
  path: ["order", "withdraw"],
  summary: "pay out your credit in the escrow (supplier payments, refunds) to your wallet",
  usage: `Usage: cardproof order withdraw [--token <address>] [--to <address>]

  --token <address>   the stablecoin (default: the deployment's test stablecoin)
  --to <address>      pay your credit to this address instead of yours (for example when the
                      token blocklists your account)

Settled orders credit their payees in the escrow; this transfers your whole credit to you.`,
  options: { token: { type: "string" }, to: { type: "string" } },
  async run({ values, output, context }) {
    const tokenText = optionalString(values, "token");
    const toText = optionalString(values, "to");
    const to = toText === undefined ? undefined : parseAddress("--to", toText);
    const ctx = await context();
    const deployment = await ctx.deployment();
    const token = await readToken(
      ctx,
      chooseToken(deployment, tokenText === undefined ? undefined : parseAddress("--token", tokenText)),
    );
    const account = await readSignerAddress(ctx);
    const credit = await readChain(ctx, "read your escrow credit", () =>
      ctx.client.readContract({
        address: deployment.escrow,
        abi: settlementEscrowAbi,
        functionName: "creditOf",
        args: [account, token.address],
      }),
    );
    if (credit === 0n) {
      throw new CliError(`${account} has no ${token.symbol} credit in the escrow`, {
        hint: "credits come from settled orders (confirmed, released, resolved, refunded); `cardproof order show <order-id>` shows an order",
      });
    }
    const action = `withdraw ${formatTokenAmount(credit, token)} from the escrow`;
    const receipt =
      to === undefined
        ? await sendContractTransaction(ctx, {
            address: deployment.escrow,
            abi: escrowCallAbi,
            functionName: "withdraw",
            args: [token.address],
            action,
          })
        : await sendContractTransaction(ctx, {
            address: deployment.escrow,
            abi: escrowCallAbi,
            functionName: "withdrawTo",
            args: [token.address, to],
            action: `${action} to ${to}`,
          });
    const payee = to ?? account;
    // The credit can only have grown since it was read: the event says what was paid.
    const paid =
      parseEventLogs({ abi: settlementEscrowAbi, eventName: "Withdrawn", logs: receipt.logs }).find(
        (log) => log.args.account === account && log.args.token === token.address,
      )?.args.amount ?? credit;
    output.result(
      {
        account,
        to: payee,
        token: token.address,
        symbol: token.symbol,
        amount: paid,
        amountText: formatTokenAmount(paid, token),
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        `withdrew ${formatTokenAmount(paid, token)} from the escrow to ${payee}`,
        `  transaction ${receipt.transactionHash}`,
      ],
    );
  },
};
