/**
 * Serials as a short list of ranges for a sheet's footer: `[3, 4, 5, 9, 12, 13]` is `"3–5, 9, 12–13"`
 * (sorted, duplicates once, en dashes).
 */
export function formatSerialRanges(serials: readonly number[]): string {
  const sorted = [...new Set(serials)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    const first = sorted[i]!;
    let last = first;
    while (i + 1 < sorted.length && sorted[i + 1] === last + 1) last = sorted[++i]!;
    i++;
    ranges.push(first === last ? String(first) : `${first}\u2013${last}`);
  }
  return ranges.join(", ");
}
