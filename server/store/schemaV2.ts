/**
 * Version 2 of the schema: batch manifests published through the API, and a numeric index on
 * batch ids for paging.
 *
 * Manifests are not derived from logs: an issuer uploads a batch's manifest (serial → code hash),
 * the API accepts it only if its Keccak-256 is the `manifestHash` of `BatchIssued` and its tree's
 * root is the batch's `merkleRoot`, and keeps it with the tree it built, so a card's Merkle proof
 * is served without hashing anything again. `reset()` and `rebuildDerived()` keep them: a stored
 * manifest is served only while its hash and root are still the batch's (see
 * `createManifestStore`), so one left over from a rolled-back or re-issued batch is never used.
 *
 * - `manifests`: one row per batch: what was verified (hash, root, count), when, and the status
 *   (`verified`: the only status stored; rejected uploads store nothing);
 * - `manifest_code_hashes`: the code hashes as one BLOB of `32 * count` bytes (serial `i` at `32 i`);
 * - `manifest_tree_layers`: the Merkle tree, one BLOB per level (level 0: the leaves), as
 *   `buildMerkleTree` computed it: 64 bytes per card, saving a multi-second rebuild per batch.
 * The BLOB tables are rowid tables (SQLite keeps large rows best there) so that reading a
 * manifest's status never touches its BLOBs.
 *
 * Batch ids are `issuerId << 32 | number` with a 24-bit issuer id, so they stay below 2^56 and
 * `CAST(batch_id AS INTEGER)` is exact: the expression index orders batches numerically.
 */
export const SCHEMA_V2 = `
CREATE TABLE manifests (
  batch_id TEXT PRIMARY KEY,
  manifest_hash TEXT NOT NULL,
  merkle_root TEXT NOT NULL,
  count INTEGER NOT NULL,
  byte_length INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('verified')),
  uploaded_at INTEGER NOT NULL,
  verified_block INTEGER
) WITHOUT ROWID;

CREATE TABLE manifest_code_hashes (
  batch_id TEXT NOT NULL UNIQUE,
  code_hashes BLOB NOT NULL
);

CREATE TABLE manifest_tree_layers (
  batch_id TEXT NOT NULL,
  level INTEGER NOT NULL,
  nodes BLOB NOT NULL,
  UNIQUE (batch_id, level)
);

CREATE INDEX batches_by_number ON batches (CAST(batch_id AS INTEGER));
`;
