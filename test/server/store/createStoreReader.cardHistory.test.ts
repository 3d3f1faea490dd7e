import Database from "better-sqlite3";
import { expect } from "chai";
import type { Hex } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createStore, type Store } from "../../../server/store/createStore.js";
import { createStoreReader } from "../../../server/store/createStoreReader.js";
import { migrate, SCHEMA_VERSION } from "../../../server/store/migrate.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { SCHEMA_V1 } from "../../../server/store/schemaV1.js";
import { SCHEMA_V2 } from "../../../server/store/schemaV2.js";
import { SCHEMA_V3 } from "../../../server/store/schemaV3.js";
import { SCHEMA_V4 } from "../../../server/store/schemaV4.js";
import { SCHEMA_V5 } from "../../../server/store/schemaV5.js";
import { SCHEMA_V6 } from "../../../server/store/schemaV6.js";
import type { StoredLog } from "../../../server/store/StoredLog.js";
import { createRandom } from "../../helpers/createRandom.js";

const INSERT_EVENT = `INSERT INTO batch_events (block_number, log_index, batch_id, seq, event_name, start_serial, end_serial, head, tx_hash)
   VALUES (?, ?, ?, ?, ?, ?, ?, '0x00', '0x00')`;

/** `block/logIndex` of each event of a card's history, oldest first. */
const keysOf = (reader: ReturnType<typeof createStoreReader>, batchId: string, serial: number) =>
  reader.getCardHistory(batchId, serial).map((event) => `${event.blockNumber}/${event.logIndex}`);

/**
 * Whether the R*Tree of lots (schema v7) holds exactly the lots of `batch_events`: same keys, same
 * batch and serial boxes. The timeline trusts it, so a row it kept after its event went would show.
 */
function expectLotIndexInSync(db: Database.Database) {
  const lots = db
    .prepare(
      `SELECT block_number * 16777216 + log_index AS id, batch_id, start_serial, end_serial FROM batch_events
       WHERE end_serial - start_serial > 1 ORDER BY id`,
    )
    .all() as { id: number; batch_id: string; start_serial: number; end_serial: number }[];
  const indexed = db
    .prepare(
      "SELECT id, issuer_min, issuer_max, number_min, number_max, serial_min, serial_max FROM batch_lots ORDER BY id",
    )
    .raw()
    .all();
  expect(indexed).to.deep.equal(
    lots.map((lot) => {
      const batch = BigInt(lot.batch_id);
      const issuer = Number(batch >> 32n);
      const number = Number(batch & 0xffffffffn) - 2 ** 31;
      return [lot.id, issuer, issuer, number, number, lot.start_serial - 2 ** 31, lot.end_serial - 1 - 2 ** 31];
    }),
  );
}

