import type { Database, Statement } from "better-sqlite3";

import type { Row } from "./createStateJournal.js";
import type { EventTable } from "./schemaV1.js";

/** Rows written by one multi-row `INSERT` (far below SQLite's limit of bound parameters). */
const ROWS_PER_INSERT = 64;

type Pending = { signature: string; columns: string[]; values: (string | number | null)[]; rows: number };

/**
 * Appends rows to the event tables (see `EVENT_TABLES`). They need no journal: every row carries
 * its `block_number`, and a rollback deletes the rows of rolled-back blocks.
 *
 * @dev Rows are buffered per table and written `ROWS_PER_INSERT` at a time (one multi-row
 * `INSERT`, in the order they came); `flush()` writes the rest and must run before the
 * transaction commits or the tables are read; `discard()` drops them when it is rolled back.
 */
export function createEventWriter(db: Database) {
  const inserts = new Map<string, Statement>();
  const pending = new Map<EventTable, Pending>();

  function insertOf(table: EventTable, { signature, columns }: Pending, rows: number): Statement {
    const key = `${table}:${signature}:${rows}`;
    let insert = inserts.get(key);
    if (insert === undefined) {
      const tuple = `(${columns.map(() => "?").join(", ")})`;
      insert = db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array.from({ length: rows }, () => tuple).join(", ")}`,
      );
      inserts.set(key, insert);
    }
    return insert;
  }

  function flushTable(table: EventTable, buffer: Pending) {
    if (buffer.rows === 0) return;
    if (buffer.rows === ROWS_PER_INSERT) {
      insertOf(table, buffer, ROWS_PER_INSERT).run(buffer.values);
    } else {
      const single = insertOf(table, buffer, 1);
      const width = buffer.columns.length;
      for (let i = 0; i < buffer.rows; i++) single.run(buffer.values.slice(i * width, (i + 1) * width));
    }
    buffer.values = [];
    buffer.rows = 0;
  }

  return {
    insert(table: EventTable, row: Row) {
      let buffer = pending.get(table);
      // The hot path: the row has the buffered rows' columns, in the same order (no key list built).
      if (buffer !== undefined) {
        const { columns, values } = buffer;
        let index = 0;
        let same = true;
        for (const column in row) same = same && columns[index++] === column;
        if (same && index === columns.length) {
          for (const column of columns) values.push(row[column]!);
          if (++buffer.rows === ROWS_PER_INSERT) flushTable(table, buffer);
          return;
        }
        flushTable(table, buffer);
      }
      const columns = Object.keys(row);
      buffer = { signature: columns.join(","), columns, values: [], rows: 0 };
      pending.set(table, buffer);
      for (const column of columns) buffer.values.push(row[column]!);
      if (++buffer.rows === ROWS_PER_INSERT) flushTable(table, buffer);
    },

    /** Writes the buffered rows; must run before the transaction commits or the tables are read. */
    flush() {
      for (const [table, buffer] of pending) flushTable(table, buffer);
      pending.clear();
    },

    /** Drops the buffered rows (the transaction is being rolled back). */
    discard() {
      pending.clear();
    },
  };
}

export type EventWriter = ReturnType<typeof createEventWriter>;
