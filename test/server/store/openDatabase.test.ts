import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { expect } from "chai";

import { createLogger } from "../../../server/internal/createLogger.js";
import { CheckpointMismatchError } from "../../../server/store/CheckpointMismatchError.js";
import { createStore } from "../../../server/store/createStore.js";
import { SCHEMA_VERSION } from "../../../server/store/migrate.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { RollbackBelowFinalizedError } from "../../../server/store/RollbackBelowFinalizedError.js";
import { SCHEMA_V1 } from "../../../server/store/schemaV1.js";
import { SCHEMA_V2 } from "../../../server/store/schemaV2.js";
import { SCHEMA_V3 } from "../../../server/store/schemaV3.js";
import { SCHEMA_V4 } from "../../../server/store/schemaV4.js";
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

  it("migrates a v4 database (a registry v1 mirror) to v5: card_key columns, v1 manifests dropped", function () {
    const path = join(dir, "v4.sqlite");
    const old = new Database(path);
    for (const schema of [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4]) old.exec(schema);
    old.pragma("user_version = 4");
    old
      .prepare(
        `INSERT INTO redemptions (block_number, log_index, batch_id, serial, redeemer, code_hash, seq, tx_hash)
         VALUES (1, 0, '4294967297', 3, '0xaa', '0x${"11".repeat(32)}', 2, '0xbb')`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO manifests (batch_id, manifest_hash, merkle_root, count, byte_length, status, uploaded_at)
         VALUES ('4294967297', '0x01', '0x02', 1, 141, 'verified', 1)`,
      )
      .run();
    old.prepare("INSERT INTO manifest_code_hashes (batch_id, code_hashes) VALUES ('4294967297', x'00')").run();
    old.close();

    const db = openDatabase(path);
    expect(db.pragma("user_version", { simple: true })).to.equal(SCHEMA_VERSION);
    expect(db.prepare("SELECT card_key FROM redemptions").pluck().get()).to.equal(`0x${"11".repeat(32)}`);
    expect(db.prepare("SELECT count(*) FROM manifests").pluck().get()).to.equal(0);
    expect(db.prepare("SELECT count(*) FROM manifest_card_keys").pluck().get()).to.equal(0);
    const columns = db.prepare("SELECT name FROM pragma_table_info('batch_events')").pluck().all();
    expect(columns).to.include("card_key").and.not.include("code_hash");
    db.close();
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
