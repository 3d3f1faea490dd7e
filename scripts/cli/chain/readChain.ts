import type { CliContext } from "../createCliContext.js";
import { explainContractError } from "../explainContractError.js";

/**
 * Runs a read (`eth_call`, `eth_getLogs`…) and turns what it throws into a {@link CliError}: a
 * custom error in plain words (an unknown batch), an unreachable node. `action` says what was read,
 * as a verb phrase: "read batch 42".
 */
export async function readChain<T>(
  ctx: Pick<CliContext, "rpcUrl">,
  action: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw explainContractError(error, action, ctx.rpcUrl);
  }
}