describe("createStoreReader: a card's history", function () {
  const BATCH = "4294967297";
  const COUNT = 5_000;

  it("is every event whose range holds the card, one-card events and lots alike, oldest first", function () {
    const db = openDatabase(":memory:");
    const insert = db.prepare(INSERT_EVENT);
    const random = createRandom(7);
    const rows: { block: number; index: number; start: number; end: number }[] = [];
    db.transaction(() => {
      const add = (batch: string, name: string, start: number, end: number) => {
        const block = rows.length + 1;
        const index = random.int(3);
        insert.run(block, index, batch, block, name, start, end);
        if (batch === BATCH) rows.push({ block, index, start, end });
      };
      add(BATCH, "BatchIssued", 0, COUNT);
      for (let i = 0; i < 3_000; i++) {
        const start = random.int(COUNT);
        const kind = random.int(4);
        // One-card redemptions, one-card lots, and lots of 2 to 300 cards (clipped at the end).
        const end = kind === 0 ? start + 1 : Math.min(COUNT, start + 2 + random.int(299));
        add(BATCH, kind === 0 ? "VoucherRedeemed" : "LotTransferred", start, kind === 1 ? start + 1 : end);
      }
      add("8589934593", "LotTransferred", 0, COUNT); // another batch's lot never shows
    })();
    const reader = createStoreReader(db);
    const serials = [0, 1, COUNT - 2, COUNT - 1, ...Array.from({ length: 300 }, () => random.int(COUNT))];
    for (const serial of serials) {
      const expected = rows
        .filter((row) => row.start <= serial && serial < row.end)
        .sort((a, b) => a.block - b.block || a.index - b.index)
        .map((row) => `${row.block}/${row.index}`);
      expect(keysOf(reader, BATCH, serial), `serial ${serial}`).to.deep.equal(expected);
    }
    expectLotIndexInSync(db);
    db.close();
  });

  it("holds a lot from its start to its end - 1, and not at its end or before its start", function () {
    const db = openDatabase(":memory:");
    const insert = db.prepare(INSERT_EVENT);
    insert.run(1, 0, BATCH, 1, "BatchIssued", 0, COUNT);
    insert.run(2, 3, BATCH, 2, "LotTransferred", 100, 200);
    insert.run(3, 0, BATCH, 3, "LotTransferred", 200, 202); // the next lot starts where it ends
    insert.run(4, 1, BATCH, 4, "LotActivated", 199, 200);
    const reader = createStoreReader(db);
    expect(keysOf(reader, BATCH, 99)).to.deep.equal(["1/0"]);
    expect(keysOf(reader, BATCH, 100)).to.deep.equal(["1/0", "2/3"]);
    expect(keysOf(reader, BATCH, 199)).to.deep.equal(["1/0", "2/3", "4/1"]);
    expect(keysOf(reader, BATCH, 200)).to.deep.equal(["1/0", "3/0"]);
    expect(keysOf(reader, BATCH, 201)).to.deep.equal(["1/0", "3/0"]);
    expect(keysOf(reader, BATCH, 202)).to.deep.equal(["1/0"]);
    expect(keysOf(reader, BATCH, COUNT - 1)).to.deep.equal(["1/0"]);
    db.close();
  });

  it("keeps batches apart at the edges of ids and serials: largest issuer id, batch numbers and serials past 2^31", function () {
    const db = openDatabase(":memory:");
    const insert = db.prepare(INSERT_EVENT);
    const MAX_SERIAL = 2 ** 32 - 1; // count is a uint32: the last card of a full batch
    const top = ((2n ** 24n - 1n) << 32n) | (2n ** 32n - 1n); // issuer 2^24 - 1, number 2^32 - 1
    const batches = [top, top - 1n, (1n << 32n) | (2n ** 31n), (1n << 32n) | (2n ** 31n - 1n), 0n].map(String);
    batches.forEach((batch, i) => {
      insert.run(10 * i + 1, 0, batch, 1, "BatchIssued", 0, MAX_SERIAL + 1);
      insert.run(10 * i + 2, 0, batch, 2, "LotTransferred", MAX_SERIAL - 1 - i, MAX_SERIAL + 1);
      insert.run(10 * i + 3, 0, batch, 3, "LotTransferred", 2 ** 31 - 1, 2 ** 31 + 1 + i);
    });
    const reader = createStoreReader(db);
    batches.forEach((batch, i) => {
      const at = (block: number) => `${10 * i + block}/0`;
      expect(keysOf(reader, batch, MAX_SERIAL), `batch ${batch}`).to.deep.equal([at(1), at(2)]);
      expect(keysOf(reader, batch, MAX_SERIAL - 1 - i), `batch ${batch}`).to.deep.equal([at(1), at(2)]);
      expect(keysOf(reader, batch, MAX_SERIAL - 2 - i), `batch ${batch}`).to.deep.equal([at(1)]);
      expect(keysOf(reader, batch, 2 ** 31 - 1), `batch ${batch}`).to.deep.equal([at(1), at(3)]);
      expect(keysOf(reader, batch, 2 ** 31 + i), `batch ${batch}`).to.deep.equal([at(1), at(3)]);
      expect(keysOf(reader, batch, 2 ** 31 + 1 + i), `batch ${batch}`).to.deep.equal([at(1)]);
      expect(keysOf(reader, batch, 0), `batch ${batch}`).to.deep.equal([at(1)]);
    });
    expect(keysOf(reader, "12345", 5)).to.deep.equal([]);
    db.close();
  });

  it("finds the lots a v6 database already held once it is migrated to v7", function () {
    const db = new Database(":memory:");
    for (const schema of [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6]) db.exec(schema);
    db.pragma("user_version = 6");
    const insert = db.prepare(INSERT_EVENT);
    insert.run(1, 0, BATCH, 1, "BatchIssued", 0, COUNT);
    insert.run(2, 0, BATCH, 2, "LotTransferred", 10, 20);
    insert.run(3, 0, BATCH, 3, "VoucherRedeemed", 15, 16);
    expect(migrate(db)).to.equal(SCHEMA_VERSION);
    const reader = createStoreReader(db);
    expect(keysOf(reader, BATCH, 15)).to.deep.equal(["1/0", "2/0", "3/0"]);
    expect(keysOf(reader, BATCH, 20)).to.deep.equal(["1/0"]);
    expectLotIndexInSync(db);
    db.close();
  });
});

