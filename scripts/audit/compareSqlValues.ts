/**
 * Orders two column values as SQLite's `ORDER BY` does with the BINARY collation: NULL first,
 * then numbers by value, then text by code unit (bytewise for ASCII, which is all a mirror's keys
 * hold), then anything else. Lets the auditor walk its expected rows and a mirror's rows side by
 * side, both sorted by primary key.
 */
export function compareSqlValues(a: unknown, b: unknown): number {
  const rankA = rank(a);
  const rankB = rank(b);
  if (rankA !== rankB) return rankA - rankB;
  if (rankA === 1) return Number(a) - Number(b);
  if (rankA === 2) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  return 0;
}

/** Compares two rows by their `key` columns, in order. */
export function compareSqlKeys(a: Record<string, unknown>, b: Record<string, unknown>, key: readonly string[]): number {
  for (const column of key) {
    const order = compareSqlValues(a[column], b[column]);
    if (order !== 0) return order;
  }
  return 0;
}

function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "number" || typeof value === "bigint") return 1;
  if (typeof value === "string") return 2;
  return 3;
}
