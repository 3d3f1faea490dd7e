import type { Database } from "better-sqlite3";

import { SCHEMA_V1 } from "./schemaV1.js";
import { SCHEMA_V2 } from "./schemaV2.js";
import { SCHEMA_V3 } from "./schemaV3.js";
import { SCHEMA_V4 } from "./schemaV4.js";
import { SCHEMA_V5 } from "./schemaV5.js";
import { SCHEMA_V6 } from "./schemaV6.js";
import { SCHEMA_V7 } from "./schemaV7.js";
import { SchemaVersionError } from "./SchemaVersionError.js";

/** Migrations in order; the schema version (`PRAGMA user_version`) is how many have run. */
const MIGRATIONS: readonly string[] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6, SCHEMA_V7];

/** The schema version this indexer writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to {@link SCHEMA_VERSION}, each migration in its own transaction together
 * with the version bump, so a crash leaves either the old or the new schema.
 *
 * @dev A migration that changes how tables derive may end with a note to run `rebuildDerived()`:
 * `raw_logs` holds every decoded log, so derived tables never need the chain to be re-read.
 */
export function migrate(db: Database, path = db.name): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) throw new SchemaVersionError(path, current, SCHEMA_VERSION);
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return SCHEMA_VERSION;
}
