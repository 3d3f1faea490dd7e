import { BaseError } from "../internal/BaseError.js";

/**
 * A rollback to a block at or below which the store keeps no undo information: those blocks were
 * taken as final. The caller (the sync engine) turns this into a `ReorgTooDeepError`.
 */
export class RollbackBelowFinalizedError extends BaseError {
  override name = "RollbackBelowFinalizedError";

  constructor(
    readonly blockNumber: number,
    readonly finalizedBlock: number,
  ) {
    super(`cannot roll back to block ${blockNumber}: blocks up to ${finalizedBlock} were taken as final`, {
      details:
        "The mirror keeps undo information for unfinalized blocks only. Resync from scratch: stop the " +
        "indexer, then start it with --reset (or CARDPROOF_INDEXER_RESET=1) or delete the database file.",
    });
  }
}
