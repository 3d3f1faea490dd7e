import type { CardProof } from "../checkProof.js";
import type { RegistryConfig } from "../pageConfig.js";
import { createStaticProofSource, type ProofCard } from "./createStaticProofSource.js";
import type { ProofSource } from "./proveCard.js";

/**
 * The registry's proof sources in the configured order (`proofSources` in `config.json`): the
 * indexer, whose proof is fetched once, early (its run hint also serves the chain read), and
 * static shard hosts, each asked only when the sources before it gave no proof that reached the
 * root. Labels name the source in the evidence: `indexer`, or the shard host.
 */
export function proofSourcesOf(
  registry: RegistryConfig,
  card: ProofCard,
  { indexerProof }: { indexerProof: (() => Promise<CardProof>) | undefined },
): ProofSource[] {
  return registry.proofSources.flatMap((source): ProofSource[] => {
    if (source.kind === "indexer") return indexerProof === undefined ? [] : [{ label: "indexer", fetch: indexerProof }];
    const host = createStaticProofSource(source.url);
    return [{ label: new URL(source.url).host, fetch: () => host.proof(card) }];
  });
}
