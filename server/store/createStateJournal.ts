import type { Database, Statement } from "better-sqlite3";

import { STATE_TABLES, type StateTable } from "./schemaV1.js";

/** A row of a state table: column name → SQLite value. */
export type Row = Record<string, string | number | null>;

type TableStatements = { select: Statement; remove: Statement; upserts: Map<string, Statement> };

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
 * applied block above `sync_state.finalized_block` is fully journaled.
 */
export function createStateJournal(db: Database) {
  const statements = new Map<StateTable, TableStatements>();
  const insertUndo = db.prepare(
    "INSERT INTO undo_log (block_number, table_name, key_json, old_row_json) VALUES (?, ?, ?, ?)",
  );
  let journalBlock: number | undefined;

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

  function write(table: StateTable, row: Row) {
    const columns = Object.keys(row);
    const signature = columns.join(",");
    const { upserts } = statementsOf(table);
    let upsert = upserts.get(signature);
    if (upsert === undefined) {
      upsert = db.prepare(
        `INSERT OR REPLACE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
      );
      upserts.set(signature, upsert);
    }
    upsert.run(row);
  }

  function remember(table: StateTable, key: Row) {
    if (journalBlock === undefined) return;
    const old = statementsOf(table).select.get(key) as Row | undefined;
    insertUndo.run(journalBlock, table, JSON.stringify(key), old === undefined ? null : JSON.stringify(old));
  }

  return {
    /** Changes from now on belong to `blockNumber`; journaled only when `journal` (block not final). */
    begin(blockNumber: number, journal: boolean) {
      journalBlock = journal ? blockNumber : undefined;
    },

    get<T extends Row>(table: StateTable, key: Row): T | undefined {
      return statementsOf(table).select.get(key) as T | undefined;
    },

    /** Inserts or replaces a whole row (every column of the table). */
    put(table: StateTable, row: Row) {
      remember(table, keyOf(table, row));
      write(table, row);
    },

    remove(table: StateTable, key: Row) {
      remember(table, key);
      statementsOf(table).remove.run(key);
    },

    /** Restores every state table to its content after block `blockNumber` and drops the used entries. */
    undoAfter(blockNumber: number) {
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
