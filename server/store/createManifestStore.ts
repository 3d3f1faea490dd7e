import type { Database } from "better-sqlite3";
import type { Hex } from "viem";

/** A stored manifest's record, without its BLOBs. */
export type ManifestRecord = {
  batchId: string;
  manifestHash: Hex;
  merkleRoot: Hex;
  count: number;
  /** Size of the canonical document that was verified. */
  byteLength: number;
  /**
   * `verified`: hash and root checked and still the batch's. `stale`: verified for an earlier
   * version of the batch (a reorg replaced its issuance); never served.
   */
  status: "verified" | "stale";
  /** Unix seconds (server clock). */
  uploadedAt: number;
  /** The indexer's checkpoint when it was accepted. */
  verifiedBlock: number | null;
};

/** What `saveManifest` stores: the verified manifest and the tree built from it. */
export type VerifiedManifest = Omit<ManifestRecord, "status"> & {
  /** The card keys: `20 * count` bytes, serial `i` at `20 * i`. */
  cardKeys: Uint8Array;
  /** The Merkle tree's layers, leaves first (`MerkleTree.layers`). */
  layers: readonly Uint8Array[];
};

type Raw = Record<string, unknown>;

/**
 * Batch manifests published through the API (schemas v2 and v5): their records, card keys and trees.
 * The only store writes the API makes.
 *
 * @dev A manifest is served only while it matches its batch: the status is computed against the
 * `batches` row on every read, so a manifest verified for a batch that a reorg then rolled back or
 * re-issued with another root or manifest hash reads as `stale` and is never used for proofs.
 * `saveManifest` re-checks the batch inside its transaction.
 */
export function createManifestStore(db: Database) {
  const q = {
    record: db.prepare(
      `SELECT m.*, (b.manifest_hash = m.manifest_hash AND b.merkle_root = m.merkle_root AND b.count = m.count) AS current
       FROM manifests m LEFT JOIN batches b ON b.batch_id = m.batch_id WHERE m.batch_id = ?`,
    ),
    cardKeys: db.prepare("SELECT card_keys FROM manifest_card_keys WHERE batch_id = ?"),
    layers: db.prepare("SELECT level, nodes FROM manifest_tree_layers WHERE batch_id = ? ORDER BY level"),
    batch: db.prepare("SELECT manifest_hash, merkle_root, count FROM batches WHERE batch_id = ?"),
    deleteRecord: db.prepare("DELETE FROM manifests WHERE batch_id = ?"),
    deleteCardKeys: db.prepare("DELETE FROM manifest_card_keys WHERE batch_id = ?"),
    deleteLayers: db.prepare("DELETE FROM manifest_tree_layers WHERE batch_id = ?"),
    insertRecord: db.prepare(
      `INSERT INTO manifests (batch_id, manifest_hash, merkle_root, count, byte_length, status, uploaded_at, verified_block)
       VALUES (@batchId, @manifestHash, @merkleRoot, @count, @byteLength, 'verified', @uploadedAt, @verifiedBlock)`,
    ),
    insertCardKeys: db.prepare("INSERT INTO manifest_card_keys (batch_id, card_keys) VALUES (?, ?)"),
    insertLayer: db.prepare("INSERT INTO manifest_tree_layers (batch_id, level, nodes) VALUES (?, ?, ?)"),
  };

  const save = db.transaction((manifest: VerifiedManifest): boolean => {
    const batch = q.batch.get(manifest.batchId) as Raw | undefined;
    if (
      batch === undefined ||
      batch.manifest_hash !== manifest.manifestHash ||
      batch.merkle_root !== manifest.merkleRoot ||
      batch.count !== manifest.count
    ) {
      return false;
    }
    for (const remove of [q.deleteRecord, q.deleteCardKeys, q.deleteLayers]) remove.run(manifest.batchId);
    q.insertRecord.run({
      batchId: manifest.batchId,
      manifestHash: manifest.manifestHash,
      merkleRoot: manifest.merkleRoot,
      count: manifest.count,
      byteLength: manifest.byteLength,
      uploadedAt: manifest.uploadedAt,
      verifiedBlock: manifest.verifiedBlock,
    });
    q.insertCardKeys.run(manifest.batchId, asBuffer(manifest.cardKeys));
    manifest.layers.forEach((layer, level) => q.insertLayer.run(manifest.batchId, level, asBuffer(layer)));
    return true;
  });

  function getManifest(batchId: string): ManifestRecord | undefined {
    const row = q.record.get(batchId) as Raw | undefined;
    if (row === undefined) return undefined;
    return {
      batchId: row.batch_id as string,
      manifestHash: row.manifest_hash as Hex,
      merkleRoot: row.merkle_root as Hex,
      count: row.count as number,
      byteLength: row.byte_length as number,
      status: row.current === 1 ? "verified" : "stale",
      uploadedAt: row.uploaded_at as number,
      verifiedBlock: row.verified_block as number | null,
    };
  }

  return {
    /** The manifest record of a batch (no BLOBs), or undefined when none was uploaded. */
    getManifest,

    /**
     * A verified manifest's card keys and tree layers (reads `~84` bytes per card), or undefined
     * when the batch has no manifest that still matches it.
     */
    loadManifest(batchId: string): { record: ManifestRecord; cardKeys: Uint8Array; layers: Uint8Array[] } | undefined {
      const record = getManifest(batchId);
      if (record === undefined || record.status !== "verified") return undefined;
      const cardKeys = (q.cardKeys.get(batchId) as { card_keys: Buffer } | undefined)?.card_keys;
      const layers = (q.layers.all(batchId) as { level: number; nodes: Buffer }[]).map((row) => row.nodes);
      if (cardKeys === undefined || layers.length === 0) return undefined;
      return { record, cardKeys, layers };
    },

    /**
     * Stores a verified manifest and its tree in one transaction, replacing an earlier one of the
     * batch. Returns false (storing nothing) when the batch is gone or its manifest hash, root or
     * count changed since the manifest was verified.
     */
    saveManifest(manifest: VerifiedManifest): boolean {
      return save(manifest);
    },
  };
}

export type ManifestStore = ReturnType<typeof createManifestStore>;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
