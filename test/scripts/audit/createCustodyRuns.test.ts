import { expect } from "chai";
import type { Hex } from "viem";

import { createCustodyRuns, type CustodyRun } from "../../../scripts/audit/createCustodyRuns.js";

const ISSUER = "0x00000000000000000000000000000000000000aa" as Hex;
const A = "0x00000000000000000000000000000000000000a1" as Hex;
const B = "0x00000000000000000000000000000000000000b1" as Hex;

const run = (start: number, end: number, holder: Hex, extra: Partial<CustodyRun> = {}): CustodyRun => ({
  start,
  end,
  holder,
  activated: false,
  revoked: false,
  revokeReason: 0,
  ...extra,
});
const to = (holder: Hex) => (held: CustodyRun) => ({
  holder,
  activated: held.activated,
  revoked: false,
  revokeReason: 0,
});

describe("createCustodyRuns", function () {
  it("starts as the issuer's implicit stock", function () {
    const custody = createCustodyRuns(100, ISSUER);
    expect([...custody.runs()]).to.deep.equal([run(0, 100, ISSUER)]);
    expect(custody.stockStart).to.equal(0);
    expect(custody.runContaining(99)).to.deep.equal(run(0, 100, ISSUER));
    expect(custody.runContaining(100)).to.equal(undefined);
  });

  it("moves stockStart to the end of a lot taken from the front of the stock", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.split(0, 10, to(A));
    custody.split(10, 30, to(B));
    expect(custody.stockStart).to.equal(30);
    expect([...custody.runs()]).to.deep.equal([run(0, 10, A), run(10, 30, B), run(30, 100, ISSUER)]);
  });

  it("cuts a lot from the middle of the stock into head, lot and implicit rest", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.split(40, 50, to(A));
    expect(custody.stockStart).to.equal(50);
    expect([...custody.runs()]).to.deep.equal([run(0, 40, ISSUER), run(40, 50, A), run(50, 100, ISSUER)]);
  });

  it("splits a stored run in three, keeping the run's flags on both sides", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.split(0, 50, to(A));
    custody.split(0, 50, (held) => ({ ...held, activated: true }));
    custody.split(10, 20, to(B));
    expect([...custody.runs()]).to.deep.equal([
      run(0, 10, A, { activated: true }),
      run(10, 20, B, { activated: true }),
      run(20, 50, A, { activated: true }),
      run(50, 100, ISSUER),
    ]);
    expect(custody.runContaining(19)).to.deep.equal(run(10, 20, B, { activated: true }));
  });

  it("refuses a lot that crosses a run boundary, is empty or lies past the batch, changing nothing", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.split(0, 50, to(A));
    const before = [...custody.runs()];
    expect(custody.split(40, 60, to(B))).to.equal(undefined);
    expect(custody.split(10, 10, to(B))).to.equal(undefined);
    expect(custody.split(90, 101, to(B))).to.equal(undefined);
    expect([...custody.runs()]).to.deep.equal(before);
  });

  it("takes only the lot's properties from the callback", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.split(10, 20, (held) => ({ ...held, holder: A }));
    expect([...custody.runs()]).to.deep.equal([run(0, 10, ISSUER), run(10, 20, A), run(20, 100, ISSUER)]);
  });

  it("never merges runs, like the registry", function () {
    const custody = createCustodyRuns(10, ISSUER);
    custody.split(0, 5, to(A));
    custody.split(0, 5, to(ISSUER));
    expect([...custody.runs()]).to.deep.equal([run(0, 5, ISSUER), run(5, 10, ISSUER)]);
    expect(custody.size).to.equal(2);
  });

  it("finds runs by binary search among thousands", function () {
    const custody = createCustodyRuns(1_000_000, ISSUER);
    for (let i = 0; i < 5_000; i++) custody.split(i * 200, i * 200 + 100, to(i % 2 === 0 ? A : B));
    expect(custody.size).to.equal(10_000);
    // Lot i is [200 i, 200 i + 100), held by A or B; the issuer keeps the gaps.
    expect(custody.runContaining(123_456)).to.deep.equal(run(123_400, 123_500, B));
    expect(custody.runContaining(123_399)).to.deep.equal(run(123_300, 123_400, ISSUER));
    // A lot inside an early stored run inserts its starts in the middle of the list.
    custody.split(250, 260, to(ISSUER));
    expect(custody.runContaining(255)).to.deep.equal(run(250, 260, ISSUER));
    expect(custody.runContaining(249)).to.deep.equal(run(200, 250, B));
    expect(custody.runContaining(260)).to.deep.equal(run(260, 300, B));
    expect(custody.size).to.equal(10_002);
  });
});
