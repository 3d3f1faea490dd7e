import { expect } from "chai";
import { network } from "hardhat";

import { createLogger, type LogRecord } from "../../../server/internal/createLogger.js";
import { DEFAULT_CONFIG, type IndexerConfig } from "../../../server/internal/loadConfig.js";
import { createStore } from "../../../server/store/createStore.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { createRpcClient } from "../../../server/sync/createRpcClient.js";
import { createSyncEngine } from "../../../server/sync/createSyncEngine.js";
import { createRandomActivity, deployIndexerFixture, type ActivityFixture } from "../../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";
import { dumpMirror, syncToHead } from "../../helpers/testIndexer.js";

const { ethers, provider } = await network.create();

describe("sync engine: a page is applied in block-aligned slices", function () {
  let server: Awaited<ReturnType<typeof startJsonRpcServer>>;
  let f: ActivityFixture;

  before(async function () {
    f = await deployIndexerFixture(ethers);
    const activity = createRandomActivity(f, 7);
    for (let i = 0; i < 12; i++) await activity.step();
    server = await startJsonRpcServer(provider);
  });

  after(async function () {
    await server.close();
  });

  function indexer(sliceLogs: number) {
    const logs: LogRecord[] = [];
    const logger = createLogger({ level: "debug", sink: (record) => logs.push(record) });
    const config: IndexerConfig = {
      ...DEFAULT_CONFIG,
      rpcUrls: [server.url],
      registryAddress: f.registryAddress.toLowerCase() as IndexerConfig["registryAddress"],
      escrowAddress: f.escrowAddress.toLowerCase() as IndexerConfig["escrowAddress"],
      dbPath: ":memory:",
      finality: "depth",
      finalityDepth: 3,
      logRange: { initial: 1_000, max: 10_000 },
    };
    const db = openDatabase(":memory:");
    const store = createStore({ db, logger });
    const client = createRpcClient({ urls: config.rpcUrls, logger, timeoutMs: 2_000, maxAttempts: 2 });
    const engine = createSyncEngine({ config, store, client, logger, sliceLogs });
    /** The "page applied" records: each is one store transaction with its checkpoint. */
    const applied = () =>
      logs
        .filter((record) => record.msg === "page applied")
        .map((r) => ({ block: Number(r.block), logs: Number(r.logs) }));
    return { db, engine, applied };
  }

  it("ends each transaction with the block holding its sliceLogs-th log, and mirrors the same rows as whole pages", async function () {
    const sliced = indexer(3);
    const whole = indexer(Number.POSITIVE_INFINITY);
    await syncToHead(sliced.engine);
    await syncToHead(whole.engine);
    expect(dumpMirror(sliced.db)).to.deep.equal(dumpMirror(whole.db));

    const logsIn = sliced.db.prepare(
      "SELECT COUNT(*) AS logs FROM raw_logs WHERE block_number > ? AND block_number <= ?",
    );
    const lastBlockOf = sliced.db.prepare(
      "SELECT block_number AS block, COUNT(*) AS logs FROM raw_logs WHERE block_number > ? AND block_number <= ? " +
        "GROUP BY block_number ORDER BY block_number DESC LIMIT 1",
    );
    let previous = -1;
    for (const slice of sliced.applied()) {
      const { logs } = logsIn.get(previous, slice.block) as { logs: number };
      expect(logs, `slice ending at block ${slice.block}`).to.equal(slice.logs);
      // Cut at the end of the block holding its 3rd log: without its last block it holds fewer than 3.
      const last = lastBlockOf.get(previous, slice.block) as { block: number; logs: number } | undefined;
      if (last !== undefined) expect(slice.logs - last.logs, `slice ending at block ${slice.block}`).to.be.below(3);
      previous = slice.block;
    }
    expect(sliced.applied().length).to.be.greaterThan(whole.applied().length);
    expect(Math.max(...whole.applied().map((page) => page.logs))).to.be.greaterThan(3);
    sliced.db.close();
    whole.db.close();
  });
});
