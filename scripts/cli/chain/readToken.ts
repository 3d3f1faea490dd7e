import { erc20Abi, type Address } from "viem";

import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import type { Deployment } from "../deploymentFile.js";
import { formatDecimalAmount } from "../parseOptionValue.js";
import { readChain } from "./readChain.js";

/** An ERC-20 token as the CLI shows amounts of it. */
export type TokenView = { address: Address; symbol: string; decimals: number };

/**
 * The token's symbol and decimals.
 *
 * @throws {CliError} when the address holds no ERC-20 contract (nothing answers `decimals()`).
 */
export async function readToken(ctx: CliContext, address: Address): Promise<TokenView> {
  const [decimals, symbol] = await readChain(ctx, `read token ${address}`, async () => {
    const code = await ctx.client.getCode({ address });
    if (code === undefined || code === "0x") {
      throw new CliError(`${address} is not a token contract on chain ${ctx.chainId}`, {
        hint: "check the --token address and that --rpc-url points to the right chain",
      });
    }
    return await Promise.all([
      ctx.client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
      ctx.client.readContract({ address, abi: erc20Abi, functionName: "symbol" }).catch(() => "tokens"),
    ]);
  });
  return { address, symbol, decimals };
}

/** `amount` base units as "12.5 tUSD". */
export function formatTokenAmount(amount: bigint, token: TokenView): string {
  return `${formatDecimalAmount(amount, token.decimals)} ${token.symbol}`;
}

/**
 * The token a command uses: `given` (from `--token`), else the deployment's test stablecoin.
 *
 * @throws {CliError} when neither exists: a deployment off the local chain has no test stablecoin.
 */
export function chooseToken(deployment: Deployment, given: Address | undefined): Address {
  if (given !== undefined) return given;
  if (deployment.testStablecoin !== undefined) return deployment.testStablecoin;
  throw new CliError("this deployment has no test stablecoin", {
    hint:
      "name the stablecoin with --token <address>; test stablecoins are deployed on the local chain " +
      "(chain 31337) or with `cardproof deploy --test-stablecoin`",
  });
}
