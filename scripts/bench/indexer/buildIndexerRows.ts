import type { ApiResult } from "./measureApi.js";
import type { ApiLoadCell } from "./measureApiTimeline.js";
import type { TimelineIndexCost } from "./measureTimelineIndexCost.js";
import type { BackfillResult } from "./measureBackfill.js";
import type { DuringBackfillFigure } from "./measureDuringBackfill.js";
import type { CeilingFigure } from "./measureRawCeiling.js";
import type { GeneratedChain } from "./generateIndexerEvents.js";
import type { PonderResult } from "./measurePonder.js";
import { buildPonderRows } from "./buildPonderRows.js";
import { API_BATCH_CARDS, EVENTS_PER_ORDER } from "./planEvents.js";

export type IndexerUnit = "events/s" | "req/s" | "MB" | "ms" | "s" | "%" | "x";

/** One figure of the indexer table. */
export type IndexerRow = {
  /** Stable id (`backfill.eventsPerSecond`, `api.p99Ms`, ...). */
  key: string;
  measure: string;
  /** The figure, or null when its measurement was skipped (see `note`). */
  value: number | null;
  unit: IndexerUnit;
  target: { op: ">=" | "<="; value: number } | null;
  /** Whether the target was met; null without a target or without a value. */
  pass: boolean | null;
  note: string;
};

/** Everything one run measured. */
export type IndexerMeasurements = {
  chain: GeneratedChain;
  /** Against the node as is (EDR, like geth, caps no `eth_getLogs` answer). */
  backfill: Omit<BackfillResult, "indexer">;
  /** Against the same node behind a hosted provider's cap of `logCap` logs per `eth_getLogs` answer. */
  backfillCapped: Omit<BackfillResult, "indexer">;
  logCap: number;
  ceiling: { events: number; store: CeilingFigure; sqlite: CeilingFigure };
  liveLag: { blocks: number; pollIntervalMs: number; medianMs: number; p99Ms: number; maxMs: number };
  api: ApiResult;
  /** The store's write path with and without schema v7's lot index. */
  lotIndex: TimelineIndexCost;
  /** Ponder on the same chain, or why not. */
  ponder: PonderResult;
  /** Card status and timeline under load while a fresh indexer backfills the same chain. */
  duringBackfill: readonly DuringBackfillFigure[];
};

/** Targets of the API's card routes (issue 14): at 100 connections, at any card. */
const API_P99_TARGET_MS = 20;
const API_RPS_TARGET = 5_000;
const API_TARGET_CONNECTIONS = 100;

/** 1 MB = 10^6 bytes (so a target of 500 MB is 476.8 MiB). */
const MB = 1_000_000;

