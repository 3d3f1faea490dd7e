import { BaseError } from "../internal/BaseError.js";

/**
 * A page of logs does not start right after the stored checkpoint. Nothing was written: applying
 * it would skip or double blocks. A bug in the caller (two indexers writing one database file?).
 */
export class CheckpointMismatchError extends BaseError {
  override name = "CheckpointMismatchError";

  constructor(expectedFrom: number, fromBlock: number, toBlock: number) {
    super(`page [${fromBlock}, ${toBlock}] does not start at the next block to index (${expectedFrom})`, {
      details:
        "The page was not applied. Make sure only one indexer process writes this database file " +
        "(CARDPROOF_DB_PATH); then restart it, and it resumes from its checkpoint.",
    });
  }
}
