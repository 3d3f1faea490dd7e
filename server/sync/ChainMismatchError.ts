import { BaseError } from "../internal/BaseError.js";

/**
 * The database mirrors another chain or other contracts than the RPC endpoint and configuration
 * now name: a different chain id or genesis block (a reset dev chain, a wrong URL), or other
 * addresses or start block. Not retryable: the indexer stops rather than mix two histories.
 */
export class ChainMismatchError extends BaseError {
  override name = "ChainMismatchError";

  constructor(
    readonly dbPath: string,
    readonly differences: readonly string[],
  ) {
    super(`the database mirrors another chain or contracts than configured (${differences.join("; ")})`, {
      details:
        `The database ${dbPath} was built for ${differences.length === 1 ? "a different value" : "different values"} ` +
        "than the RPC endpoint or configuration now give. If the chain was reset (a restarted local node), " +
        "start the indexer once with --reset (or CARDPROOF_INDEXER_RESET=1) or delete the file to resync from " +
        "scratch. If the RPC URL or an address is wrong, fix CARDPROOF_RPC_URL / CARDPROOF_REGISTRY_ADDRESS / " +
        "CARDPROOF_ESCROW_ADDRESS / CARDPROOF_START_BLOCK, or use another CARDPROOF_DB_PATH.",
    });
  }
}
