import { expect } from "chai";

import { runBenchScript, type BenchRun } from "../../helpers/runBenchScript.js";

type Row = {
  key: string;
  measure: string;
  value: number | null;
  unit: string;
  target: { op: string; value: number } | null;
  pass: boolean | null;
  note: string;
};

/** Figures autocannon reports in whole milliseconds (card status, and each load cell's p99). */
const isWholeMsLatency = (key: string) => key === "api.p50Ms" || (key.startsWith("api.") && key.endsWith("p99Ms"));
/** The --quick load cells: the timeline at 99% and at random cards at 10 and 100 connections, status at 100. */
const QUICK_CELLS = [
  "api.timeline.99pct.c10",
  "api.timeline.99pct.c100",
  "api.timeline.random.c10",
  "api.timeline.random.c100",
  "api.status.random.c100",
];

const isPositive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;

describe("scripts/bench/indexer.ts --quick --json --no-ponder", function () {
  let run: BenchRun;
  let report: Record<string, unknown> & { rows: Row[] };

  before(async function () {
    this.timeout(90_000);
    run = await runBenchScript("indexer.ts", ["--quick", "--json", "--no-ponder"]);
    expect(run.code, run.stderr.slice(-4_000)).to.equal(0);
    report = JSON.parse(run.stdout) as typeof report;
  });

  it("prints one JSON document on stdout and its progress on stderr", function () {
    expect(run.stdout.trim().startsWith("{")).to.equal(true);
    expect(run.stderr).to.include("[bench:indexer]");
    expect(report).to.include.all.keys(
      "machine",
      "settings",
      "generation",
      "backfill",
      "backfillCapped",
      "ceiling",
      "liveLag",
      "api",
      "lotIndex",
      "rows",
      "summary",
    );
    expect((report.settings as { quick: boolean }).quick).to.equal(true);
  });

  it("has a row for every measure, each with a measure, unit and note", function () {
    expect(report.rows.map((row) => row.key)).to.have.members([
      "generation.seconds",
      "backfill.eventsPerSecond",
      "backfill.rpcShare",
      "backfill.peakRssMb",
      "backfillCapped.eventsPerSecond",
      "backfillCapped.rpcShare",
      "backfillCapped.peakRssMb",
      "ceiling.store.eventsPerSecond",
      "ceiling.sqlite.eventsPerSecond",
      "backfill.ceilingRatio",
      "liveLag.medianMs",
      "liveLag.p99Ms",
      "api.requestsPerSecond",
      "api.p50Ms",
      "api.p99Ms",
      ...QUICK_CELLS.map((cell) => `${cell}.p99Ms`),
      ...QUICK_CELLS.filter((cell) => cell.endsWith(".c100")).map((cell) => `${cell}.requestsPerSecond`),
      "lotIndex.withIndex.eventsPerSecond",
      "lotIndex.withoutIndex.eventsPerSecond",
      "lotIndex.costPercent",
      "lotIndex.read.1pct.speedup",
      "lotIndex.read.50pct.speedup",
      "lotIndex.read.99pct.speedup",
      "duringBackfill.status.p50Ms",
      "duringBackfill.status.p99Ms",
      "duringBackfill.timeline.p50Ms",
      "duringBackfill.timeline.p99Ms",
      "ponder.eventsPerSecond",
      "ponder.peakRssMb",
      "ponder.eventsPerSecondRatio",
      "ponder.peakRssRatio",
    ]);
    for (const row of report.rows) {
      expect(row.measure, row.key).to.be.a("string").with.length.greaterThan(0);
      expect(row.unit, row.key).to.be.a("string").with.length.greaterThan(0);
      expect(row.note, row.key).to.be.a("string");
      if (row.target !== null) expect(isPositive(row.target.value), row.key).to.equal(true);
    }
  });

  it("reports every figure as a positive number (API latencies in whole ms, so >= 0)", function () {
    const api = report.api as { status: string; reason?: string; errors?: number; non2xx?: number };
    for (const row of report.rows) {
      if (row.value === null && row.key.startsWith("ponder.")) {
        // Ponder is left out: its rows stay, with the reason.
        expect(row.note, row.key).to.include("--no-ponder");
        continue;
      }
      if (row.value === null) {
        expect(row.key.startsWith("api."), `${row.key} has no value`).to.equal(true);
        expect(api.status).to.equal("skipped");
        continue;
      }
      if (row.key === "lotIndex.costPercent") {
        // A share of two measured rates: negative when the run with the index happened to be faster.
        expect(Number.isFinite(row.value) && row.value < 100, `${row.key} = ${row.value}`).to.equal(true);
      } else if (isWholeMsLatency(row.key)) {
        // autocannon counts latency in whole milliseconds: a lookup under 1 ms reads 0.
        expect(Number.isInteger(row.value) && row.value >= 0, `${row.key} = ${row.value}`).to.equal(true);
      } else {
        expect(isPositive(row.value), `${row.key} = ${row.value}`).to.equal(true);
      }
      expect(row.pass === null || typeof row.pass === "boolean", row.key).to.equal(true);
    }
    if (api.status === "measured") {
      expect(Number.isInteger(api.errors) && api.errors! >= 0).to.equal(true);
      expect(Number.isInteger(api.non2xx) && api.non2xx! >= 0).to.equal(true);
    } else {
      expect(api.reason).to.be.a("string").with.length.greaterThan(0);
    }
  });

  it("mirrors every generated event in both backfills", function () {
    const generation = report.generation as { events: number; plan: { events: number } };
    const backfills = [report.backfill, report.backfillCapped] as { events: number; pages: unknown[] }[];
    expect(generation.events).to.be.greaterThanOrEqual(generation.plan.events);
    for (const backfill of backfills) {
      expect(backfill.events).to.equal(generation.events);
      expect(backfill.pages).to.have.length.greaterThan(0);
    }
    expect((report.ceiling as { events: number }).events).to.equal(generation.events);
  });

  it("ends with a summary line", function () {
    const summary = report.summary as { line: string; figures: number };
    expect(summary.line).to.match(/^Summary: /);
    expect(isPositive(summary.figures)).to.equal(true);
  });
});
