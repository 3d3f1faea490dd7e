import { finding, type AuditFinding } from "./AuditFinding.js";
import { compareSqlKeys } from "./compareSqlValues.js";
import type { MirrorRow, MirrorTable } from "./expectedMirrorRows.js";
import { sameArgs } from "./flattenArgs.js";

/** How one table compared. */
export type TableComparison = {
  table: string;
  expected: number;
  actual: number;
  missing: number;
  extra: number;
  different: number;
};

/** What the comparison needs to know of a table: its name, key and compared columns. */
export type ComparedTable = Pick<MirrorTable, "name" | "key" | "columns" | "jsonColumns">;

/**
 * Walks the rows the replay derives and the rows a mirror holds side by side, both in
 * primary-key order, and reports each row missing from the mirror, each row only the mirror has,
 * and each row whose values differ (with the differing columns). Streams both sides: memory does
 * not grow with the table.
 *
 * @param jsonText Parses a JSON column of the mirror (event arguments), compared by meaning.
 */
export function compareMirrorTable({
  table,
  expected,
  actual,
  report,
}: {
  table: ComparedTable;
  expected: Iterable<MirrorRow>;
  actual: Iterable<Record<string, unknown>>;
  report: (finding: AuditFinding) => void;
}): TableComparison {
  const result: TableComparison = { table: table.name, expected: 0, actual: 0, missing: 0, extra: 0, different: 0 };
  const json = new Set(table.jsonColumns ?? []);
  const valueColumns = table.columns.filter((column) => !table.key.includes(column));
  const left = expected[Symbol.iterator]();
  const right = actual[Symbol.iterator]();
  let mine = left.next();
  let theirs = right.next();
  while (mine.done !== true || theirs.done !== true) {
    const order =
      mine.done === true ? 1 : theirs.done === true ? -1 : compareSqlKeys(mine.value, theirs.value, table.key);
    if (order < 0) {
      const row = mine.value as MirrorRow;
      result.expected++;
      result.missing++;
      report(
        finding("indexer-missing-row", `${table.name}: the mirror lacks ${describeRow(table, row)}`, {
          ...evidenceOf(table, row),
          expected: printable(row),
        }),
      );
      mine = left.next();
    } else if (order > 0) {
      const row = theirs.value as Record<string, unknown>;
      result.actual++;
      result.extra++;
      report(
        finding(
          "indexer-extra-row",
          `${table.name}: the mirror holds ${describeRow(table, row)}, which no log on chain gives`,
          {
            ...evidenceOf(table, row),
            actual: row,
          },
        ),
      );
      theirs = right.next();
    } else {
      const row = mine.value as MirrorRow;
      const held = theirs.value as Record<string, unknown>;
      result.expected++;
      result.actual++;
      const differing = valueColumns.filter((column) =>
        json.has(column) ? !sameJson(row[column], held[column]) : text(row[column]) !== text(held[column]),
      );
      if (differing.length > 0) {
        result.different++;
        report(
          finding(
            "indexer-different-row",
            `${table.name}: ${describeRow(table, row)} differs in ${differing.map((column) => `${column} (mirror ${text(held[column])}, chain ${text(row[column])})`).join(", ")}`,
            {
              ...evidenceOf(table, row),
              expected: Object.fromEntries(differing.map((column) => [column, printable(row)[column]])),
              actual: Object.fromEntries(differing.map((column) => [column, held[column]])),
            },
          ),
        );
      }
      mine = left.next();
      theirs = right.next();
    }
  }
  return result;
}

/** Column values as text, so INTEGER 5, TEXT "5" and 5n compare equal; NULL stays distinct. */
function text(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "object")
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
  return String(value);
}

function sameJson(expected: unknown, held: unknown): boolean {
  if (typeof held !== "string") return false;
  try {
    return sameArgs(expected, JSON.parse(held));
  } catch {
    return false;
  }
}

/** A row with bigints as text, for the JSON report. */
function printable(row: MirrorRow): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      column,
      typeof value === "object" && value !== null ? JSON.parse(text(value)) : value,
    ]),
  );
}

/** Where a row points on chain, for a finding. */
function evidenceOf(table: ComparedTable, row: Record<string, unknown>): Partial<AuditFinding> {
  const evidence: Partial<AuditFinding> = {
    table: table.name,
    key: Object.fromEntries(table.key.map((column) => [column, row[column]])),
  };
  const block = row.block_number ?? row.issued_block ?? row.opened_block ?? row.set_block;
  if (typeof block === "number") evidence.block = block;
  if (typeof row.log_index === "number") evidence.logIndex = row.log_index;
  const tx = row.tx_hash ?? row.issued_tx ?? row.opened_tx;
  if (typeof tx === "string") evidence.tx = tx;
  if (row.batch_id !== undefined && row.batch_id !== null) evidence.batchId = String(row.batch_id);
  const serial = row.serial ?? row.start_serial;
  if (typeof serial === "number") evidence.serial = serial;
  if (typeof row.order_id === "string") evidence.orderId = row.order_id;
  if (typeof row.token === "string") evidence.token = row.token;
  return evidence;
}

/** A row in a few words: what event or state it is, and where. */
function describeRow(table: ComparedTable, row: Record<string, unknown>): string {
  const parts: string[] = [];
  if (row.event_name !== undefined && row.event_name !== null) parts.push(String(row.event_name));
  if (row.batch_id !== undefined && row.batch_id !== null) parts.push(`batch ${String(row.batch_id)}`);
  if (typeof row.serial === "number") parts.push(`card ${row.serial}`);
  else if (typeof row.start_serial === "number" && typeof row.end_serial === "number") {
    parts.push(`serials [${row.start_serial}, ${row.end_serial})`);
  }
  if (typeof row.holder === "string" && table.name === "runs") parts.push(`held by ${row.holder}`);
  if (typeof row.order_id === "string") parts.push(`order ${row.order_id}`);
  if (typeof row.account === "string") parts.push(`account ${row.account}`);
  if (typeof row.token === "string" && table.name !== "orders") parts.push(`token ${row.token}`);
  if (typeof row.block_number === "number") parts.push(`at block ${row.block_number} log ${String(row.log_index)}`);
  if (typeof row.tx_hash === "string") parts.push(`(tx ${row.tx_hash})`);
  if (parts.length === 0) parts.push(table.key.map((column) => `${column} ${text(row[column])}`).join(", "));
  return `the row of ${parts.join(" ")}`;
}