describe("createStoreReader: a card's history across reorgs and rebuilds", function () {
  const REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  const ISSUER = "0x1111111111111111111111111111111111111111";
  const A = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const B = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const BATCH = ((1n << 32n) | 1n).toString();
  const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
  let db: Database.Database;
  let store: Store;
  let block: number;
  let seq: number;

  beforeEach(function () {
    db = openDatabase(":memory:");
    store = createStore({ db, logger: createLogger({ level: "silent" }) });
    store.initIdentity({ chainId: "31337", genesisHash: hash(1), registry: REGISTRY, escrow: null, startBlock: 1 });
    block = 0;
    seq = 0;
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
    db.close();
  });

  /** Applies one log in its own unfinalized block; `fork` varies the block hash of a replacement block. */
  function apply(eventName: string, args: Record<string, unknown>, fork = 0): number {
    block++;
    seq++;
    const blockHash = hash(5000 + block + 100_000 * fork);
    const log: StoredLog = {
      blockNumber: block,
      logIndex: 0,
      blockHash,
      blockTimestamp: block,
      txHash: hash(9000 + block + 100_000 * fork),
      address: REGISTRY,
      eventName,
      args: { ...args, seq, head: hash(1000 + seq) },
    };
    store.applyPage({
      fromBlock: block,
      toBlock: block,
      logs: [log],
      headers: [{ number: block, hash: blockHash, parentHash: hash(4999 + block), timestamp: block }],
      finalizedBlock: 0,
    });
    return block;
  }
  const transfer = (from: string, to: string, start: number, end: number, fork = 0) =>
    apply("LotTransferred", { batchId: BATCH, from, to, start, end, operator: from }, fork);
  const timeline = (serial: number) =>
    store.getCardHistory(BATCH, serial).map((event) => [event.eventName, event.start, event.end, event.blockHash]);

  it("drops the rolled-back lots, and a lot replacing one in the same block shows only for its own cards", function () {
    const issued = ["BatchIssued", 0, 300, hash(5001)];
    const kept = transfer(ISSUER, A, 0, 100);
    transfer(A, B, 20, 60);
    transfer(B, A, 40, 60);
    expect(timeline(50)).to.deep.equal([
      issued,
      ["LotTransferred", 0, 100, hash(5002)],
      ["LotTransferred", 20, 60, hash(5003)],
      ["LotTransferred", 40, 60, hash(5004)],
    ]);

    store.rollbackTo(kept);
    expect(timeline(50)).to.deep.equal([issued, ["LotTransferred", 0, 100, hash(5002)]]);
    expectLotIndexInSync(db);

    // The other fork puts a lot of other cards in the rolled-back block (same block number, same log index).
    block = kept;
    seq = 2;
    transfer(ISSUER, B, 200, 300, 1);
    expect(timeline(50)).to.deep.equal([issued, ["LotTransferred", 0, 100, hash(5002)]]);
    expect(timeline(250)).to.deep.equal([issued, ["LotTransferred", 200, 300, hash(105_003)]]);
    expectLotIndexInSync(db);
  });

  it("answers the same after rebuildDerived() and is empty after reset()", function () {
    transfer(ISSUER, A, 0, 100);
    transfer(A, B, 20, 60);
    apply("LotActivated", { batchId: BATCH, holder: B, start: 30, end: 40, operator: B });
    const before = [0, 20, 35, 59, 60, 299].map(timeline);
    store.rebuildDerived();
    expect([0, 20, 35, 59, 60, 299].map(timeline)).to.deep.equal(before);
    expectLotIndexInSync(db);
    store.reset();
    expect(db.prepare("SELECT count(*) FROM batch_lots").pluck().get()).to.equal(0);
  });
});
