/**
 * A copy of `value` that `JSON.stringify` accepts and that reads back the same way: bigints become
 * decimal strings, arrays and plain objects are copied recursively, everything else is kept.
 *
 * @dev The indexer stores decoded event arguments through this, and derives its tables from the
 * parsed result, so live indexing and `rebuildDerived()` see identical inputs.
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = toJsonSafe(item);
    return copy;
  }
  return value;
}
