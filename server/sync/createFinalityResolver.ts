import type { FinalityMode } from "../internal/loadConfig.js";
import type { Logger } from "../internal/createLogger.js";
import { ConfigError } from "../internal/ConfigError.js";
import type { BlockHeader } from "../store/StoredLog.js";
import type { RpcClient } from "./createRpcClient.js";
import { fetchBlockHeader } from "./fetchBlockHeader.js";
import { RpcRequestError } from "./RpcRequestError.js";

/**
 * Decides the newest block the indexer takes as final: below it no reorg is expected, so no undo
 * information or block header is kept.
 *
 * - `tag`: the node's `finalized` block.
 * - `depth`: `head - depth`.
 * - `auto`: `tag` when the node has a real `finalized` block, `depth` otherwise. A node that
 *   rejects the tag, or reports its head itself as finalized (Hardhat, Anvil and other dev chains
 *   do, although `evm_revert` can still rewrite their blocks), gets `depth`. Decided once.
 */
export function createFinalityResolver({
  rpc,
  mode,
  depth,
  logger,
}: {
  rpc: RpcClient;
  mode: FinalityMode;
  depth: number;
  logger: Logger;
}) {
  let decided: "tag" | "depth" | undefined = mode === "auto" ? undefined : mode;

  return {
    /** The mode in use, once decided. */
    get mode() {
      return decided;
    },

    async finalizedBlock(head: BlockHeader, signal?: AbortSignal): Promise<number> {
      if (decided === "depth") return head.number - depth;
      let tagged: BlockHeader | null;
      try {
        tagged = await fetchBlockHeader(rpc, "finalized", signal);
      } catch (error) {
        if (decided === "tag" || !(error instanceof RpcRequestError) || error.retryable) throw error;
        tagged = null;
      }
      if (decided === undefined) {
        decided = tagged === null || tagged.number >= head.number ? "depth" : "tag";
        logger.info(
          decided === "tag"
            ? "finality: using the node's `finalized` block"
            : "finality: the node has no `finalized` block distinct from its head; using a confirmation depth",
          { depth: decided === "depth" ? depth : undefined },
        );
        if (decided === "depth") return head.number - depth;
      }
      if (tagged === null) {
        throw new ConfigError([
          "CARDPROOF_FINALITY=tag: the node does not return a `finalized` block; use auto or depth",
        ]);
      }
      return Math.min(tagged.number, head.number);
    },
  };
}
