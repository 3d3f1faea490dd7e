import { BaseError } from "../internal/BaseError.js";

/**
 * The provider refuses `eth_getLogs` even for a single block (too many logs in one block for its
 * response cap). Nothing was skipped; the indexer cannot go on with this provider.
 */
export class LogRangeError extends BaseError {
  override name = "LogRangeError";

  constructor(blockNumber: number, cause: unknown) {
    super(`the RPC provider refuses eth_getLogs even for the single block ${blockNumber}`, {
      details:
        "Its response-size cap is smaller than one block's logs. Use a provider (or plan) without " +
        "such a cap, or your own node, in CARDPROOF_RPC_URL.",
      cause,
    });
  }
}
