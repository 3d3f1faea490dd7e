import { BaseError } from "../internal/BaseError.js";

/**
 * The chain changed while a page was being fetched (a log's block hash, or a block's parent, does
 * not match the headers read for the same page). Nothing was written; the sync loop checks for a
 * reorg and fetches the page again.
 */
export class ChainMovedError extends BaseError {
  override name = "ChainMovedError";

  constructor(blockNumber: number, what: string) {
    super(`the chain changed under block ${blockNumber} while its page was fetched (${what})`, {
      details: "Transient during a reorg: the page is fetched again after the reorg check.",
      retryable: true,
    });
  }
}
