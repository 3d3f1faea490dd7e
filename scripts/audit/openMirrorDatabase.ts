import Database from "better-sqlite3";
import type { Hex } from "viem";

import { AuditIncompleteError } from "./AuditIncompleteError.js";

/** What a mirror says about itself (`sync_state`). */
export type MirrorIdentity = {
  chainId: string;
  registry: Hex;
  escrow: Hex | null;
  startBlock: number;
  /** The checkpoint: the last block the mirror reflects; null before its first page. */
  lastBlock: number | null;
  lastBlockHash: Hex | null;
};

/**
 * Opens an indexer's SQLite file read-only, inside one read transaction, so every table is read at
 * the same checkpoint even while the indexer keeps writing (WAL readers see a snapshot).
 *
 * @throws {AuditIncompleteError} when the file is missing, unreadable or not an indexer's mirror.
 */
export function openMirrorDatabase(path: string) {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new AuditIncompleteError(`cannot open the indexer database ${path}: ${(error as Error).message}`, {
      hint: "pass the indexer's SQLite file (CARDPROOF_DB_PATH, default .cardproof/indexer.sqlite)",
      cause: error,
    });
  }
  try {
    db.exec("BEGIN");
    const version = db.pragma("user_version", { simple: true }) as number;
    const row = db
      .prepare(
        "SELECT chain_id, registry, escrow, start_block, last_block, last_block_hash FROM sync_state WHERE id = 1",
      )
      .get() as Record<string, unknown> | undefined;
    if (version < 1 || row === undefined) throw new Error(`schema version ${version}, no sync_state row`);
    const identity: MirrorIdentity = {
      chainId: String(row.chain_id),
      registry: String(row.registry).toLowerCase() as Hex,
      escrow: row.escrow === null ? null : (String(row.escrow).toLowerCase() as Hex),
      startBlock: Number(row.start_block),
      lastBlock: row.last_block === null ? null : Number(row.last_block),
      lastBlockHash: row.last_block_hash === null ? null : (String(row.last_block_hash).toLowerCase() as Hex),
    };
    return {
      path,
      identity,
      /**
       * A table's rows in primary-key order (only `columns`; `batchId` keeps one batch's rows).
       * @throws {AuditIncompleteError} when the table or a column does not exist.
       */
      rows(table: string, columns: readonly string[], key: readonly string[], batch?: { column: string; id: string }) {
        const present = new Set(
          (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name),
        );
        const missing = columns.filter((column) => !present.has(column));
        if (missing.length > 0) {
          throw new AuditIncompleteError(
            `the indexer database has no ${present.size === 0 ? `table ${table}` : `column ${missing.join(", ")} in ${table}`}`,
            { hint: "the file is not a CardProof indexer mirror of a known schema version" },
          );
        }
        const where = batch === undefined ? "" : ` WHERE ${batch.column} = ?`;
        const statement = db.prepare(`SELECT ${columns.join(", ")} FROM ${table}${where} ORDER BY ${key.join(", ")}`);
        return (batch === undefined ? statement.iterate() : statement.iterate(batch.id)) as IterableIterator<
          Record<string, unknown>
        >;
      },
      close() {
        if (db.inTransaction) db.exec("COMMIT");
        db.close();
      },
    };
  } catch (error) {
    db.close();
    if (error instanceof AuditIncompleteError) throw error;
    throw new AuditIncompleteError(`${path} is not a readable indexer database: ${(error as Error).message}`, {
      hint: "pass the indexer's SQLite file (CARDPROOF_DB_PATH, default .cardproof/indexer.sqlite)",
      cause: error,
    });
  }
}

export type MirrorDatabase = ReturnType<typeof openMirrorDatabase>;
