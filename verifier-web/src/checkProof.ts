import type { Address, Hex } from "viem";

import { matchesCardPayload, type CardPayload } from "../../scripts/lib/cardPayload.js";
import { hashLeaf } from "../../scripts/lib/hashLeaf.js";
import { verifyMerkleProof } from "../../scripts/lib/verifyMerkleProof.js";
import type { RegistryConfig } from "./pageConfig.js";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A card's Merkle proof from any source: the card key its leaf commits to, and the siblings. */
export type CardProof = { cardKey: unknown; proof: unknown };

/** What one proof says once checked: see {@link checkProof}. */
export type ProofOutcome =
  { kind: "verified"; cardKey: Address; depth: number } | { kind: "otherCard"; cardKey: Address } | { kind: "invalid" };

/**
 * Checks, in this browser, a proof from any source against the root read from the chain. The leaf
 * is rebuilt from the allowlisted registry, the card's chain, batch and serial and the proof's card
 * key; only when the proof reaches the on-chain root does the card key count:
 * - `verified`: it starts with the 8 bytes printed in the card's QR: this is the committed card;
 * - `otherCard`: the committed card at this serial has another key: the QR is not that card's;
 * - `invalid`: the proof does not reach the root. That proves nothing about the card, only that
 *   the source served something else than the supplier's commitment.
 *
 * @dev A source's own `root` is never read. A proof for another card, batch, registry or chain is
 *      `invalid`, because the leaf binds all of them.
 */
export function checkProof(
  payload: CardPayload,
  registry: RegistryConfig,
  proof: CardProof,
  onChainRoot: Hex,
): ProofOutcome {
  const { cardKey, proof: siblings } = proof;
  if (typeof cardKey !== "string" || !ADDRESS.test(cardKey)) return { kind: "invalid" };
  if (!Array.isArray(siblings) || siblings.length > 64) return { kind: "invalid" };
  if (!siblings.every((sibling) => typeof sibling === "string" && BYTES32.test(sibling))) return { kind: "invalid" };
  const leafParameters = {
    chainId: payload.chainId,
    registry: registry.address,
    batchId: payload.batchId,
    serial: payload.serial,
    cardKey: cardKey.toLowerCase() as Address,
  };
  if (!verifyMerkleProof(siblings as Hex[], onChainRoot, hashLeaf(leafParameters))) return { kind: "invalid" };
  return matchesCardPayload(payload, leafParameters)
    ? { kind: "verified", cardKey: leafParameters.cardKey, depth: siblings.length }
    : { kind: "otherCard", cardKey: leafParameters.cardKey };
}
