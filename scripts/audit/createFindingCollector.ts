import type { AuditFinding, FindingKind } from "./AuditFinding.js";

/**
 * Collects findings, counting every one but keeping at most `maxPerKind` of each kind (and table),
 * so a mirror missing a million rows yields a readable report that still says "1,000,000".
 */
export function createFindingCollector({ maxPerKind }: { maxPerKind: number }) {
  const kept: AuditFinding[] = [];
  const counts = new Map<FindingKind, number>();
  const keptPerGroup = new Map<string, number>();
  return {
    add(item: AuditFinding): void {
      counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
      const group = `${item.kind}|${item.table ?? ""}`;
      const already = keptPerGroup.get(group) ?? 0;
      if (already >= maxPerKind) return;
      keptPerGroup.set(group, already + 1);
      kept.push(item);
    },
    addAll(items: Iterable<AuditFinding>): void {
      for (const item of items) this.add(item);
    },
    /** Findings kept, in the order found. */
    get findings(): readonly AuditFinding[] {
      return kept;
    },
    /** Every finding counted, by kind. */
    get counts(): Partial<Record<FindingKind, number>> {
      return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
    },
    get total(): number {
      let total = 0;
      for (const count of counts.values()) total += count;
      return total;
    },
  };
}

export type FindingCollector = ReturnType<typeof createFindingCollector>;
