import { expect } from "chai";

import { runBenchScript, type BenchRun } from "../../helpers/runBenchScript.js";

type Row = {
  key: string;
  figure: string;
  value: number;
  unit: string;
  target: { op: string; value: number } | null;
  met: boolean | null;
  note: string;
};

const isPositive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;

describe("scripts/bench/mint.ts --quick --json", function () {
  let run: BenchRun;
  let report: Record<string, unknown> & { rows: Row[] };

  before(async function () {
    this.timeout(90_000);
    run = await runBenchScript("mint.ts", ["--quick", "--json"]);
    expect(run.code, run.stderr.slice(-4_000)).to.equal(0);
    report = JSON.parse(run.stdout) as typeof report;
  });

  it("prints one JSON document on stdout and its progress on stderr", function () {
    expect(run.stdout.trim().startsWith("{")).to.equal(true);
    expect(run.stderr).to.include("[bench:mint]");
    expect(report).to.include.all.keys("machine", "settings", "preparation", "baseline", "print", "rows", "summary");
    expect(report.settings).to.deep.include({ cards: 100_000, quick: true, proofSamples: 1_000, printCards: 1_000 });
  });

  it("has a row for every figure, each a positive number with a unit", function () {
    expect(report.rows.map((row) => row.key)).to.deep.equal([
      "prepare.codes.seconds",
      "prepare.keys.seconds",
      "prepare.tree.seconds",
      "prepare.manifest.seconds",
      "prepare.codesFile.seconds",
      "prepare.total.seconds",
      "prepare.peakRssMb",
      "tree.ours.seconds",
      "tree.baseline.seconds",
      "tree.ratio",
      "baseline.peakRssMb",
      "proof.ours.medianUs",
      "proof.ours.p99Us",
      "proof.baseline.medianUs",
      "proof.baseline.p99Us",
      "proof.ratio",
      "print.seconds",
    ]);
    for (const row of report.rows) {
      expect(row.figure, row.key).to.be.a("string").with.length.greaterThan(0);
      expect(row.unit, row.key).to.be.a("string").with.length.greaterThan(0);
      expect(isPositive(row.value), `${row.key} = ${row.value}`).to.equal(true);
      expect(row.note, row.key).to.be.a("string");
      if (row.target === null) expect(row.met, row.key).to.equal(null);
      else expect(row.met, row.key).to.be.a("boolean");
    }
    const targets = report.rows.filter((row) => row.target !== null).map((row) => [row.key, row.target]);
    expect(targets).to.deep.equal([
      ["prepare.total.seconds", { op: "<=", value: 15 }],
      ["prepare.peakRssMb", { op: "<=", value: 1_500 }],
      ["print.seconds", { op: "<=", value: 30 }],
    ]);
  });

  it("checks its own results: same root one-threaded, proofs that verify, stages that add up", function () {
    const preparation = report.preparation as {
      cards: number;
      stages: Record<string, number>;
      codesFile: { seconds: number; kdfSeconds: number; bytes: number };
      totalSeconds: number;
      proofs: { samples: number; verified: boolean };
      reference: { sameRoot: boolean };
    };
    const baseline = report.baseline as { cards: number; proofs: { samples: number; verified: boolean } };
    const print = report.print as { cards: number; pages: number; decryptSeconds: number; seconds: number };
    expect(preparation.cards).to.equal(100_000);
    expect(preparation.reference.sameRoot).to.equal(true);
    expect(preparation.proofs).to.include({ samples: 1_000, verified: true });
    expect(baseline).to.deep.include({ cards: 100_000 });
    expect(baseline.proofs).to.include({ samples: 1_000, verified: true });
    const stages = Object.values(preparation.stages).reduce((sum, value) => sum + value, 0);
    // Not chai's closeTo: Hardhat's chai matchers take it over for integers only.
    expect(Math.abs(stages + preparation.codesFile.seconds - preparation.totalSeconds)).to.be.lessThan(0.05);
    expect(preparation.codesFile.kdfSeconds).to.be.lessThan(preparation.codesFile.seconds);
    // Magic, header, 20 bytes a code and a 16-byte tag a 65,536-code chunk.
    expect(preparation.codesFile.bytes).to.be.within(20 * 100_000 + 2 * 16, 20 * 100_000 + 2 * 16 + 1_000);
    expect(print).to.deep.include({ cards: 1_000, pages: 100 });
    expect(print.decryptSeconds).to.be.lessThan(print.seconds);
  });

  it("ends with a summary line", function () {
    const summary = report.summary as { line: string; figures: number; targets: number };
    expect(summary.line).to.match(/^Summary: /);
    expect(summary).to.deep.include({ figures: 17, targets: 3 });
  });
});
