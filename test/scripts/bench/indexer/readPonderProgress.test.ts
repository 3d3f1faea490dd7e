import { expect } from "chai";

import { readPonderProgress, type PonderLogRecord } from "../../../../scripts/bench/indexer/readPonderProgress.js";

/** Lines as Ponder 0.16 writes them with `--log-format json`, stamped at `receivedAt`. */
const line = (receivedAt: number, msg: string, fields: Record<string, unknown> = {}): PonderLogRecord => ({
  level: 30,
  time: 1_700_000_000_000 + receivedAt,
  msg,
  receivedAt,
  ...fields,
});

describe("readPonderProgress", function () {
  it("opens the window at the first backfill line and closes it at the completion line", function () {
    const progress = readPonderProgress([
      line(10, "Connected to database"),
      line(20, "Started fetching backfill JSON-RPC data", { chain: "bench" }),
      line(25, "Started backfill indexing"),
      line(30, "Indexed block range"),
      line(90, "Completed backfill indexing across all chains"),
      line(95, "Completed backfill indexing"),
    ]);
    expect(progress).to.deep.equal({ startedAt: 20, completedAt: 90, progress: undefined, errors: [] });
  });

  it("takes the indexing line as the start when it comes before the fetching line", function () {
    const progress = readPonderProgress([
      line(5, "Started backfill indexing"),
      line(7, "Started fetching backfill JSON-RPC data"),
    ]);
    expect(progress.startedAt).to.equal(5);
  });

  it("leaves the end open while the backfill runs", function () {
    const progress = readPonderProgress([line(1, "Started backfill indexing"), line(2, "Indexed block range")]);
    expect(progress.completedAt).to.equal(undefined);
  });

  it("leaves both ends open before the backfill starts", function () {
    expect(readPonderProgress([line(1, "Connected to database")])).to.deep.equal({
      startedAt: undefined,
      completedAt: undefined,
      progress: undefined,
      errors: [],
    });
  });

  it("keeps the last share of the backfill Ponder reported", function () {
    const progress = readPonderProgress([
      line(1, "Started backfill indexing"),
      line(2, "Updated backfill indexing progress", { progress: "0.0%" }),
      line(3, "Updated backfill indexing progress", { progress: "32.0%" }),
      line(4, "Indexed block range"),
    ]);
    expect(progress.progress).to.equal("32.0%");
  });

  it("reports error and fatal lines with their error's message, not warnings", function () {
    const progress = readPonderProgress([
      line(1, "Received JSON-RPC error", { level: 40, error: { message: "fetch failed" } }),
      line(2, "Build failed", { level: 50, error: { message: 'Database schema required. Specify with "--schema".' } }),
      line(3, "Killed", { level: 60 }),
    ]);
    expect(progress.errors).to.deep.equal([
      'Build failed: Database schema required. Specify with "--schema".',
      "Killed",
    ]);
  });

  it("describes an error line without a message by its fields", function () {
    const record = { level: 50, receivedAt: 1, stage: "namespace" };
    expect(readPonderProgress([record]).errors).to.deep.equal([JSON.stringify(record)]);
  });
});
