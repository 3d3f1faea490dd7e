import type { CliContext } from "../createCliContext.js";
import { readChain } from "./readChain.js";

/**
 * The chain's clock: the latest block's timestamp in Unix seconds. Deadlines and windows are judged
 * by it, not by this machine's clock (a local chain's time can be moved forward).
 */
export async function readChainTime(ctx: CliContext): Promise<number> {
  const block = await readChain(ctx, "read the latest block", () => ctx.client.getBlock({ blockTag: "latest" }));
  return Number(block.timestamp);
}
