import { expect } from "chai";
import type { Hex } from "viem";

import { createCustodyRuns, type CustodyRun } from "../../../scripts/audit/createCustodyRuns.js";

const ISSUER = "0x00000000000000000000000000000000000000aa" as Hex;
const A = "0x00000000000000000000000000000000000000a1" as Hex;
const B = "0x00000000000000000000000000000000000000b1" as Hex;
const C = "0x00000000000000000000000000000000000000c1" as Hex;

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
    custody.apply(0, 10, to(A));
    custody.apply(10, 30, to(B));
    expect(custody.stockStart).to.equal(30);
    expect([...custody.runs()]).to.deep.equal([run(0, 10, A), run(10, 30, B), run(30, 100, ISSUER)]);
  });

  it("cuts a lot from the middle of the stock into head, lot and implicit rest", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(40, 50, to(A));
    expect(custody.stockStart).to.equal(50);
    expect([...custody.runs()]).to.deep.equal([run(0, 40, ISSUER), run(40, 50, A), run(50, 100, ISSUER)]);
  });

  it("splits a stored run in three, keeping the run's flags on both sides", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(0, 50, to(A));
    custody.apply(0, 50, (held) => ({ ...held, activated: true }));
    custody.apply(10, 20, to(B));
    expect([...custody.runs()]).to.deep.equal([
      run(0, 10, A, { activated: true }),
      run(10, 20, B, { activated: true }),
      run(20, 50, A, { activated: true }),
      run(50, 100, ISSUER),
    ]);
    expect(custody.runContaining(19)).to.deep.equal(run(10, 20, B, { activated: true }));
  });

  it("refuses a lot that is empty or lies past the batch, changing nothing", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(0, 50, to(A));
    const before = [...custody.runs()];
    expect(custody.apply(10, 10, to(B))).to.equal(undefined);
    expect(custody.apply(90, 101, to(B))).to.equal(undefined);
    expect([...custody.runs()]).to.deep.equal(before);
  });

  it("applies a lot across several runs, keeping each run's other properties (§3)", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(0, 10, to(A));
    custody.apply(0, 10, (held) => ({ ...held, activated: true }));
    custody.apply(10, 20, to(B));
    const crossed = custody.apply(5, 15, to(C));
    expect(crossed).to.deep.equal([run(0, 10, A, { activated: true }), run(10, 20, B)]);
    expect([...custody.runs()]).to.deep.equal([
      run(0, 5, A, { activated: true }),
      run(5, 10, C, { activated: true }),
      run(10, 15, C),
      run(15, 20, B),
      run(20, 100, ISSUER),
    ]);
  });

  it("merges adjacent runs with the same holder, flags and reason when a lot makes them touch", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(0, 50, to(A));
    custody.apply(50, 100, to(A));
    expect([...custody.runs()]).to.deep.equal([run(0, 100, A)]);
    expect(custody.stockStart).to.equal(100);
    custody.apply(0, 100, to(B));
    expect([...custody.runs()]).to.deep.equal([run(0, 100, B)]);
    expect(custody.size).to.equal(1);
  });

  it("leaves runs outside the lot's region alone, even when they could merge", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(0, 10, to(A));
    custody.apply(10, 20, to(B));
    custody.apply(20, 30, to(A));
    // [40, 50) to B: its region is the stock, from 30 to 100; [10, 20) B is outside it.
    custody.apply(40, 50, to(B));
    expect([...custody.runs()]).to.deep.equal([
      run(0, 10, A),
      run(10, 20, B),
      run(20, 30, A),
      run(30, 40, ISSUER),
      run(40, 50, B),
      run(50, 100, ISSUER),
    ]);
    // [10, 20) to A: its region runs from the run holding 9 to the run holding 20, [0, 30): one run.
    custody.apply(10, 20, to(A));
    expect([...custody.runs()].slice(0, 2)).to.deep.equal([run(0, 30, A), run(30, 40, ISSUER)]);
  });

  it("merges a lot returned to the issuer next to its stock back into the implicit stock", function () {
    const custody = createCustodyRuns(10, ISSUER);
    custody.apply(0, 5, to(A));
    expect(custody.stockStart).to.equal(5);
    custody.apply(0, 5, to(ISSUER));
    expect([...custody.runs()]).to.deep.equal([run(0, 10, ISSUER)]);
    expect(custody.stockStart).to.equal(0);
    expect(custody.size).to.equal(1);
  });

  it("sets stockStart to count when the last run is not the issuer's untouched stock", function () {
    const custody = createCustodyRuns(10, ISSUER);
    custody.apply(5, 10, to(A));
    expect(custody.stockStart).to.equal(10);
    expect([...custody.runs()]).to.deep.equal([run(0, 5, ISSUER), run(5, 10, A)]);
    custody.apply(9, 10, to(ISSUER));
    expect(custody.stockStart).to.equal(9);
    custody.apply(8, 10, (held) => ({ ...held, revoked: true, revokeReason: 1 }));
    expect(custody.stockStart).to.equal(10);
  });

  it("gives the implicit stock to the issuer's current account after a key rotation (§2)", function () {
    let issuer: Hex = ISSUER;
    const custody = createCustodyRuns(100, () => issuer);
    custody.apply(0, 10, to(A));
    issuer = B;
    expect(custody.runContaining(50)).to.deep.equal(run(10, 100, B));
    // A lot the new key takes back merges with its stock.
    custody.apply(0, 10, to(B));
    expect([...custody.runs()]).to.deep.equal([run(0, 100, B)]);
  });

  it("takes only the lot's properties from the callback", function () {
    const custody = createCustodyRuns(100, ISSUER);
    custody.apply(10, 20, (held) => ({ ...held, holder: A }));
    expect([...custody.runs()]).to.deep.equal([run(0, 10, ISSUER), run(10, 20, A), run(20, 100, ISSUER)]);
  });

  it("finds runs by binary search among thousands", function () {
    const custody = createCustodyRuns(1_000_000, ISSUER);
    for (let i = 0; i < 5_000; i++) custody.apply(i * 200, i * 200 + 100, to(i % 2 === 0 ? A : B));
    expect(custody.size).to.equal(10_000);
    // Lot i is [200 i, 200 i + 100), held by A or B; the issuer keeps the gaps.
    expect(custody.runContaining(123_456)).to.deep.equal(run(123_400, 123_500, B));
    expect(custody.runContaining(123_399)).to.deep.equal(run(123_300, 123_400, ISSUER));
    // A lot inside an early stored run inserts its starts in the middle of the list.
    custody.apply(250, 260, to(ISSUER));
    expect(custody.runContaining(255)).to.deep.equal(run(250, 260, ISSUER));
    expect(custody.runContaining(249)).to.deep.equal(run(200, 250, B));
    expect(custody.runContaining(260)).to.deep.equal(run(260, 300, B));
    expect(custody.size).to.equal(10_002);
  });
});
