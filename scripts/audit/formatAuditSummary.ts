import type { AuditFinding, FindingKind } from "./AuditFinding.js";
import type { AuditReport } from "./AuditReport.js";

/** Findings printed in the human summary; the JSON report keeps them all (up to `--max-findings`). */
const SHOWN = 40;

const n = (value: number) => value.toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** Groups of finding kinds, for the mark after each line of the summary. */
const GROUPS: Record<string, readonly FindingKind[]> = {
  logs: [
    "undecodable-log",
    "link-mismatch",
    "replay-conflict",
    "order-id-mismatch",
    "settlement-mismatch",
    "delivery-mismatch",
  ],
  batches: [
    "head-mismatch",
    "seq-mismatch",
    "batch-mismatch",
    "issuer-mismatch",
    "redeemer-mismatch",
    "approval-mismatch",
  ],
  cards: [
    "custody-mismatch",
    "activation-mismatch",
    "revocation-mismatch",
    "redeemed-mismatch",
    "status-mismatch",
    "card-payload-mismatch",
  ],
  escrow: [
    "order-state-mismatch",
    "credit-mismatch",
    "pool-mismatch",
    "escrow-config-mismatch",
    "escrow-balance-mismatch",
  ],
  indexer: [
    "indexer-identity-mismatch",
    "indexer-missing-row",
    "indexer-extra-row",
    "indexer-different-row",
    "indexer-behind",
  ],
};

/**
 * The audit report for people: what was audited, what each step covered (counts), every finding
 * with its evidence (block, transaction, batch, card, order, mirror row), and the verdict with its
 * exit code.
 */
export function formatAuditSummary(report: AuditReport): string[] {
  const lines: string[] = [];
  const { chain, checked, timings, scope } = report;
  const count = (group: string) =>
    (GROUPS[group] ?? []).reduce((sum, kind) => sum + (report.findingCounts[kind] ?? 0), 0);
  const mark = (group: string) =>
    report.verdict === "incomplete" && count(group) === 0
      ? ""
      : count(group) === 0
        ? "  ok"
        : `  ${n(count(group))} finding(s)`;

  const block = chain.block;
  lines.push(
    block === null
      ? `CardProof audit of chain ${chain.chainId} (${chain.rpc})`
      : `CardProof audit of chain ${chain.chainId} at block ${n(block.number)} (${block.hash.slice(0, 10)}…, ${new Date(block.timestamp * 1000).toISOString().replace(".000Z", "Z")})`,
  );
  lines.push(
    `  registry ${chain.registry}${chain.escrow === null ? "" : `, escrow ${chain.escrow}`}, logs from block ${n(chain.fromBlock)}`,
  );
  if (scope.batch !== null)
    lines.push(`  scope: ${scope.card === null ? `batch ${scope.batch}` : `card ${scope.card}`}`);
  if (block !== null) {
    lines.push(
      `  logs      ${n(checked.events)} events read in ${seconds(timings.fetchMs)}, decoded and replayed in ${seconds(timings.decodeMs + timings.replayMs)} (${n(timings.eventsPerSecond)} events/s)${mark("logs")}`,
    );
    lines.push(
      `  batches   ${n(checked.batches)} batches, ${n(checked.links)} hash-chain links recomputed and compared with batchOf; ${n(checked.issuers)} issuers, ${n(checked.redeemers)} redeemers, ${n(checked.approvals)} approvals${mark("batches")}`,
    );
    const how =
      scope.cards === "full"
        ? "every card"
        : scope.cards === "card"
          ? "the named card"
          : `a sample of ${n(scope.sample ?? 0)} per batch, seed ${scope.seed ?? "-"}`;
    lines.push(
      `  cards     ${n(checked.cards)} cards (${how}) in ${n(checked.runs)} runs${checked.redemptionSegments > 0 ? `, ${n(checked.redemptionSegments)} bitmap segments` : ""}${mark("cards")}`,
    );
    if (chain.escrow !== null && scope.batch === null) {
      const tokens = checked.balances
        .map((balance) => `${balance.token.slice(0, 10)}… holds ${balance.balance}, books ${balance.books}`)
        .join("; ");
      lines.push(
        `  escrow    ${n(checked.orders)} orders, ${n(checked.credits)} credits, ${n(checked.policies)} policies, ${n(checked.tokens)} tokens${tokens === "" ? "" : ` (${tokens})`}${mark("escrow")}`,
      );
    }
    for (const indexer of checked.indexer) {
      const rows = indexer.tables.reduce((sum, table) => sum + table.expected, 0);
      lines.push(
        `  indexer   ${indexer.source === "sqlite" ? indexer.location : `API ${indexer.location}`} at block ${indexer.checkpoint === null ? "-" : n(indexer.checkpoint)}: ${indexer.tables.length} ${indexer.source === "sqlite" ? "tables" : "routes"}, ${n(rows)} rows compared${indexer.skipped.length > 0 ? ` (${indexer.skipped.length} out of scope)` : ""}${mark("indexer")}`,
      );
    }
    for (const item of checked.notChecked) lines.push(`  not checked: ${item}`);
  }

  const total = Object.values(report.findingCounts).reduce((sum, value) => sum + (value ?? 0), 0);
  if (total > 0) {
    lines.push(
      "",
      `findings (${n(total)}: ${Object.entries(report.findingCounts)
        .map(([kind, value]) => `${kind} ${n(value ?? 0)}`)
        .join(", ")}):`,
    );
    for (const item of report.findings.slice(0, SHOWN))
      lines.push(`  ${item.severity === "warning" ? "!" : "x"} ${item.kind}  ${item.message}${evidence(item)}`);
    if (total > SHOWN)
      lines.push(
        `  … ${n(total - Math.min(SHOWN, report.findings.length))} more in the JSON report (--report <file>, --json)`,
      );
  }
  lines.push("");
  if (report.verdict === "incomplete") {
    lines.push(
      `verdict: INCOMPLETE, nothing can be concluded (exit 2): ${report.error?.message ?? "the audit stopped"}`,
    );
    if (report.error?.hint !== undefined) lines.push(`  ${report.error.hint}`);
  } else if (report.verdict === "findings") {
    lines.push(`verdict: ${n(total)} finding(s) (exit 1)`);
  } else {
    lines.push("verdict: consistent, the logs, the contracts' state and every compared mirror agree (exit 0)");
  }
  return lines;
}

function evidence(item: AuditFinding): string {
  const parts: string[] = [];
  if (item.block !== undefined && !item.message.includes(`block ${item.block}`)) parts.push(`block ${item.block}`);
  if (item.tx !== undefined && !item.message.includes(item.tx)) parts.push(`tx ${item.tx}`);
  return parts.length === 0 ? "" : ` [${parts.join(", ")}]`;
}