/** The table's rows, in reading order. */
export function buildIndexerRows(m: IndexerMeasurements): IndexerRow[] {
  const { chain, backfill, ceiling, liveLag, api } = m;
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const rows: IndexerRow[] = [
    row({
      key: "generation.seconds",
      measure: "chain generation (not indexer time)",
      value: chain.seconds,
      unit: "s",
      note:
        `${n(chain.events)} events, ${n(chain.transactions)} txs in ${n(chain.blocks)} blocks: ` +
        `${n(chain.plan.redemptions)} redeemMany cards (500/tx, real proofs), ${n(chain.plan.transfers)} transferLot, ` +
        `${n(chain.plan.orders)} escrow orders x ${EVENTS_PER_ORDER} events, ${n(chain.setupEvents)} setup`,
    }),
    ...backfillRows("backfill", "backfill", backfill),
    ...backfillRows("backfillCapped", `backfill, ${n(m.logCap)}-log provider cap`, m.backfillCapped),
    row({
      key: "ceiling.store.eventsPerSecond",
      measure: "raw ceiling: store write path",
      value: ceiling.store.eventsPerSecond,
      unit: "events/s",
      note:
        `same ${n(ceiling.events)} decoded rows and pages through createStore().applyPage, no RPC, no decode; ` +
        `median of ${ceiling.store.runs.length} runs (${ceiling.store.runs.map((v) => n(v)).join(", ")})`,
    }),
    row({
      key: "ceiling.sqlite.eventsPerSecond",
      measure: "raw ceiling: bare SQLite INSERT",
      value: ceiling.sqlite.eventsPerSecond,
      unit: "events/s",
      note:
        `same raw_logs rows, prepared INSERT, one transaction per page, nothing derived; ` +
        `median of ${ceiling.sqlite.runs.length} runs`,
    }),
    row({
      key: "backfill.ceilingRatio",
      measure: "backfill / store ceiling",
      value: backfill.eventsPerSecond / ceiling.store.eventsPerSecond,
      unit: "x",
      note:
        `capped backfill / store ceiling: ${n(m.backfillCapped.eventsPerSecond / ceiling.store.eventsPerSecond, 2)}x; ` +
        `backfill / bare SQLite: ${n(backfill.eventsPerSecond / ceiling.sqlite.eventsPerSecond, 2)}x`,
    }),
    row({
      key: "liveLag.medianMs",
      measure: "live lag: mined -> queryable, median",
      value: liveLag.medianMs,
      unit: "ms",
      note: `${liveLag.blocks} blocks, one transfer each; indexer polls every ${liveLag.pollIntervalMs} ms; read via createStoreReader`,
    }),
    row({
      key: "liveLag.p99Ms",
      measure: "live lag: mined -> queryable, p99",
      value: liveLag.p99Ms,
      unit: "ms",
      note: `max ${n(liveLag.maxMs, 1)} ms`,
    }),
  ];
  rows.push(...buildApiRows(api, m.lotIndex));
  rows.push(...duringBackfillRows(m.duringBackfill));
  rows.push(...buildPonderRows(m.ponder, backfill));
  return rows;
}

/**
 * The API's rows: card status at random cards (the original figure), then the timeline by card
 * position and connections and card status by connections, with targets at
 * {@link API_TARGET_CONNECTIONS} connections; then what the timeline's lot index costs the store.
 */
export function buildApiRows(api: ApiResult, lotIndex: TimelineIndexCost): IndexerRow[] {
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const apiNote =
    api.status === "measured"
      ? `autocannon, ${api.connections} connections, ${api.durationSeconds} s, card status over a ` +
        `${n(API_BATCH_CARDS)}-card batch with ${n(api.runs)} runs; errors ${api.errors}, non-2xx ${api.non2xx}`
      : api.reason;
  const measured = api.status === "measured" ? api : undefined;
  const rows: IndexerRow[] = [
    row({
      key: "api.requestsPerSecond",
      measure: "API card-status lookups",
      value: measured?.requestsPerSecond ?? null,
      unit: "req/s",
      target: { op: ">=", value: API_RPS_TARGET },
      note: apiNote,
    }),
    row({
      key: "api.p50Ms",
      measure: "API card-status latency, p50",
      value: measured?.p50Ms ?? null,
      unit: "ms",
      note: measured === undefined ? apiNote : "autocannon's latencies are whole milliseconds (0 means under 1 ms)",
    }),
    row({
      key: "api.p99Ms",
      measure: "API card-status latency, p99",
      value: measured?.p99Ms ?? null,
      unit: "ms",
      target: { op: "<=", value: API_P99_TARGET_MS },
      note: measured === undefined ? apiNote : "",
    }),
  ];
  for (const cell of measured?.cells ?? []) rows.push(...cellRows(cell, measured!));
  const cost = 1 - lotIndex.withIndex.eventsPerSecond / lotIndex.withoutIndex.eventsPerSecond;
  rows.push(
    row({
      key: "lotIndex.withIndex.eventsPerSecond",
      measure: "store write path with the lot index (v7)",
      value: lotIndex.withIndex.eventsPerSecond,
      unit: "events/s",
      note:
        `${n(lotIndex.events)} backfill rows, ${n(lotIndex.lots)} lots, through createStore().applyPage; ` +
        `median of ${lotIndex.withIndex.runs.length} (${lotIndex.withIndex.runs.map((v) => n(v)).join(", ")})`,
    }),
    row({
      key: "lotIndex.withoutIndex.eventsPerSecond",
      measure: "store write path without it (v6 indexes)",
      value: lotIndex.withoutIndex.eventsPerSecond,
      unit: "events/s",
      note:
        `same rows, triggers dropped and the v4 partial index back; runs alternate; ` +
        `median of ${lotIndex.withoutIndex.runs.length} (${lotIndex.withoutIndex.runs.map((v) => n(v)).join(", ")})`,
    }),
    row({
      key: "lotIndex.costPercent",
      measure: "lot index: write-path cost",
      value: 100 * cost,
      unit: "%",
      note: "1 - with / without (negative: the run with the index was faster, i.e. within noise)",
    }),
  );
  for (const position of Object.keys(lotIndex.withIndex.readMicros)) {
    const before = lotIndex.withoutIndex.readMicros[position]!;
    const after = lotIndex.withIndex.readMicros[position]!;
    rows.push(
      row({
        key: `lotIndex.read.${position.replace("%", "pct")}.speedup`,
        measure: `timeline read @ ${position}: v6 scan / v7 R*Tree`,
        value: before / after,
        unit: "x",
        note: `${n(before / 1000, 2)} ms -> ${n(after / 1000, 3)} ms per read of the store (no HTTP), same rows, same answers`,
      }),
    );
  }
  return rows;
}

