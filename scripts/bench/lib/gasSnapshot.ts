import { readFile, writeFile } from "node:fs/promises";

import type { GasRow } from "./gasRow.js";

/** Hot path key -> gas, as committed in `scripts/bench/gas-snapshot.json`. */
export type GasSnapshot = Record<string, number>;

/** How much a hot path may grow before `--check` fails: 2%. */
export const REGRESSION_TOLERANCE = 0.02;

/** One hot path compared with the committed snapshot. */
export type SnapshotDiff = {
  key: string;
  committed: number | null;
  current: number | null;
  /** `current / committed - 1`, or null when either side is missing. */
  change: number | null;
  verdict: "unchanged" | "within tolerance" | "improved" | "regressed" | "not in snapshot" | "no longer measured";
};

/** The snapshot of a run's hot paths, keys sorted. */
export function snapshotOf(rows: readonly GasRow[]): GasSnapshot {
  const entries = rows.filter((row) => row.hotPath).map((row) => [row.key, row.gas] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Stable file text: sorted keys, two-space indentation, final newline. */
export function formatSnapshot(snapshot: GasSnapshot): string {
  const sorted = Object.fromEntries(Object.entries(snapshot).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export async function writeSnapshot(path: string, snapshot: GasSnapshot): Promise<void> {
  await writeFile(path, formatSnapshot(snapshot));
}

/**
 * The committed snapshot, or null when there is none.
 *
 * @throws when the file exists but is not an object of gas numbers.
 */
export async function readSnapshot(path: string): Promise<GasSnapshot | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path} is not a JSON object of hot path -> gas: regenerate it with npm run gas:snapshot`);
  }
  for (const [key, gas] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(gas))
      throw new Error(`${path}: "${key}" is not a gas number: regenerate it with npm run gas:snapshot`);
  }
  return parsed as GasSnapshot;
}

/**
 * Compares a run with the committed snapshot. Fails (`ok: false`) when a hot path grew by more than
 * `tolerance`, or when the two do not list the same hot paths (the snapshot is out of date).
 */
export function compareSnapshot(
  committed: GasSnapshot,
  current: GasSnapshot,
  tolerance = REGRESSION_TOLERANCE,
): { ok: boolean; diffs: SnapshotDiff[] } {
  const keys = [...new Set([...Object.keys(committed), ...Object.keys(current)])].sort();
  const diffs = keys.map((key): SnapshotDiff => {
    const before = committed[key] ?? null;
    const after = current[key] ?? null;
    if (before === null) return { key, committed: null, current: after, change: null, verdict: "not in snapshot" };
    if (after === null) return { key, committed: before, current: null, change: null, verdict: "no longer measured" };
    const change = after / before - 1;
    const verdict =
      after === before
        ? "unchanged"
        : change > tolerance
          ? "regressed"
          : change < -tolerance
            ? "improved"
            : "within tolerance";
    return { key, committed: before, current: after, change, verdict };
  });
  const failing = new Set<SnapshotDiff["verdict"]>(["regressed", "not in snapshot", "no longer measured"]);
  return { ok: diffs.every((diff) => !failing.has(diff.verdict)), diffs };
}
