import { bytesToHex, type Address, type Hex } from "viem";

import { restoreMerkleTree, type MerkleTree } from "../../scripts/lib/buildMerkleTree.js";
import type { Logger } from "../internal/createLogger.js";
import type { ManifestStore } from "../store/createManifestStore.js";
import type { BatchView } from "../store/createStoreReader.js";
import type { ManifestVerifier } from "./createManifestVerifier.js";

/** A card's inclusion proof, as the verifier page re-checks it against the on-chain root. */
export type CardProof = { cardKey: Address; leaf: Hex; proof: Hex[]; root: Hex };

/** Bytes of one card key (an address) in a manifest's flat array. */
const CARD_KEY_BYTES = 20;

type Entry = { manifestHash: Hex; merkleRoot: Hex; tree: MerkleTree; cardKeys: Uint8Array; bytes: number };

/**
 * Serves Merkle proofs from verified manifests. Each batch's tree (card keys and every layer,
 * 84 bytes per card) is kept in an LRU cache bounded by `maxBytes`; on a miss it is read back from
 * the store, where the upload saved the layers it built (a 1,000,000-card batch: ~100 ms instead
 * of a ~10 s rebuild). If the stored layers are unusable, the tree is rebuilt from the card keys
 * in a worker thread, once however many requests wait for it.
 *
 * @dev An entry is used only while its manifest hash and root are the batch's current ones (a
 * reorg can re-issue a batch); the store serves only manifests that still match too.
 */
export function createProofService({
  manifests,
  verifier,
  logger,
  maxBytes,
}: {
  manifests: ManifestStore;
  verifier: ManifestVerifier;
  logger: Logger;
  /** Cache budget; 0 keeps nothing (every proof reads the store). */
  maxBytes: number;
}) {
  const cache = new Map<string, Entry>();
  const rebuilding = new Map<string, Promise<Entry | undefined>>();
  let cachedBytes = 0;

  function drop(batchId: string) {
    const entry = cache.get(batchId);
    if (entry === undefined) return;
    cache.delete(batchId);
    cachedBytes -= entry.bytes;
  }

  function remember(batchId: string, entry: Entry) {
    drop(batchId);
    if (entry.bytes > maxBytes) return;
    cache.set(batchId, entry);
    cachedBytes += entry.bytes;
    for (const oldest of cache.keys()) {
      if (cachedBytes <= maxBytes) break;
      drop(oldest);
    }
  }

  function entryOf(batch: BatchView, tree: MerkleTree, cardKeys: Uint8Array): Entry {
    const bytes = cardKeys.length + tree.layers.reduce((sum, layer) => sum + layer.length, 0);
    return { manifestHash: batch.manifestHash, merkleRoot: batch.merkleRoot, tree, cardKeys, bytes };
  }

  async function load(batch: BatchView, chain: { chainId: bigint; registry: Address }): Promise<Entry | undefined> {
    const cached = cache.get(batch.batchId);
    if (cached !== undefined) {
      if (cached.manifestHash === batch.manifestHash && cached.merkleRoot === batch.merkleRoot) {
        cache.delete(batch.batchId); // most recently used goes last
        cache.set(batch.batchId, cached);
        return cached;
      }
      drop(batch.batchId);
    }
    const inFlight = rebuilding.get(batch.batchId);
    if (inFlight !== undefined) return inFlight;

    const stored = manifests.loadManifest(batch.batchId);
    if (stored === undefined) return undefined;
    try {
      const tree = restoreMerkleTree(stored.layers);
      if (tree.root !== batch.merkleRoot || tree.leafCount !== batch.count) throw new Error("stored tree mismatch");
      const entry = entryOf(batch, tree, stored.cardKeys);
      remember(batch.batchId, entry);
      return entry;
    } catch (error) {
      logger.warn("stored Merkle tree unusable; rebuilding it from the manifest's card keys", {
        batchId: batch.batchId,
        error,
      });
    }
    const rebuild = verifier
      .buildLayers({ ...chain, batchId: BigInt(batch.batchId) }, stored.cardKeys)
      .then((layers) => {
        const tree = restoreMerkleTree(layers);
        if (tree.root !== batch.merkleRoot) {
          logger.error("a verified manifest no longer rebuilds the batch's root", { batchId: batch.batchId });
          return undefined;
        }
        const entry = entryOf(batch, tree, stored.cardKeys);
        remember(batch.batchId, entry);
        return entry;
      })
      .finally(() => rebuilding.delete(batch.batchId));
    rebuilding.set(batch.batchId, rebuild);
    return rebuild;
  }

  return {
    /**
     * The proof of `serial` (below `batch.count`), or undefined when the batch has no verified
     * manifest. The first proof of a batch not in memory reads its tree from the store.
     */
    async proofOf(
      batch: BatchView,
      serial: number,
      chain: { chainId: bigint; registry: Address },
    ): Promise<CardProof | undefined> {
      const entry = await load(batch, chain);
      if (entry === undefined) return undefined;
      const at = CARD_KEY_BYTES * serial;
      return {
        cardKey: bytesToHex(entry.cardKeys.subarray(at, at + CARD_KEY_BYTES)) as Address,
        leaf: bytesToHex(entry.tree.layers[0]!.subarray(32 * serial, 32 * serial + 32)),
        proof: entry.tree.getProof(serial),
        root: entry.tree.root,
      };
    },

    /** Keeps the tree a manifest upload just built, so the batch's first proofs need no store read. */
    remember(batch: BatchView, layers: readonly Uint8Array[], cardKeys: Uint8Array) {
      remember(batch.batchId, entryOf(batch, restoreMerkleTree(layers), cardKeys));
    },

    /** Batches and bytes held in memory. */
    stats(): { batches: number; bytes: number } {
      return { batches: cache.size, bytes: cachedBytes };
    },
  };
}

export type ProofService = ReturnType<typeof createProofService>;
