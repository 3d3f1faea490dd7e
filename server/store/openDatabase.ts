import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import Database from "better-sqlite3";

import { migrate } from "./migrate.js";

/**
 * Opens (creating it and its folder if needed) the indexer's SQLite database and migrates it.
 *
 * @dev WAL journal with `synchronous = NORMAL`: a commit survives the process being killed at
 * any point (kill -9), because the WAL is written before the commit returns; only a power loss or
 * OS crash can lose the last commits, and then whole transactions at once. Every page of logs is
 * committed together with its checkpoint, so the mirror and its checkpoint can never disagree:
 * after any crash the indexer resumes from the checkpoint with nothing lost and nothing doubled.
 *
 * The WAL is copied back into the database (a checkpoint, with the only fsyncs NORMAL makes) once it
 * holds 8,192 pages (32 MB) rather than SQLite's 1,000: a backfill page dirties a few thousand
 * pages, so at 1,000 every commit checkpointed and index pages rewritten by consecutive pages were
 * copied (and synced) each time. `journal_size_limit` truncates the WAL file back to 64 MB after.
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("temp_store = MEMORY");
  db.pragma("foreign_keys = OFF");
  db.pragma("wal_autocheckpoint = 8192");
  db.pragma("journal_size_limit = 67108864");
  migrate(db, path);
  return db;
}
