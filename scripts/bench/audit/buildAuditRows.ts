import type { GeneratedChain } from "../indexer/generateIndexerEvents.js";
import type { BackfillResult } from "../indexer/measureBackfill.js";
import type { ReplayMeasurement } from "./measureReplay.js";
import type { AuditRun } from "./runAuditCommand.js";

export type AuditUnit = "events" | "events/s" | "s" | "MB" | "calls" | "rows" | "findings";

/** One figure of the auditor's table. */
export type AuditRow = {
  key: string;
  figure: string;
  value: number | null;
  unit: AuditUnit;
  target: { op: ">=" | "<=" | "="; value: number } | null;
  /** Whether the target was met; null without a target. */
  pass: boolean | null;
  note: string;
};

const MB = 1_000_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const n = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 0 });

/** The table's rows, in reading order. */
export function buildAuditRows({
  chain,
  replay,
  runs,
  mirror,
  targets,
}: {
  chain: GeneratedChain;
  replay: ReplayMeasurement;
  runs: AuditRun[];
  mirror: { backfill: Omit<BackfillResult, "indexer">; run: AuditRun } | undefined;
  /** Speed and size targets apply (not to a `--quick` smoke run, too small to warm the JIT up). */
  targets: boolean;
}): AuditRow[] {
  const speed = targets ? { op: ">=" as const, value: 50_000 } : null;
  const reports = runs.map((run) => run.report);
  const cliRate = median(reports.map((report) => report.timings.eventsPerSecond));
  const rows: AuditRow[] = [
    row(
      "events",
      "events audited (registry + escrow logs)",
      replay.events,
      "events",
      targets ? { op: ">=", value: 200_000 } : null,
      `${n(chain.plan.redemptions)} redemptions, ${n(chain.plan.transfers)} lot transfers, ${n(chain.plan.orders)} orders, ${n(chain.setupEvents)} setup; ${n(chain.blocks)} blocks`,
    ),
    row(
      "replay.eventsPerSecond",
      "replay speed in process (decode + state machines), events/s",
      replay.eventsPerSecond,
      "events/s",
      speed,
      `median of ${replay.repeats}: decode ${replay.decodeSeconds.toFixed(2)} s + replay ${replay.replaySeconds.toFixed(2)} s; fetch excluded`,
    ),
    row(
      "replay.stateMachineEventsPerSecond",
      "state machines alone (custody, bitmap, hash chains, escrow), events/s",
      replay.replayEventsPerSecond,
      "events/s",
      null,
      "keccak link per event, run splits, order books",
    ),
    row(
      "cli.eventsPerSecond",
      "replay speed inside `cardproof audit`, events/s",
      cliRate,
      "events/s",
      speed,
      `median of ${runs.length} runs (report timings: decode + replay)`,
    ),
    row(
      "fetch.seconds",
      "eth_getLogs fetch (reported apart), s",
      median(reports.map((report) => report.timings.fetchMs / 1000)),
      "s",
      null,
      `median of ${runs.length} runs; in process ${replay.fetchSeconds.toFixed(2)} s over ${n(replay.fetchPages)} adaptive pages`,
    ),
    row(
      "views.seconds",
      "contract checks at the audited block, s",
      median(reports.map((report) => report.timings.viewsMs / 1000)),
      "s",
      null,
      `${n(median(reports.map((report) => report.timings.viewCalls)))} eth_calls: ${n(reports[0]!.checked.batches)} batch heads, ${n(reports[0]!.checked.cards)} sampled cards in ${n(reports[0]!.checked.runs)} runs, ${n(reports[0]!.checked.orders)} orders, balances`,
    ),
    row(
      "cli.seconds",
      "`cardproof audit` wall time, s",
      median(runs.map((run) => run.seconds)),
      "s",
      null,
      "process start to exit, Node + tsx start-up included",
    ),
    row(
      "cli.peakRss",
      "peak memory of `cardproof audit` (VmHWM), MB",
      Math.max(...runs.map((run) => run.peakRss)) / MB,
      "MB",
      null,
      "the audit process alone (the chain lives in the benchmark process)",
    ),
    row(
      "cli.findings",
      "findings on the clean chain",
      Math.max(
        ...reports.map((report) => Object.values(report.findingCounts).reduce((sum, count) => sum + (count ?? 0), 0)),
      ),
      "findings",
      { op: "=", value: 0 },
      `verdicts: ${[...new Set(reports.map((report) => report.verdict))].join(", ")}`,
    ),
  ];
  if (mirror !== undefined) {
    const report = mirror.run.report;
    const findings = Object.values(report.findingCounts).reduce((sum, count) => sum + (count ?? 0), 0);
    for (const check of report.checked.indexer) {
      const compared = check.tables.reduce((sum, table) => sum + table.expected, 0);
      const what =
        check.source === "sqlite" ? "SQLite mirror, every table" : "REST API: lists + sampled cards and timelines";
      rows.push(
        row(
          `indexer.${check.source}.rows`,
          `indexer ${check.source === "sqlite" ? "mirror" : "API"} rows compared (${what})`,
          compared,
          "rows",
          null,
          `compared in ${(check.ms / 1000).toFixed(2)} s, ${check.tables.length} ${check.source === "sqlite" ? "tables" : "routes"}${check.source === "sqlite" ? `; the indexer backfilled them in ${mirror.backfill.seconds.toFixed(1)} s` : ""}`,
        ),
      );
    }
    rows.push(
      row(
        "indexer.seconds",
        "indexer comparison time (mirror + API), s",
        report.timings.indexerMs / 1000,
        "s",
        null,
        "",
      ),
      row(
        "indexer.findings",
        "findings against the indexer",
        findings,
        "findings",
        { op: "=", value: 0 },
        findings === 0
          ? "every row equal"
          : Object.entries(report.findingCounts)
              .map(([kind, count]) => `${kind} ${count}`)
              .join(", "),
      ),
      row(
        "indexer.peakRss",
        "peak memory of `cardproof audit --indexer-db --indexer-url`, MB",
        mirror.run.peakRss / MB,
        "MB",
        null,
        "",
      ),
    );
  }
  return rows;
}

function row(
  key: string,
  figure: string,
  value: number | null,
  unit: AuditUnit,
  target: AuditRow["target"],
  note: string,
): AuditRow {
  const pass =
    target === null || value === null
      ? null
      : target.op === ">="
        ? value >= target.value
        : target.op === "<="
          ? value <= target.value
          : value === target.value;
  return { key, figure, value, unit, target, pass, note };
}

/** A figure with its unit's precision. */
export function formatAuditValue(value: number, unit: AuditUnit): string {
  if (unit === "s") return value.toFixed(2);
  if (unit === "MB") return value.toFixed(0);
  return n(value);
}
