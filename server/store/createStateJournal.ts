import type { Database, Statement } from "better-sqlite3";

import { STATE_TABLES, type StateTable } from "./schemaV1.js";

/** A row of a state table: column name → SQLite value. */
export type Row = Record<string, string | number | null>;

type TableStatements = { select: Statement; remove: Statement; upserts: Map<string, Statement> };

/**
 * Tables rewritten by nearly every log (a batch's seq/head, a chain tip) whose rows are kept in
 * memory while a page is applied and written once at its end (`flush`). They are read only by key
 * through this journal while a page is applied, never by other SQL.
 */
const CACHED_TABLES: ReadonlySet<StateTable> = new Set<StateTable>(["batches", "chain_heads"]);

/**
 * Writes to the state tables (see `STATE_TABLES`) that can be undone exactly: before a row
 * changes, its previous image (or its absence) is appended to `undo_log` under the block being
 * applied. `undoAfter(n)` replays those images newest first, which restores every state table to
 * what it was after block `n`.
 *
 * @dev Why an undo journal rather than re-deriving from `raw_logs` after a reorg: a rollback then
 * costs O(changes in the rolled-back blocks) instead of O(whole history), and no state table ever
 * needs a block-number column. Entries are written only for blocks above the finalized block
 * (`begin(block, false)` turns them off) and pruned once their block is final, so during a
 * backfill of final blocks the journal costs nothing. The invariant the store keeps: every
 * applied block above `sync_state.finalized_block` is fully journaled. Only a key's first change
 * in a block is journaled: `undoAfter` replays newest first, so that image is the one that counts.
 *
 * Rows of `CACHED_TABLES` are written back at `flush()` (the store calls it before committing a
 * page) and dropped by `discard()` (when the transaction is rolled back).
 */
export function createStateJournal(db: Database) {
  const statements = new Map<StateTable, TableStatements>();
  const insertUndo = db.prepare(
    "INSERT INTO undo_log (block_number, table_name, key_json, old_row_json) VALUES (?, ?, ?, ?)",
  );
  let journalBlock: number | undefined;
  /** Keys (`table` + key values) already journaled for `journalBlock`. */
  const journaled = new Set<string>();
  /** Pending rows of `CACHED_TABLES` by table and key string; null: removed. */
  const cache = new Map<StateTable, Map<string, { key: Row; row: Row | null }>>();

  function statementsOf(table: StateTable): TableStatements {
    let found = statements.get(table);
    if (found === undefined) {
      const where = STATE_TABLES[table].map((column) => `${column} = @${column}`).join(" AND ");
      found = {
        select: db.prepare(`SELECT * FROM ${table} WHERE ${where}`),
        remove: db.prepare(`DELETE FROM ${table} WHERE ${where}`),
        upserts: new Map(),
      };
      statements.set(table, found);
    }
    return found;
  }

  function keyOf(table: StateTable, row: Row): Row {
    const key: Row = {};
    for (const column of STATE_TABLES[table]) {
      const value = row[column];
      if (value === undefined) throw new Error(`state row of ${table} lacks key column ${column}`);
      key[column] = value;
    }
    return key;
  }

  function keyString(table: StateTable, key: Row): string {
    let text = "";
    for (const column of STATE_TABLES[table]) text += `${String(key[column])}\u0000`;
    return text;
  }

  function cacheOf(table: StateTable) {
    let found = cache.get(table);
    if (found === undefined) {
      found = new Map();
      cache.set(table, found);
    }
    return found;
  }

  function read(table: StateTable, key: Row): Row | undefined {
    if (CACHED_TABLES.has(table)) {
      const pending = cache.get(table)?.get(keyString(table, key));
      if (pending !== undefined) return pending.row ?? undefined;
    }
    return statementsOf(table).select.get(key) as Row | undefined;
  }

  function write(table: StateTable, row: Row) {
    const columns = Object.keys(row);
    const signature = columns.join(",");
    const { upserts } = statementsOf(table);
    let upsert = upserts.get(signature);
    if (upsert === undefined) {
      upsert = db.prepare(
        `INSERT OR REPLACE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      );
      upserts.set(signature, upsert);
    }
    upsert.run(Object.values(row));
  }

  function remember(table: StateTable, key: Row) {
    if (journalBlock === undefined) return;
    const id = `${table}\u0000${keyString(table, key)}`;
    if (journaled.has(id)) return;
    journaled.add(id);
    const old = read(table, key);
    insertUndo.run(journalBlock, table, JSON.stringify(key), old === undefined ? null : JSON.stringify(old));
  }

  function writeCached() {
    for (const [table, pending] of cache) {
      for (const { key, row } of pending.values()) {
        if (row === null) statementsOf(table).remove.run(key);
        else write(table, row);
      }
    }
    cache.clear();
  }

  function flush() {
    writeCached();
    discard();
  }

  function discard() {
    cache.clear();
    journaled.clear();
    journalBlock = undefined;
  }

  return {
    /** Changes from now on belong to `blockNumber`; journaled only when `journal` (block not final). */
    begin(blockNumber: number, journal: boolean) {
      const next = journal ? blockNumber : undefined;
      if (next !== journalBlock) journaled.clear();
      journalBlock = next;
    },

    /** The row with `key` (callers must not change the returned object). */
    get<T extends Row>(table: StateTable, key: Row): T | undefined {
      return read(table, key) as T | undefined;
    },

    /** Inserts or replaces a whole row (every column of the table); the row must not be changed afterwards. */
    put(table: StateTable, row: Row) {
      const key = keyOf(table, row);
      remember(table, key);
      if (CACHED_TABLES.has(table)) cacheOf(table).set(keyString(table, key), { key, row });
      else write(table, row);
    },

    remove(table: StateTable, key: Row) {
      remember(table, key);
      if (CACHED_TABLES.has(table)) cacheOf(table).set(keyString(table, key), { key, row: null });
      else statementsOf(table).remove.run(key);
    },

    /** Writes the pending rows of the cached tables; must run before the transaction commits. */
    flush,

    /**
     * Writes the pending rows of the cached tables now, keeping the journal's block: for the rare
     * derivation that must read a cached table by SQL (an issuer's batches when its key rotates).
     */
    writeCached,

    /** Forgets the pending rows (the transaction is being rolled back). */
    discard,

    /** Restores every state table to its content after block `blockNumber` and drops the used entries. */
    undoAfter(blockNumber: number) {
      flush();
      const entries = db
        .prepare("SELECT table_name, key_json, old_row_json FROM undo_log WHERE block_number > ? ORDER BY id DESC")
        .all(blockNumber) as { table_name: StateTable; key_json: string; old_row_json: string | null }[];
      for (const entry of entries) {
        if (entry.old_row_json === null) statementsOf(entry.table_name).remove.run(JSON.parse(entry.key_json) as Row);
        else write(entry.table_name, JSON.parse(entry.old_row_json) as Row);
      }
      db.prepare("DELETE FROM undo_log WHERE block_number > ?").run(blockNumber);
      return entries.length;
    },
  };
}

export type StateJournal = ReturnType<typeof createStateJournal>;
