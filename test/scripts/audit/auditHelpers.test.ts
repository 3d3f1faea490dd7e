import { expect } from "chai";
import Database from "better-sqlite3";
import type { Hex } from "viem";

import { compareSqlKeys, compareSqlValues } from "../../../scripts/audit/compareSqlValues.js";
import { createCustodyRuns } from "../../../scripts/audit/createCustodyRuns.js";
import { createFindingCollector } from "../../../scripts/audit/createFindingCollector.js";
import { createHashChain } from "../../../scripts/audit/createHashChain.js";
import { createRedeemedSet } from "../../../scripts/audit/createRedeemedSet.js";
import type { ReplayBatch } from "../../../scripts/audit/createRegistryReplay.js";
import { finding } from "../../../scripts/audit/AuditFinding.js";
import { flattenArgs, sameArgs } from "../../../scripts/audit/flattenArgs.js";
import { sampleSerials } from "../../../scripts/audit/sampleSerials.js";
import { splitFee } from "../../../scripts/audit/splitFee.js";

describe("auditor helpers", function () {
  it("orders values as SQLite's ORDER BY does", function () {
    const values: unknown[] = [null, 10, 9, "10", "9", "a", "B", 2.5, "", -1, "0x1f", "0x1F"];
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (v)");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    for (const value of values) insert.run(value);
    const sqlite = (db.prepare("SELECT v FROM t ORDER BY v").all() as { v: unknown }[]).map((row) => row.v);
    db.close();
    expect([...values].sort(compareSqlValues)).to.deep.equal(sqlite);
    expect(compareSqlKeys({ a: "1", b: 2 }, { a: "1", b: 10 }, ["a", "b"])).to.be.lessThan(0);
  });

  it("compares event arguments by meaning, whatever the encoding", function () {
    expect(
      sameArgs(
        { batchId: 4294967297n, to: "0xAbC0", params: { count: 3 } },
        { batchId: "4294967297", to: "0xabc0", params: { count: "3" } },
      ),
    ).to.equal(true);
    expect(sameArgs({ uri: "ipfs://Abc" }, { uri: "ipfs://abc" })).to.equal(false);
    expect(sameArgs({ a: 1 }, { a: 1, b: 2 })).to.equal(false);
    expect([...flattenArgs({ order: { buyer: "0xAA", quantity: 5 } })]).to.deep.equal([
      ["order.buyer", "0xaa"],
      ["order.quantity", "5"],
    ]);
  });

  it("splits fees as FeeSplit.sol: rounding down, remainders by subtraction", function () {
    expect(splitFee(4_750_000n * 20n, 100, 2_000)).to.deep.equal({
      net: 94_050_000n,
      platformFee: 760_000n,
      fundFee: 190_000n,
    });
    // 199 units at 1%: the fee rounds down to 1, its 20% fund share to 0.
    expect(splitFee(199n, 100, 2_000)).to.deep.equal({ net: 198n, platformFee: 1n, fundFee: 0n });
    const { net, platformFee, fundFee } = splitFee(123_456_789n, 137, 3_333);
    expect(net + platformFee + fundFee).to.equal(123_456_789n);
  });

  it("keeps a redemption bitmap in pages and lists redeemed serials in order", function () {
    const set = createRedeemedSet();
    for (const serial of [70_000, 5, 65_535, 65_536, 4_000_000_000]) expect(set.add(serial)).to.equal(true);
    expect(set.add(5)).to.equal(false);
    expect(set.size).to.equal(5);
    expect(set.has(6)).to.equal(false);
    expect([...set.within(0, 2 ** 32 - 1)]).to.deep.equal([5, 65_535, 65_536, 70_000, 4_000_000_000]);
    expect([...set.within(6, 65_537)]).to.deep.equal([65_535, 65_536]);
  });

  it("samples the same cards for the same seed, edges and redeemed cards included", function () {
    const issuer = "0x00000000000000000000000000000000000000aa" as Hex;
    const batch = {
      batchId: 4294967297n,
      key: "4294967297",
      params: { count: 10_000 },
      custody: createCustodyRuns(10_000, issuer),
      redeemed: createRedeemedSet(),
      chain: createHashChain(),
    } as unknown as ReplayBatch;
    batch.custody.apply(1_000, 2_000, (run) => ({ ...run, holder: "0x00000000000000000000000000000000000000bb" }));
    batch.redeemed.add(7_777);
    const first = sampleSerials(batch, 50, 42);
    expect(first).to.deep.equal(sampleSerials(batch, 50, 42));
    expect(first).to.not.deep.equal(sampleSerials(batch, 50, 43));
    expect(first).to.have.length(50);
    expect(new Set(first).size).to.equal(50);
    expect(first.every((serial) => serial >= 0 && serial < 10_000)).to.equal(true);
    expect(sampleSerials(batch, 20_000, 1)).to.have.length(10_000);
    // Half the sample comes from run edges and redeemed cards: 7 candidates here, all taken.
    expect(first).to.include.members([0, 999, 1_000, 1_999, 2_000, 9_999, 7_777]);
  });

  it("counts every finding but keeps at most the limit per kind and table", function () {
    const collector = createFindingCollector({ maxPerKind: 2 });
    for (let i = 0; i < 5; i++) collector.add(finding("indexer-missing-row", `row ${i}`, { table: "runs" }));
    collector.add(finding("indexer-missing-row", "other table", { table: "batches" }));
    collector.add(finding("indexer-behind", "behind"));
    expect(collector.total).to.equal(7);
    expect(collector.counts).to.deep.equal({ "indexer-behind": 1, "indexer-missing-row": 6 });
    expect(collector.findings.map((item) => item.message)).to.deep.equal(["row 0", "row 1", "other table", "behind"]);
    expect(collector.findings.at(-1)!.severity).to.equal("warning");
  });
});
