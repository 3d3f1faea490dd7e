import type { Address, Hex } from "viem";

import { matchesCardPayload, type CardPayload } from "../../scripts/lib/cardPayload.js";
import { hashLeaf } from "../../scripts/lib/hashLeaf.js";
import { verifyMerkleProof } from "../../scripts/lib/verifyMerkleProof.js";
import type { ProofCheck } from "./CardReport.js";
import type { IndexerProof } from "./indexer/createIndexerClient.js";
import type { RegistryConfig } from "./pageConfig.js";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Checks, in this browser, the proof the indexer served against the root read from the chain: the
 * leaf is rebuilt from the allowlisted registry, the card's chain, batch and serial and the proof's
 * card key, whose first 8 bytes must be the ones printed in the card's QR.
 *
 * @dev The indexer's own `root` is ignored: only the on-chain root counts. A proof for another
 *      card, batch, registry or chain fails, because the leaf binds all of them. Only a card key
 *      that passed this check may be compared with a typed code (`renderCodeCheck`).
 */
export function checkProof(
  payload: CardPayload,
  registry: RegistryConfig,
  proof: IndexerProof,
  onChainRoot: Hex,
): ProofCheck {
  const cardKey = proof.cardKey;
  if (typeof cardKey !== "string" || !ADDRESS.test(cardKey)) return { state: "failed", reason: "proofInvalid" };
  const leafParameters = {
    chainId: payload.chainId,
    registry: registry.address,
    batchId: payload.batchId,
    serial: payload.serial,
    cardKey: cardKey.toLowerCase() as Address,
  };
  if (!matchesCardPayload(payload, leafParameters)) return { state: "failed", reason: "cardKeyMismatch" };
  const siblings = Array.isArray(proof.proof) ? proof.proof : [];
  if (!siblings.every((sibling) => typeof sibling === "string" && BYTES32.test(sibling))) {
    return { state: "failed", reason: "proofInvalid" };
  }
  const ok = verifyMerkleProof(siblings, onChainRoot, hashLeaf(leafParameters));
  return ok
    ? { state: "verified", cardKey: leafParameters.cardKey, depth: siblings.length }
    : { state: "failed", reason: "proofInvalid" };
}
