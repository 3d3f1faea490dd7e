import type { Address, Hex } from "viem";

import { proofShardCardProof } from "../../../scripts/lib/proofShardCardProof.js";
import { decodeProofShard, proofShardOf, proofShardPath } from "../../../scripts/lib/proofShardFormat.js";
import { ProofNotPublishedError } from "./ProofNotPublishedError.js";
import { ProofSourceUnavailableError } from "./ProofSourceUnavailableError.js";

/** The card a proof is asked for: its chain, the allowlisted registry, its batch and serial. */
export type ProofCard = { chainId: bigint; registry: Address; batchId: bigint; serial: number };

/** A card's key and Merkle proof, unverified: the page checks them against the on-chain root. */
export type SourcedProof = { cardKey: Address; proof: Hex[] };

/** A shard of 1,024 cards is about 47 KB: anything far larger is not a shard. */
const MAX_SHARD_CHARS = 1_000_000;

/**
 * A proof source reading static proof shards (`cardproof batch publish --static`) under `baseUrl`,
 * e.g. a CDN or an IPFS gateway: one GET of the card's shard, whose URL follows from the card alone
 * (`<chainId>/<registry>/<batchId>/<shard>.json`, see `proofShardPath`).
 *
 * @dev Nothing it returns is trusted: the shard is checked for the card's chain, registry, batch
 *      and shape, and the derived proof must still verify against the on-chain root (`checkProof`).
 *      The request carries no cookies and no referrer, so the host learns only which shard was read.
 */
export function createStaticProofSource(baseUrl: string, { timeoutMs = 4_000 }: { timeoutMs?: number } = {}) {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return {
    /**
     * @throws {ProofNotPublishedError} when the host has no shard for the card (404).
     * @throws {ProofSourceUnavailableError} on a network error, a timeout, another error status, or a
     *         shard that is malformed or belongs to another chain, registry, batch or shard.
     */
    async proof(card: ProofCard): Promise<SourcedProof> {
      const url = new URL(proofShardPath(card), base);
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          signal: AbortSignal.timeout(timeoutMs),
          credentials: "omit",
          referrerPolicy: "no-referrer",
        });
        if (response.status === 404) {
          throw new ProofNotPublishedError(`batch ${card.batchId} is not published at ${base}`);
        }
        if (!response.ok) throw new ProofSourceUnavailableError(`the proof source answered HTTP ${response.status}`);
        // A declared size far beyond a shard's is refused before it is downloaded.
        if (Number(response.headers.get("content-length") ?? 0) > MAX_SHARD_CHARS) {
          await response.body?.cancel();
          throw new ProofSourceUnavailableError("the proof source served a file far larger than a shard");
        }
        text = await response.text();
      } catch (error) {
        if (error instanceof ProofNotPublishedError || error instanceof ProofSourceUnavailableError) throw error;
        throw new ProofSourceUnavailableError("the proof source cannot be reached", { cause: error });
      }
      try {
        if (text.length > MAX_SHARD_CHARS) throw new RangeError(`${text.length} characters is too large for a shard`);
        const shard = decodeProofShard(JSON.parse(text), { ...card, shard: proofShardOf(card.serial) });
        return proofShardCardProof(shard, card.serial);
      } catch (error) {
        throw new ProofSourceUnavailableError("the proof source served a malformed shard", { cause: error });
      }
    },
  };
}

/** A proof source over static shards, as {@link createStaticProofSource} returns it. */
export type StaticProofSource = ReturnType<typeof createStaticProofSource>;
