import type { AuditFinding } from "./AuditFinding.js";
import { compareMirrorTable, type TableComparison } from "./compareMirrorTable.js";
import { MIRROR_TABLES, type MirrorRow, type MirrorSource } from "./expectedMirrorRows.js";
import type { MirrorDatabase } from "./openMirrorDatabase.js";

/** Which tables were compared, and which were out of scope (and why). */
export type MirrorComparison = { tables: TableComparison[]; skipped: { table: string; reason: string }[] };

/**
 * Compares every derived table of an indexer's mirror (and `raw_logs`) with the rows the replay
 * at the mirror's checkpoint derives. With a one-batch scope only tables keyed by batch are
 * compared (that batch's rows); escrow tables only when the mirror follows the audited escrow.
 */
export function compareMirror({
  mirror,
  source,
  batchId,
  report,
  onTable,
}: {
  mirror: MirrorDatabase;
  source: MirrorSource;
  batchId: string | undefined;
  report: (finding: AuditFinding) => void;
  onTable?: (table: string) => void;
}): MirrorComparison {
  const tables: TableComparison[] = [];
  const skipped: { table: string; reason: string }[] = [];
  for (const table of MIRROR_TABLES) {
    if (batchId !== undefined && table.batchColumn === undefined) {
      skipped.push({ table: table.name, reason: "not keyed by batch (one-batch scope)" });
      continue;
    }
    if (table.escrow === true && (source.escrow === null || source.replay.escrow === undefined)) {
      skipped.push({ table: table.name, reason: "no escrow audited in this scope" });
      continue;
    }
    onTable?.(table.name);
    const scope = batchId === undefined ? undefined : { column: table.batchColumn!, id: batchId };
    const expected = scope === undefined ? table.rows(source) : only(table.rows(source), scope.column, scope.id);
    tables.push(
      compareMirrorTable({
        table,
        expected,
        actual: mirror.rows(table.name, table.columns, table.key, scope),
        report,
      }),
    );
  }
  return { tables, skipped };
}

function* only(rows: Iterable<MirrorRow>, column: string, id: string): Generator<MirrorRow> {
  for (const row of rows) if (row[column] === id) yield row;
}
