import type { Hex } from "viem";

import type { CardPayload } from "../../../scripts/lib/cardPayload.js";
import type { ProofCheck } from "../CardReport.js";
import { checkProof, type CardProof } from "../checkProof.js";
import { IndexerRefusedError } from "../indexer/createIndexerClient.js";
import type { RegistryConfig } from "../pageConfig.js";
import { ProofNotPublishedError } from "./ProofNotPublishedError.js";

/** One place a card's proof can come from, in the configured order. */
export type ProofSource = {
  /** How the page names it: `indexer`, or the static host. */
  label: string;
  /** The card's proof; throws when the source is down or has not published the batch. */
  fetch(): Promise<CardProof>;
};

/**
 * Asks the proof sources in order until one's proof reaches the on-chain root (checked here with
 * {@link checkProof}); a source that is down, has not published the batch, or serves a proof that
 * does not reach the root is passed over and remembered. So a lying or unreachable indexer costs a
 * genuine card nothing when a static source has its shard, and no source can make a card green.
 */
export async function proveCard(
  sources: readonly ProofSource[],
  payload: CardPayload,
  registry: RegistryConfig,
  onChainRoot: Hex,
): Promise<ProofCheck> {
  const badSources: string[] = [];
  let notPublished = 0;
  for (const source of sources) {
    let proof: CardProof;
    try {
      proof = await source.fetch();
    } catch (error) {
      if (isNotPublished(error)) notPublished++;
      continue;
    }
    const outcome = checkProof(payload, registry, proof, onChainRoot);
    if (outcome.kind === "verified") {
      return { state: "verified", cardKey: outcome.cardKey, depth: outcome.depth, source: source.label, badSources };
    }
    if (outcome.kind === "otherCard") return { state: "failed", reason: "cardKeyMismatch", source: source.label };
    badSources.push(source.label);
  }
  const reason =
    sources.length === 0
      ? "noSource"
      : badSources.length > 0
        ? "badProof"
        : notPublished === sources.length
          ? "noManifest"
          : "sourcesDown";
  return { state: "notChecked", reason, badSources };
}

/** A source answered that it has no proof for this batch (not an outage). */
function isNotPublished(error: unknown): boolean {
  return (
    error instanceof ProofNotPublishedError ||
    (error instanceof IndexerRefusedError && error.code === "MANIFEST_NOT_FOUND")
  );
}
