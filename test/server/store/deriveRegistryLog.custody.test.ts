import { expect } from "chai";
import type { Hex } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createStore, type Store } from "../../../server/store/createStore.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import type { StoredLog } from "../../../server/store/StoredLog.js";

const REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const ISSUER = "0x1111111111111111111111111111111111111111";
const NEW_KEY = "0x9999999999999999999999999999999999999999";
const A = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const BATCH = ((1n << 32n) | 1n).toString();
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

/**
 * Registry v2 custody in the mirror (issue 12 §2, §3), driven by hand-written logs through the real
 * store (SQLite `:memory:`): merges, lots spanning runs, the stock rule, key rotation, and reorg
 * rollback through the state journal. The same behaviour against a real chain is in
 * `createApi.custodyV2.test.ts`.
 */
describe("store: registry v2 custody runs", function () {
  let store: Store;
  let close: () => void;
  let block: number;
  let seq: number;

  beforeEach(function () {
    const db = openDatabase(":memory:");
    store = createStore({ db, logger: createLogger({ level: "silent" }) });
    store.initIdentity({ chainId: "31337", genesisHash: hash(1), registry: REGISTRY, escrow: null, startBlock: 1 });
    close = () => db.close();
    block = 0;
    seq = 0;
    apply("IssuerRegistered", { issuerId: 1, account: ISSUER, profileHash: hash(7) });
    apply("BatchIssued", {
      batchId: BATCH,
      issuer: ISSUER,
      params: {
        merkleRoot: hash(2),
        count: 300,
        faceValue: "50",
        currency: "0x555344",
        expiresAt: 0,
        activationRequired: false,
        metadataHash: hash(3),
        manifestHash: hash(4),
        metadataURI: "",
      },
    });
  });
  afterEach(function () {
    close();
  });

  /** Applies one log in its own unfinalized block (so it is journaled). */
  function apply(eventName: string, args: Record<string, unknown>): number {
    block++;
    const link = "batchId" in args ? { seq: ++seq, head: hash(1000 + seq) } : {};
    const log: StoredLog = {
      blockNumber: block,
      logIndex: 0,
      blockHash: hash(5000 + block),
      blockTimestamp: block,
      txHash: hash(9000 + block),
      address: REGISTRY,
      eventName,
      args: { ...args, ...link },
    };
    store.applyPage({
      fromBlock: block,
      toBlock: block,
      logs: [log],
      headers: [{ number: block, hash: hash(5000 + block), parentHash: hash(4999 + block), timestamp: block }],
      finalizedBlock: 0,
    });
    return block;
  }
  const transfer = (from: string, to: string, start: number, end: number) =>
    apply("LotTransferred", { batchId: BATCH, from, to, start, end, operator: from });
  const runs = () =>
    store.listRuns(BATCH).map((run) => [run.start, run.end, run.holder.slice(0, 4), run.activated, run.revoked]);
  const stockStart = () => store.getBatch(BATCH)!.stockStart;

  it("merges a lot bought in two parts, and passes the whole of it on as one run", function () {
    transfer(ISSUER, A, 0, 50);
    expect(runs()).to.deep.equal([
      [0, 50, "0xaa", false, false],
      [50, 300, "0x11", false, false],
    ]);
    transfer(ISSUER, A, 50, 100);
    expect(runs()).to.deep.equal([
      [0, 100, "0xaa", false, false],
      [100, 300, "0x11", false, false],
    ]);
    expect(stockStart()).to.equal(100);
    transfer(A, B, 0, 100);
    expect(runs()).to.deep.equal([
      [0, 100, "0xbb", false, false],
      [100, 300, "0x11", false, false],
    ]);
    expect(store.findRun(BATCH, 99)!.start).to.equal(0);
  });

  it("keeps each crossed run's activation when a lot spanning runs moves, merging only equal neighbours", function () {
    transfer(ISSUER, A, 0, 100);
    apply("LotActivated", { batchId: BATCH, holder: A, start: 20, end: 40, operator: A });
    expect(runs()).to.deep.equal([
      [0, 20, "0xaa", false, false],
      [20, 40, "0xaa", true, false],
      [40, 100, "0xaa", false, false],
      [100, 300, "0x11", false, false],
    ]);
    transfer(A, B, 10, 60);
    expect(runs()).to.deep.equal([
      [0, 10, "0xaa", false, false],
      [10, 20, "0xbb", false, false],
      [20, 40, "0xbb", true, false],
      [40, 60, "0xbb", false, false],
      [60, 100, "0xaa", false, false],
      [100, 300, "0x11", false, false],
    ]);
    // Activating the rest of B's cards makes its three runs one.
    apply("LotActivated", { batchId: BATCH, holder: B, start: 10, end: 20, operator: B });
    apply("LotActivated", { batchId: BATCH, holder: B, start: 40, end: 60, operator: B });
    expect(runs()).to.deep.equal([
      [0, 10, "0xaa", false, false],
      [10, 60, "0xbb", true, false],
      [60, 100, "0xaa", false, false],
      [100, 300, "0x11", false, false],
    ]);
  });

  it("merges a lot returned next to the issuer's stock back into it (stockStart moves back)", function () {
    transfer(ISSUER, A, 0, 100);
    transfer(A, ISSUER, 60, 100);
    expect(runs()).to.deep.equal([
      [0, 60, "0xaa", false, false],
      [60, 300, "0x11", false, false],
    ]);
    expect(stockStart()).to.equal(60);
  });

  it("revokes a lot spanning several holders' runs in one operation; the stock then ends at count", function () {
    transfer(ISSUER, A, 0, 100);
    transfer(ISSUER, B, 100, 200);
    apply("LotRevoked", { batchId: BATCH, start: 50, end: 300, reason: 2 });
    expect(runs()).to.deep.equal([
      [0, 50, "0xaa", false, false],
      [50, 100, "0xaa", false, true],
      [100, 200, "0xbb", false, true],
      [200, 300, "0x11", false, true],
    ]);
    expect(stockStart()).to.equal(300);
    expect(store.findLotHint(BATCH, 0)).to.equal(0);
    expect(store.findLotHint(BATCH, 100)).to.equal(50);
    expect(store.findLotHint(BATCH, 101)).to.equal(100);
  });

  it("undoes merges on a reorg rollback: the runs are exactly those before the merging block", function () {
    transfer(ISSUER, A, 0, 50);
    const before = transfer(A, B, 20, 50);
    const runsBefore = runs();
    const stockBefore = stockStart();
    expect(runsBefore).to.deep.equal([
      [0, 20, "0xaa", false, false],
      [20, 50, "0xbb", false, false],
      [50, 300, "0x11", false, false],
    ]);
    // Two merging blocks: B hands its cards back to the issuer (merging into the stock), then A too.
    transfer(B, ISSUER, 20, 50);
    transfer(A, ISSUER, 0, 20);
    expect(runs()).to.deep.equal([[0, 300, "0x11", false, false]]);
    expect(stockStart()).to.equal(0);

    store.rollbackTo(before);
    expect(runs()).to.deep.equal(runsBefore);
    expect(stockStart()).to.equal(stockBefore);
  });

  it("moves the issuer id, profile, batches and untouched stock to a rotated key; stored runs stay", function () {
    apply("LotActivated", { batchId: BATCH, holder: ISSUER, start: 0, end: 10, operator: ISSUER });
    transfer(ISSUER, A, 10, 100);
    const before = block;
    apply("IssuerKeyRotated", { issuerId: 1, previousAccount: ISSUER, newAccount: NEW_KEY });

    expect(store.getIssuer(ISSUER)).to.equal(undefined);
    expect(store.getIssuer(NEW_KEY)).to.deep.include({ issuerId: 1, profileHash: hash(7) });
    expect(store.getBatch(BATCH)!.issuer).to.equal(NEW_KEY);
    expect(store.listBatches({ issuer: NEW_KEY, limit: 10 }).map((batch) => batch.batchId)).to.deep.equal([BATCH]);
    expect(runs()).to.deep.equal([
      [0, 10, "0x11", true, false],
      [10, 100, "0xaa", false, false],
      [100, 300, "0x99", false, false],
    ]);
    // A lot returned to the new key next to the stock merges into it.
    transfer(A, NEW_KEY, 50, 100);
    expect(runs().slice(1)).to.deep.equal([
      [10, 50, "0xaa", false, false],
      [50, 300, "0x99", false, false],
    ]);
    expect(stockStart()).to.equal(50);

    store.rollbackTo(before);
    expect(store.getIssuer(ISSUER)).to.deep.include({ issuerId: 1, profileHash: hash(7) });
    expect(store.getIssuer(NEW_KEY)).to.equal(undefined);
    expect(store.getBatch(BATCH)!.issuer).to.equal(ISSUER);
    expect(runs()).to.deep.equal([
      [0, 10, "0x11", true, false],
      [10, 100, "0xaa", false, false],
      [100, 300, "0x11", false, false],
    ]);
  });

  it("derives the same custody again from raw logs alone (rebuildDerived)", function () {
    transfer(ISSUER, A, 0, 50);
    transfer(ISSUER, A, 50, 100);
    apply("IssuerKeyRotated", { issuerId: 1, previousAccount: ISSUER, newAccount: NEW_KEY });
    transfer(A, NEW_KEY, 0, 100);
    const derived = { runs: runs(), stock: stockStart(), issuer: store.getBatch(BATCH)!.issuer };
    expect(derived).to.deep.equal({ runs: [[0, 300, "0x99", false, false]], stock: 0, issuer: NEW_KEY });
    store.rebuildDerived();
    expect({ runs: runs(), stock: stockStart(), issuer: store.getBatch(BATCH)!.issuer }).to.deep.equal(derived);
  });
});
