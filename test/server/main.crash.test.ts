import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import Database from "better-sqlite3";
import { expect } from "chai";
import { network } from "hardhat";

import { startFaultyRpcProxy } from "../helpers/faultyRpcProxy.js";
import { createRng, deployIndexerFixture, type ActivityFixture } from "../helpers/indexerActivity.js";
import type { TestBatch } from "../helpers/makeBatch.js";
import { startJsonRpcServer } from "../helpers/jsonRpcServer.js";
import { countRows, createTestIndexer, dumpMirror, syncToHead } from "../helpers/testIndexer.js";

const { ethers, provider } = await network.create();
const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });
const REPO = resolve(import.meta.dirname, "../..");
const KILLS = 10;

type BusyState = { batch: TestBatch; nextTransfer: number; nextRedeem: number };

/**
 * Blocks full of logs, fast: automine off, many transactions per block. Single-card lots leave
 * the front of a big batch's stock; its back is redeemed 50 cards per redeemMany.
 */
async function addBusyBlocks(f: ActivityFixture, state: BusyState, groups: number) {
  const { registry, issuer, redeemer } = f;
  const { batch } = state;
  const people = [f.buyer, f.otherBuyer];
  await rpc("evm_setAutomine", [false]);
  try {
    for (let group = 0; group < groups; group++) {
      const sent = [];
      for (let i = 0; i < 15; i++, state.nextTransfer++) {
        const serial = state.nextTransfer;
        const to = people[serial % 2]!.address;
        // Lot hint (registry v2): the run containing serial - 1, the previous one-card lot (a
        // neighbour with the other holder, so nothing merges).
        const hint = serial === 0 ? 0 : serial - 1;
        sent.push(
          await registry.connect(issuer).transferLot(batch.batchId, issuer.address, to, serial, serial + 1, hint),
        );
      }
      await rpc("evm_mine");
      const items = [];
      for (let i = 0; i < 50; i++) {
        const serial = state.nextRedeem--;
        items.push({ serial, hint: state.nextTransfer, ...(await batch.redemptionOf(serial, redeemer.address)) });
      }
      sent.push(await registry.connect(redeemer).redeemMany(batch.batchId, items));
      await rpc("evm_mine");
      for (const tx of sent) expect((await tx.wait())!.status).to.equal(1);
      for (let i = 0; i < 2; i++) await rpc("evm_mine");
    }
    expect(state.nextRedeem).to.be.greaterThan(state.nextTransfer);
  } finally {
    await rpc("evm_setAutomine", [true]);
  }
}

describe("indexer process: kill -9 during a backfill", function () {
  let dir: string;
  let child: ChildProcess | undefined;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "cardproof-crash-"));
  });
  after(function () {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it(`resumes after ${KILLS} kills at random points with nothing lost and nothing doubled`, async function () {
    const f = await deployIndexerFixture(ethers);
    const batch = f.prepareBatch(3, { count: 4_000 });
    await f.registry.connect(f.issuer).issueBatch(batch.batchId, batch.params);
    await f.registry.connect(f.issuer).setRedeemer(batch.batchId, f.redeemer.address, true);
    const state: BusyState = { batch, nextTransfer: 0, nextRedeem: batch.params.count - 1 };
    await addBusyBlocks(f, state, 30);

    const server = await startJsonRpcServer(provider);
    // Slow, small pages: many commits, each worth killing in the middle of.
    const proxy = await startFaultyRpcProxy({ target: server.url, faults: () => ({ type: "delay", ms: 8 }) });
    const dbPath = join(dir, "indexer.sqlite");
    let stderr = "";
    const startChild = () => {
      const started = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
        cwd: REPO,
        env: {
          ...process.env,
          CARDPROOF_RPC_URL: proxy.url,
          CARDPROOF_REGISTRY_ADDRESS: f.registryAddress,
          CARDPROOF_ESCROW_ADDRESS: f.escrowAddress,
          CARDPROOF_DB_PATH: dbPath,
          CARDPROOF_FINALITY: "depth",
          CARDPROOF_FINALITY_DEPTH: "6",
          CARDPROOF_LOG_RANGE: "2",
          CARDPROOF_LOG_RANGE_MAX: "3",
          CARDPROOF_POLL_INTERVAL_MS: "50",
          CARDPROOF_LOG_LEVEL: "warn",
          CARDPROOF_API_PORT: "0",
        },
        stdio: ["ignore", "ignore", "pipe"],
      });
      started.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      return started;
    };
    const checkpoint = (): number => {
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          const row = db.prepare("SELECT last_block FROM sync_state").get() as
            { last_block: number | null } | undefined;
          return row?.last_block ?? -1;
        } finally {
          db.close();
        }
      } catch {
        return -1; // not created yet, or schema not migrated yet
      }
    };
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    const rng = createRng(41);
    const killedAt: number[] = [];
    try {
      while (killedAt.length < KILLS) {
        const before = checkpoint();
        child = startChild();
        const exited = new Promise<number | null>((done) => child!.once("exit", (code) => done(code)));
        while (checkpoint() <= before) await pause(5);
        await pause(rng.int(60));
        child.kill("SIGKILL");
        await exited;
        killedAt.push(checkpoint());
        // Never let the backfill finish while kills remain: add more busy blocks when it gets close.
        if ((await ethers.provider.getBlockNumber()) - checkpoint() < 20) await addBusyBlocks(f, state, 3);
      }

      child = startChild();
      const exited = new Promise<number | null>((done) => child!.once("exit", (code) => done(code)));
      const head = await ethers.provider.getBlock("latest");
      while (checkpoint() < head!.number) await pause(20);
      child.kill("SIGTERM");
      expect(await exited, stderr).to.equal(0);
    } finally {
      await proxy.close();
    }

    expect(killedAt).to.have.length(KILLS);
    expect(new Set(killedAt).size, `kill points ${killedAt.join(", ")}`).to.be.greaterThan(KILLS / 2);

    const crashed = new Database(dbPath, { readonly: true });
    const fresh = createTestIndexer({
      rpcUrls: [server.url],
      registry: f.registryAddress,
      escrow: f.escrowAddress,
      config: { finalityDepth: 6 },
    });
    try {
      await syncToHead(fresh.engine);
      const counts = countRows(crashed);
      expect(counts).to.deep.equal(countRows(fresh.db));
      expect(counts.raw_logs).to.be.greaterThan(1_500);
      expect(counts.redemptions).to.equal(batch.params.count - 1 - state.nextRedeem);
      expect(counts.transfers).to.equal(state.nextTransfer);
      const mine = dumpMirror(crashed);
      const theirs = dumpMirror(fresh.db);
      for (const table of Object.keys(theirs)) expect(mine[table], table).to.deep.equal(theirs[table]);
    } finally {
      crashed.close();
      fresh.close();
      await server.close();
    }
  });
});