/** One load cell's rows: p99 (with the req/s and CPU split in its note); at 100 connections also req/s. */
function cellRows(cell: ApiLoadCell, api: Extract<ApiResult, { status: "measured" }>): IndexerRow[] {
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const where = cell.serial === null ? "random cards" : `card ${n(cell.serial)} (${cell.position})`;
  const label = `API ${cell.route} @ ${cell.position}, ${cell.connections} conns`;
  const key = `api.${cell.route}.${cell.position.replace("%", "pct")}.c${cell.connections}`;
  const targeted = cell.connections === API_TARGET_CONNECTIONS;
  const cpu =
    `CPU: indexer ${cell.cpu.indexerPercent === null ? "-" : `${n(cell.cpu.indexerPercent)}%`}, ` +
    `autocannon+chain ${n(cell.cpu.loadPercent)}% of one core`;
  const rows = [
    row({
      key: `${key}.p99Ms`,
      measure: `${label}: p99`,
      value: cell.p99Ms,
      unit: "ms",
      ...(targeted ? { target: { op: "<=" as const, value: API_P99_TARGET_MS } } : {}),
      note:
        `${where} of ${n(api.lots)} lots; ${n(cell.requestsPerSecond)} req/s, p50 ${n(cell.p50Ms)} ms, ` +
        `max ${n(cell.maxMs)} ms; ${cpu}; errors ${cell.errors}, timeouts ${cell.timeouts}, non-2xx ${cell.non2xx}`,
    }),
  ];
  if (targeted) {
    rows.push(
      row({
        key: `${key}.requestsPerSecond`,
        measure: `${label}: throughput`,
        value: cell.requestsPerSecond,
        unit: "req/s",
        target: { op: ">=", value: API_RPS_TARGET },
        note:
          `autocannon, ${cell.durationSeconds} s` +
          (cell.warmupSeconds > 0 ? ` after a ${cell.warmupSeconds}-s warm-up` : " (no warm-up in --quick)"),
      }),
    );
  }
  return rows;
}

function backfillRows(key: string, label: string, backfill: Omit<BackfillResult, "indexer">): IndexerRow[] {
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const getLogs = backfill.rpc.methods.eth_getLogs ?? 0;
  const largest = Math.max(...backfill.pages.map((page) => page.logs));
  return [
    row({
      key: `${key}.eventsPerSecond`,
      measure: label,
      value: backfill.eventsPerSecond,
      unit: "events/s",
      target: { op: ">=", value: 50_000 },
      note:
        `${n(backfill.events)} events, ${n(backfill.blocks)} blocks in ${n(backfill.seconds, 2)} s; ` +
        `${n(backfill.pages.length)} pages, the largest ${n(largest)} logs`,
    }),
    row({
      key: `${key}.rpcShare`,
      measure: `${label}: time with an RPC request in flight`,
      value: 100 * backfill.rpcShare,
      unit: "%",
      note:
        `at the JSON-RPC server: ${n(backfill.rpc.requests)} requests (${n(getLogs)} eth_getLogs), ` +
        `${n(backfill.rpc.bytes / MB, 1)} MB of responses`,
    }),
    row({
      key: `${key}.peakRssMb`,
      measure: `${label}: peak RSS`,
      value: backfill.memory.peakRss / MB,
      unit: "MB",
      target: { op: "<=", value: 500 },
      note: `VmHWM of the indexer process; ${n(backfill.memory.startRss / MB)} MB when its sync loop started`,
    }),
  ];
}

