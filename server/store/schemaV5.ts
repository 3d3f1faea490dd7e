/**
 * Version 5 of the schema: registry v2 (issue 12). A card's public value is its card key (the
 * 20-byte address of its code-derived secret) instead of a code hash.
 *
 * - `redemptions.code_hash` and `batch_events.code_hash` become `card_key` (lower-case address of
 *   `VoucherRedeemed`);
 * - manifests hold card keys: `manifest_card_keys` (one BLOB of `20 * count` bytes, serial `i` at
 *   `20 i`) replaces `manifest_code_hashes`. Manifests of version 1 describe code-hash leaves, which
 *   no v2 registry commits to, so the stored ones (and their trees) are dropped: an issuer uploads
 *   the batch's version 2 manifest again.
 *
 * @dev A v4 database mirrors a registry v1, and a registry v2 is a new deployment (another
 * address), so the migrated file cannot be reused as is: the sync engine's identity check stops
 * with `ChainMismatchError` ("registry … in the database, … configured") and says to start once
 * with `--reset` (or delete the file), which resyncs from the chain. The migration itself only
 * renames and replaces, so it cannot fail on any v4 file, and an empty v4 file simply becomes v5.
 */
export const SCHEMA_V5 = `
ALTER TABLE redemptions RENAME COLUMN code_hash TO card_key;
ALTER TABLE batch_events RENAME COLUMN code_hash TO card_key;

DROP TABLE manifest_code_hashes;
CREATE TABLE manifest_card_keys (
  batch_id TEXT NOT NULL UNIQUE,
  card_keys BLOB NOT NULL
);
DELETE FROM manifests;
DELETE FROM manifest_tree_layers;
`;
