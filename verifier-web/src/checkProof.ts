import type { Hex } from "viem";

import { matchesCardPayload, type CardPayload } from "../../scripts/lib/cardPayload.js";
import { hashLeaf } from "../../scripts/lib/hashLeaf.js";
import { verifyMerkleProof } from "../../scripts/lib/verifyMerkleProof.js";
import type { ProofCheck } from "./CardReport.js";
import type { IndexerProof } from "./indexer/createIndexerClient.js";
import type { RegistryConfig } from "./pageConfig.js";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Checks, in this browser, the proof the indexer served against the root read from the chain: the
 * leaf is rebuilt from the allowlisted registry, the card's chain, batch and serial and the proof's
 * code hash, whose first 8 bytes must be the ones printed in the card's QR.
 *
 * @dev The indexer's own `root` is ignored: only the on-chain root counts. A proof for another
 *      card, batch, registry or chain fails, because the leaf binds all of them.
 */
export function checkProof(
  payload: CardPayload,
  registry: RegistryConfig,
  proof: IndexerProof,
  onChainRoot: Hex,
): ProofCheck {
  const codeHash = proof.codeHash;
  if (typeof codeHash !== "string" || !BYTES32.test(codeHash)) return { state: "failed", reason: "proofInvalid" };
  const leafParameters = {
    chainId: payload.chainId,
    registry: registry.address,
    batchId: payload.batchId,
    serial: payload.serial,
    codeHash: codeHash.toLowerCase() as Hex,
  };
  if (!matchesCardPayload(payload, leafParameters)) return { state: "failed", reason: "codeHashMismatch" };
  const siblings = Array.isArray(proof.proof) ? proof.proof : [];
  if (!siblings.every((sibling) => typeof sibling === "string" && BYTES32.test(sibling))) {
    return { state: "failed", reason: "proofInvalid" };
  }
  const ok = verifyMerkleProof(siblings, onChainRoot, hashLeaf(leafParameters));
  return ok
    ? { state: "verified", codeHash: leafParameters.codeHash, depth: siblings.length }
    : { state: "failed", reason: "proofInvalid" };
}