function row(fields: Omit<IndexerRow, "pass" | "target"> & { target?: IndexerRow["target"] }): IndexerRow {
  const target = fields.target ?? null;
  const pass =
    target === null || fields.value === null
      ? null
      : target.op === ">="
        ? fields.value >= target.value
        : fields.value <= target.value;
  return { ...fields, target, pass };
}

/** `23456.7, "events/s"` → `"23,457/s"`; one decimal for ms and MB figures under 100. */
export function formatValue(value: number, unit: IndexerUnit): string {
  const fixed = (digits: number) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  switch (unit) {
    case "events/s":
    case "req/s":
      return `${fixed(0)}/s`;
    case "MB":
      return `${fixed(value < 100 ? 1 : 0)} MB`;
    case "ms":
      return `${fixed(value < 100 ? 1 : 0)} ms`;
    case "s":
      return `${fixed(1)} s`;
    case "%":
      return `${fixed(0)}%`;
    case "x":
      return `${fixed(2)}x`;
  }
}

/** The summary line and counts, like the gas benchmark's. */
export function summarizeRows(rows: readonly IndexerRow[]) {
  const withTarget = rows.filter((r) => r.target !== null && r.value !== null);
  const missed = withTarget.filter((r) => r.pass === false);
  const skipped = rows.filter((r) => r.value === null);
  const targets = rows.filter((r) => r.target !== null).length;
  const measuredPart = withTarget.length === targets ? `${targets}` : `${withTarget.length} measured`;
  let line =
    missed.length === 0
      ? `Summary: all ${measuredPart} targets met (${rows.length - skipped.length} figures).`
      : `Summary: ${withTarget.length - missed.length} of ${withTarget.length} measured targets met; missed: ` +
        missed
          .map(
            (r) =>
              `${r.measure} ${formatValue(r.value!, r.unit)} (target ${r.target!.op} ${formatValue(r.target!.value, r.unit)})`,
          )
          .join(", ") +
        ".";
  if (skipped.length > 0) line += ` Not measured: ${[...new Set(skipped.map((r) => r.note))].join("; ")}.`;
  return {
    figures: rows.length - skipped.length,
    targets,
    measuredTargets: withTarget.length,
    met: withTarget.length - missed.length,
    missed: missed.map((r) => r.key),
    skipped: skipped.map((r) => r.key),
    line,
  };
}

/** Card status (with its target) and the timeline while a fresh indexer backfills the same chain. */
function duringBackfillRows(figures: readonly DuringBackfillFigure[]): IndexerRow[] {
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const rows: IndexerRow[] = [];
  for (const figure of figures) {
    const label = figure.route === "status" ? "card-status" : "timeline";
    const note =
      `${figure.connections} connections for ${figure.seconds} s while a fresh indexer backfills ` +
      `(${n(figure.backfillEventsPerSecond)} events/s in that run${figure.endedBeforeCaughtUp ? "" : "; the load outlasted the backfill"}); ` +
      `${n(figure.requestsPerSecond)} req/s, errors ${figure.errors}, non-2xx ${figure.non2xx}`;
    rows.push(
      row({
        key: `duringBackfill.${figure.route}.p50Ms`,
        measure: `API ${label} latency while backfilling, p50`,
        value: figure.p50Ms,
        unit: "ms",
        note,
      }),
      row({
        key: `duringBackfill.${figure.route}.p99Ms`,
        measure: `API ${label} latency while backfilling, p99`,
        value: figure.p99Ms,
        unit: "ms",
        target: figure.route === "status" ? { op: "<=", value: 50 } : null,
        note: "",
      }),
    );
  }
  return rows;
}
