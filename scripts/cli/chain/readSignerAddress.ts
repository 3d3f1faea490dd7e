import type { Address } from "viem";

import type { CliContext } from "../createCliContext.js";

/** The address that signs this command's transactions (resolving the signer on first use). */
export async function readSignerAddress(ctx: CliContext): Promise<Address> {
  const { account } = await ctx.signer();
  return typeof account === "string" ? account : account.address;
}
