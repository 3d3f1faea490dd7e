import { BaseError } from "../internal/BaseError.js";

/**
 * The node's head is below the last indexed block, and no kept block hash conflicts with the
 * node's chain. Either the node is lagging or re-syncing (behind a load balancer, after a
 * restart), or the chain was rewound (a dev chain's `evm_revert`). Retryable: the indexer waits;
 * once the node is past the checkpoint again, either the hashes match and indexing goes on, or
 * they differ and the reorg is rolled back. Nothing is rolled back on the node's word alone.
 */
export class HeadBehindError extends BaseError {
  override name = "HeadBehindError";

  constructor(
    readonly headBlock: number,
    readonly checkpointBlock: number,
  ) {
    super(
      `the node's head ${headBlock} is behind the last indexed block ${checkpointBlock}, with no conflicting hash`,
      {
        details:
          "Waiting for the node to catch up. If it is lagging, add a healthy fallback to CARDPROOF_RPC_URL. If the " +
          "chain was reset to a new genesis, restart the indexer with --reset (or CARDPROOF_INDEXER_RESET=1).",
        retryable: true,
      },
    );
  }
}
