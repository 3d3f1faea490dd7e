import type { CardProof } from "../checkProof.js";
import type { RegistryConfig } from "../pageConfig.js";
import type { ProofSource } from "./proveCard.js";

/**
 * The registry's proof sources in the configured order. The indexer's proof is fetched once, early
 * (its run hint also serves the chain read), and reused here.
 */
export function proofSourcesOf(
  registry: RegistryConfig,
  { indexerProof }: { indexerProof: (() => Promise<CardProof>) | undefined },
): ProofSource[] {
  return registry.indexerUrl === undefined || indexerProof === undefined
    ? []
    : [{ label: "indexer", fetch: indexerProof }];
}
