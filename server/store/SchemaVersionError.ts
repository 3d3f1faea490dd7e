import { BaseError } from "../internal/BaseError.js";

/** The database file was written by a newer indexer, with a schema this version cannot read. */
export class SchemaVersionError extends BaseError {
  override name = "SchemaVersionError";

  constructor(path: string, found: number, supported: number) {
    super(`database schema version ${found} is newer than this indexer's (${supported})`, {
      details:
        `${path} was written by a newer CardProof indexer. Run that version, or point ` +
        `CARDPROOF_DB_PATH at another file (or delete this one) to resync from the chain.`,
    });
  }
}
