import type { Database, Statement } from "better-sqlite3";

import type { Row } from "./createStateJournal.js";
import type { EventTable } from "./schemaV1.js";

/**
 * Appends rows to the event tables (see `EVENT_TABLES`). They need no journal: every row carries
 * its `block_number`, and a rollback deletes the rows of rolled-back blocks.
 */
export function createEventWriter(db: Database) {
  const inserts = new Map<string, Statement>();
  return {
    insert(table: EventTable, row: Row) {
      const columns = Object.keys(row);
      const signature = `${table}:${columns.join(",")}`;
      let insert = inserts.get(signature);
      if (insert === undefined) {
        insert = db.prepare(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
        );
        inserts.set(signature, insert);
      }
      insert.run(row);
    },
  };
}

export type EventWriter = ReturnType<typeof createEventWriter>;
