import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { createLogger } from "../../../server/internal/createLogger.js";
import { CheckpointMismatchError } from "../../../server/store/CheckpointMismatchError.js";
import { createStore } from "../../../server/store/createStore.js";
import { SCHEMA_VERSION } from "../../../server/store/migrate.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { RollbackBelowFinalizedError } from "../../../server/store/RollbackBelowFinalizedError.js";
import { SchemaVersionError } from "../../../server/store/SchemaVersionError.js";
import type { BlockHeader } from "../../../server/store/StoredLog.js";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;
const header = (n: number): BlockHeader => ({
  number: n,
  hash: hash(n + 1000),
  parentHash: hash(n + 999),
  timestamp: n,
});
const identity = {
  chainId: "31337",
  genesisHash: hash(1),
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  escrow: null,
  startBlock: 10,
} as const;

describe("openDatabase and the store's guards", function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), "cardproof-db-"));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  function freshStore(path = ":memory:") {
    const db = openDatabase(path);
    const store = createStore({ db, logger: createLogger({ level: "silent" }) });
    store.initIdentity(identity);
    return { db, store };
  }

  it("creates the file and its folder, in WAL mode, at the current schema version", function () {
    const path = join(dir, "nested", "mirror.sqlite");
    const db = openDatabase(path);
    expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
    expect(db.pragma("user_version", { simple: true })).to.equal(SCHEMA_VERSION);
    db.close();
    const again = openDatabase(path);
    expect(again.pragma("user_version", { simple: true })).to.equal(SCHEMA_VERSION);
    again.close();
  });

  it("refuses a database written by a newer indexer", function () {
    const path = join(dir, "newer.sqlite");
    const db = openDatabase(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(path)).to.throw(SchemaVersionError, /newer than this indexer/);
  });

  it("starts at the configured block and applies only the next page, writing nothing otherwise", function () {
    const { db, store } = freshStore();
    expect(store.nextBlock()).to.equal(10);
    expect(() =>
      store.applyPage({ fromBlock: 11, toBlock: 12, logs: [], headers: [header(12)], finalizedBlock: 0 }),
    ).to.throw(CheckpointMismatchError, "does not start at the next block to index (10)");
    store.applyPage({ fromBlock: 10, toBlock: 12, logs: [], headers: [header(12)], finalizedBlock: 0 });
    expect(store.getCheckpoint()).to.deep.equal({ blockNumber: 12, blockHash: hash(1012), finalizedBlock: 0 });
    expect(() =>
      store.applyPage({ fromBlock: 12, toBlock: 13, logs: [], headers: [header(13)], finalizedBlock: 0 }),
    ).to.throw(CheckpointMismatchError);
    expect(store.getCheckpoint()!.blockNumber).to.equal(12);
    db.close();
  });

  it("keeps headers of unfinalized blocks only, and refuses to roll back below the finalized block", function () {
    const { db, store } = freshStore();
    const headers = [10, 11, 12, 13, 14, 15].map(header);
    store.applyPage({ fromBlock: 10, toBlock: 15, logs: [], headers, finalizedBlock: 12 });
    expect(store.listHeadersDown(100).map((h) => h.number)).to.deep.equal([15, 14, 13, 12]);
    expect(store.rollbackTo(13)).to.deep.equal({ undone: 0 });
    expect(store.getCheckpoint()).to.deep.equal({ blockNumber: 13, blockHash: hash(1013), finalizedBlock: 12 });
    expect(() => store.rollbackTo(11)).to.throw(RollbackBelowFinalizedError);
    expect(store.getCheckpoint()!.blockNumber).to.equal(13);
    db.close();
  });

  it("empties everything on reset", function () {
    const { db, store } = freshStore();
    store.applyPage({ fromBlock: 10, toBlock: 11, logs: [], headers: [header(11)], finalizedBlock: 0 });
    store.reset();
    expect(store.getIdentity()).to.equal(undefined);
    expect(store.getCheckpoint()).to.equal(undefined);
    db.close();
  });
});
