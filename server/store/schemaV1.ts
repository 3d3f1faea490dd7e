/**
 * Version 1 of the mirror's schema.
 *
 * Conventions: uint64 and larger values (batch ids, token amounts) are decimal TEXT, since SQLite
 * integers are signed 64-bit and JavaScript numbers stop being exact at 2^53; serials, block
 * numbers, seqs and timestamps are INTEGER. Addresses and hashes are lower-case hex TEXT. Lots are
 * half-open ranges `[start_serial, end_serial)`.
 *
 * Three kinds of table:
 * - bookkeeping: `sync_state` (identity and checkpoint), `blocks` (headers of unfinalized blocks,
 *   for reorg detection), `undo_log` (how to undo state changes of unfinalized blocks);
 * - `raw_logs`: every log of the followed contracts, decoded, from which everything else derives;
 * - derived: state tables (a primary key, rows change; journaled in `undo_log`) and event tables
 *   (append-only, keyed by `(block_number, log_index)`; rolled back by deleting newer blocks).
 */
export const SCHEMA_V1 = `
CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  chain_id TEXT NOT NULL,
  genesis_hash TEXT NOT NULL,
  registry TEXT NOT NULL,
  escrow TEXT,
  start_block INTEGER NOT NULL,
  last_block INTEGER,
  last_block_hash TEXT,
  finalized_block INTEGER NOT NULL DEFAULT -1
);

CREATE TABLE blocks (
  number INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL
);

CREATE TABLE undo_log (
  id INTEGER PRIMARY KEY,
  block_number INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  key_json TEXT NOT NULL,
  old_row_json TEXT
);
CREATE INDEX undo_log_by_block ON undo_log (block_number);

CREATE TABLE raw_logs (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  tx_hash TEXT NOT NULL,
  address TEXT NOT NULL,
  event_name TEXT,
  args_json TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX raw_logs_by_tx ON raw_logs (tx_hash);

-- state tables --------------------------------------------------------------------------------

CREATE TABLE issuers (
  account TEXT PRIMARY KEY,
  issuer_id INTEGER NOT NULL,
  profile_hash TEXT,
  registered_block INTEGER
) WITHOUT ROWID;

CREATE TABLE batches (
  batch_id TEXT PRIMARY KEY,
  issuer TEXT NOT NULL,
  issuer_id INTEGER NOT NULL,
  merkle_root TEXT NOT NULL,
  count INTEGER NOT NULL,
  face_value TEXT NOT NULL,
  currency TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  activation_required INTEGER NOT NULL,
  metadata_hash TEXT NOT NULL,
  manifest_hash TEXT NOT NULL,
  metadata_uri TEXT NOT NULL,
  stock_start INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  head TEXT NOT NULL,
  issued_block INTEGER NOT NULL,
  issued_tx TEXT NOT NULL,
  issued_at INTEGER
) WITHOUT ROWID;
CREATE INDEX batches_by_issuer ON batches (issuer);

-- Custody runs, including the issuer's untouched stock [stock_start, count) as one row, so the
-- run holding serial s of batch b is one indexed query: the row with the largest start <= s.
CREATE TABLE runs (
  batch_id TEXT NOT NULL,
  start_serial INTEGER NOT NULL,
  end_serial INTEGER NOT NULL,
  holder TEXT NOT NULL,
  activated INTEGER NOT NULL,
  revoked INTEGER NOT NULL,
  revoke_reason INTEGER NOT NULL,
  PRIMARY KEY (batch_id, start_serial)
) WITHOUT ROWID;
CREATE INDEX runs_by_holder ON runs (holder, batch_id);

CREATE TABLE redeemers (
  batch_id TEXT NOT NULL,
  account TEXT NOT NULL,
  allowed INTEGER NOT NULL,
  PRIMARY KEY (batch_id, account)
) WITHOUT ROWID;

-- scope: a batch id, or '*' for setApprovalForAll.
CREATE TABLE approvals (
  holder TEXT NOT NULL,
  scope TEXT NOT NULL,
  operator TEXT NOT NULL,
  approved INTEGER NOT NULL,
  PRIMARY KEY (holder, scope, operator)
) WITHOUT ROWID;

-- The indexer's own replay of each batch's provenance hash chain (seq, head), next to the last
-- seq and head the events claimed. chain_ok = 0 once any link disagreed (see chain_mismatches).
CREATE TABLE chain_heads (
  batch_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  head TEXT NOT NULL,
  claimed_seq INTEGER NOT NULL,
  claimed_head TEXT NOT NULL,
  chain_ok INTEGER NOT NULL,
  mismatches INTEGER NOT NULL
) WITHOUT ROWID;

-- Escrow orders with their full terms (what fulfill/confirm/... take back) and current status.
CREATE TABLE orders (
  order_id TEXT PRIMARY KEY,
  buyer TEXT NOT NULL,
  supplier TEXT NOT NULL,
  token TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_price TEXT NOT NULL,
  fulfil_deadline INTEGER NOT NULL,
  challenge_window INTEGER NOT NULL,
  policy_id INTEGER NOT NULL,
  buyer_ref TEXT NOT NULL,
  salt TEXT NOT NULL,
  amount TEXT NOT NULL,
  status TEXT NOT NULL,
  lot_start INTEGER,
  lot_end INTEGER,
  release_at INTEGER,
  dispute_reason_hash TEXT,
  opened_block INTEGER NOT NULL,
  opened_tx TEXT NOT NULL,
  updated_block INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX orders_by_buyer ON orders (buyer);
CREATE INDEX orders_by_supplier ON orders (supplier);
CREATE INDEX orders_by_batch ON orders (batch_id);

-- What each account can withdraw from the escrow, per token.
CREATE TABLE credits (
  account TEXT NOT NULL,
  token TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (account, token)
) WITHOUT ROWID;

-- Protection fund and accrued platform fees per token.
CREATE TABLE pools (
  token TEXT PRIMARY KEY,
  fund TEXT NOT NULL,
  fees TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE policies (
  policy_id INTEGER PRIMARY KEY,
  arbiter TEXT NOT NULL,
  fee_bps INTEGER NOT NULL,
  fund_share_bps INTEGER NOT NULL,
  set_block INTEGER NOT NULL
);

CREATE TABLE tokens (
  token TEXT PRIMARY KEY,
  allowed INTEGER NOT NULL
) WITHOUT ROWID;

-- event tables --------------------------------------------------------------------------------

-- Every link of every batch's hash chain, with the serial range it touches (NULL for RedeemerSet),
-- so a card's history is one indexed query: batch_id = b AND start_serial <= s AND end_serial > s.
-- A 10,000-card lot is one row.
CREATE TABLE batch_events (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  start_serial INTEGER,
  end_serial INTEGER,
  from_account TEXT,
  to_account TEXT,
  operator TEXT,
  reason INTEGER,
  code_hash TEXT,
  allowed INTEGER,
  head TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX batch_events_by_range ON batch_events (batch_id, start_serial, end_serial);
CREATE INDEX batch_events_by_seq ON batch_events (batch_id, seq);

CREATE TABLE transfers (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  start_serial INTEGER NOT NULL,
  end_serial INTEGER NOT NULL,
  from_account TEXT NOT NULL,
  to_account TEXT NOT NULL,
  operator TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX transfers_by_to ON transfers (to_account);
CREATE INDEX transfers_by_from ON transfers (from_account);

CREATE TABLE activations (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  start_serial INTEGER NOT NULL,
  end_serial INTEGER NOT NULL,
  holder TEXT NOT NULL,
  operator TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX activations_by_batch ON activations (batch_id, start_serial);

CREATE TABLE revocations (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  start_serial INTEGER NOT NULL,
  end_serial INTEGER NOT NULL,
  reason INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX revocations_by_batch ON revocations (batch_id, start_serial);

CREATE TABLE redemptions (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  serial INTEGER NOT NULL,
  redeemer TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  seq INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX redemptions_by_card ON redemptions (batch_id, serial);

CREATE TABLE chain_mismatches (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  expected_seq INTEGER NOT NULL,
  actual_seq INTEGER NOT NULL,
  expected_head TEXT,
  claimed_head TEXT,
  PRIMARY KEY (block_number, log_index, reason)
) WITHOUT ROWID;
CREATE INDEX chain_mismatches_by_batch ON chain_mismatches (batch_id);

-- Every order transition: event name, status after it, and the event's arguments as JSON.
CREATE TABLE order_events (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  order_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  status TEXT NOT NULL,
  args_json TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX order_events_by_order ON order_events (order_id);

-- Protection fund movements: 'in' (fund share of a settlement's fee), 'out' (ProtectionFundPaid).
CREATE TABLE fund_movements (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  token TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  amount TEXT NOT NULL,
  order_id TEXT,
  recipient TEXT,
  arbiter TEXT,
  case_ref TEXT,
  tx_hash TEXT NOT NULL,
  block_timestamp INTEGER,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX fund_movements_by_token ON fund_movements (token);
`;

/** State tables and their primary key columns: written through the undo journal. */
export const STATE_TABLES = {
  issuers: ["account"],
  batches: ["batch_id"],
  runs: ["batch_id", "start_serial"],
  redeemers: ["batch_id", "account"],
  approvals: ["holder", "scope", "operator"],
  chain_heads: ["batch_id"],
  orders: ["order_id"],
  credits: ["account", "token"],
  pools: ["token"],
  policies: ["policy_id"],
  tokens: ["token"],
} as const;

export type StateTable = keyof typeof STATE_TABLES;

/** Append-only tables keyed by `(block_number, log_index)`: rolled back by block number. */
export const EVENT_TABLES = [
  "batch_events",
  "transfers",
  "activations",
  "revocations",
  "redemptions",
  "chain_mismatches",
  "order_events",
  "fund_movements",
] as const;

export type EventTable = (typeof EVENT_TABLES)[number];

/** Every table derived from `raw_logs`: what `rebuildDerived()` recomputes. */
export const DERIVED_TABLES = [...(Object.keys(STATE_TABLES) as StateTable[]), ...EVENT_TABLES] as const;
