/**
 * Renders rows as a plain-text table with a header rule. Columns whose header starts with `>` are
 * right-aligned (the `>` is not printed).
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const right = headers.map((header) => header.startsWith(">"));
  const titles = headers.map((header) => header.replace(/^>/, ""));
  const widths = titles.map((title, c) => Math.max(title.length, ...rows.map((row) => (row[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(titles), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

/** `1234567` -> `"1,234,567"`. */
export function formatGas(gas: number): string {
  return gas.toLocaleString("en-US");
}
