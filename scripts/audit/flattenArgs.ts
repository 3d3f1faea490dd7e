/**
 * An event's arguments as flat `path → text` pairs, for comparing a mirror's JSON copy with the
 * auditor's own decoding whatever each side's conventions: numbers, bigints and decimal strings
 * become the same decimal text, hex (addresses, hashes) lower case, nested tuples `params.count`.
 */
export function flattenArgs(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    value.forEach((item, index) => flattenArgs(item, prefix === "" ? String(index) : `${prefix}.${index}`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) flattenArgs(item, prefix === "" ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, scalarText(value));
  }
  return out;
}

function scalarText(value: unknown): string {
  if (typeof value === "string") return /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : value;
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  return value === null || value === undefined ? "null" : JSON.stringify(value);
}

/** Whether two argument sets say the same (see {@link flattenArgs}). */
export function sameArgs(a: unknown, b: unknown): boolean {
  const left = flattenArgs(a);
  const right = flattenArgs(b);
  if (left.size !== right.size) return false;
  for (const [path, text] of left) if (right.get(path) !== text) return false;
  return true;
}
