import { expect } from "chai";

import { buildPonderRows } from "../../../../scripts/bench/indexer/buildPonderRows.js";
import type { PonderResult } from "../../../../scripts/bench/indexer/measurePonder.js";

const backfill = { eventsPerSecond: 30_000, memory: { peakRss: 200_000_000, startRss: 120_000_000 } };

const measured: PonderResult = {
  status: "measured",
  version: "0.16.10",
  node: "v22.23.3",
  events: 200_016,
  blocks: 500,
  seconds: 40,
  eventsPerSecond: 5_000,
  startupSeconds: 4,
  memory: { peakRss: 800_000_000, processes: 2 },
  rpc: { requests: 900, bytes: 1, busyMs: 1, methods: { eth_getLogs: 120 } },
};

describe("buildPonderRows", function () {
  it("puts Ponder's figures and CardProof's ratios to them in rows without targets", function () {
    const rows = buildPonderRows(measured, backfill);
    const value = (key: string) => rows.find((row) => row.key === key)?.value;
    expect(rows.map((row) => row.key)).to.deep.equal([
      "ponder.eventsPerSecond",
      "ponder.peakRssMb",
      "ponder.eventsPerSecondRatio",
      "ponder.peakRssRatio",
    ]);
    expect(value("ponder.eventsPerSecond")).to.equal(5_000);
    expect(value("ponder.peakRssMb")).to.equal(800);
    expect(value("ponder.eventsPerSecondRatio")).to.equal(6);
    expect(value("ponder.peakRssRatio")).to.equal(0.25);
    for (const row of rows) {
      expect(row.target, row.key).to.equal(null);
      expect(row.pass, row.key).to.equal(null);
    }
  });

  it("names the Ponder version and the event count in the events/s note", function () {
    const [eventsRow] = buildPonderRows(measured, backfill);
    expect(eventsRow!.note).to.include("ponder 0.16.10").and.include("200,016 events");
  });

  it("keeps every row without a value and with the reason when Ponder was skipped", function () {
    const rows = buildPonderRows({ status: "skipped", reason: "left out (--no-ponder)" }, backfill);
    expect(rows).to.have.length(4);
    for (const row of rows) {
      expect(row.value, row.key).to.equal(null);
      expect(row.note, row.key).to.equal("Ponder not measured: left out (--no-ponder)");
    }
  });
});
