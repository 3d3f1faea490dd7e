import { BaseError } from "../internal/BaseError.js";

/**
 * A reorg replaced a block the indexer had taken as final (below its reorg window), so the mirror
 * cannot be rolled back exactly. Not retryable: the indexer stops instead of serving a history
 * that mixes two forks.
 */
export class ReorgTooDeepError extends BaseError {
  override name = "ReorgTooDeepError";

  constructor(readonly info: { checkpointBlock: number; finalizedBlock: number; oldestKeptBlock: number | undefined }) {
    super(
      `reorg deeper than the reorg window: the chain no longer contains the indexed blocks down to ` +
        `${info.oldestKeptBlock ?? info.checkpointBlock}, and blocks up to ${info.finalizedBlock} were taken as final`,
      {
        details:
          "Stop the indexer and resync from scratch: start it with --reset (or CARDPROOF_INDEXER_RESET=1) or " +
          "delete the database file. If this chain reorganises deeper than expected, raise " +
          "CARDPROOF_FINALITY_DEPTH or use CARDPROOF_FINALITY=tag on a node with a real `finalized` block.",
      },
    );
  }
}
