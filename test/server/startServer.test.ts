import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

import { expect } from "chai";
import { network } from "hardhat";

import { ListenError } from "../../server/api/ListenError.js";
import { createLogger, type LogRecord } from "../../server/internal/createLogger.js";
import { DEFAULT_CONFIG, type IndexerConfig } from "../../server/internal/loadConfig.js";
import { startServer } from "../../server/startServer.js";
import { SyncWorkerError } from "../../server/sync/startSyncWorker.js";
import { request } from "../helpers/apiFixture.js";
import { deployIndexerFixture, type ActivityFixture } from "../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../helpers/jsonRpcServer.js";

const { ethers, provider } = await network.create();
const REPO = resolve(import.meta.dirname, "../..");

/** Checks `text` is the Prometheus text format and returns its samples by series. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  expect(text.endsWith("\n")).to.equal(true);
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue; // the format allows empty lines (prom-client puts one between families)
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === "TYPE") {
        expect(meta[3], line).to.be.oneOf(["counter", "gauge", "histogram", "summary", "untyped"]);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(
      line,
    );
    expect(sample, `not a sample line: ${line}`).to.not.equal(null);
    const value = Number(sample![3] === "+Inf" ? Infinity : sample![3]);
    expect(Number.isNaN(value), line).to.equal(false);
    const family = sample![1]!.replace(/_(bucket|sum|count)$/, "");
    expect(types.has(sample![1]!) || types.has(family), `${line} has no # TYPE`).to.equal(true);
    samples.set(`${sample![1]}${sample![2] ?? ""}`, value);
  }
  return samples;
}

describe("startServer: the indexer process serves the API", function () {
  let f: ActivityFixture;
  let rpc: Awaited<ReturnType<typeof startJsonRpcServer>>;

  before(async function () {
    f = await deployIndexerFixture(ethers);
    rpc = await startJsonRpcServer(provider);
  });

  after(async function () {
    await rpc.close();
  });

  const configFor = (rpcUrl: string, overrides: Partial<IndexerConfig> = {}): IndexerConfig => ({
    ...DEFAULT_CONFIG,
    rpcUrls: [rpcUrl],
    registryAddress: f.registryAddress.toLowerCase() as IndexerConfig["registryAddress"],
    escrowAddress: f.escrowAddress.toLowerCase() as IndexerConfig["escrowAddress"],
    dbPath: ":memory:",
    finality: "depth",
    pollIntervalMs: 20,
    rpcTimeoutMs: 500,
    rpcMaxAttempts: 2,
    apiPort: 0,
    ...overrides,
  });

  async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("condition not reached after 500 attempts");
  }

  it("syncs and serves, is ready while the RPC node answers, and 503 once it does not", async function () {
    const proxy = await startJsonRpcServer(provider);
    const logs: LogRecord[] = [];
    const server = await startServer({
      config: configFor(proxy.url),
      logger: createLogger({ level: "debug", sink: (record) => logs.push(record) }),
    });
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await request(server.url, "/healthz")).body).to.deep.equal({ status: "ok" });

    const head = await ethers.provider.getBlockNumber();
    // Ready within the allowed lag; wait for the whole chain to be indexed to compare exact numbers.
    const ready = await waitFor(async () => {
      const answer = await request(server.url, "/readyz");
      return answer.status === 200 && answer.body.checks.indexed.block === head ? answer : undefined;
    });
    expect(ready.body).to.deep.include({ ready: true });
    expect(ready.body.checks).to.deep.equal({
      indexed: { ok: true, block: head },
      rpc: { ok: true, head },
      lag: { ok: true, blocks: 0, max: 10 },
      sync: { ok: true },
      mirrorChecked: { ok: true },
    });

    await proxy.close();
    const notReady = await waitFor(async () => {
      const answer = await request(server.url, "/readyz");
      return answer.status === 503 ? answer : undefined;
    });
    expect(notReady.headers.get("retry-after")).to.equal("5");
    expect(notReady.body).to.deep.include({ ready: false });
    expect(notReady.body.checks.rpc).to.deep.equal({ ok: false, head: null });
    expect(notReady.body.checks.indexed).to.deep.equal({ ok: true, block: head });
    // Alive all the same, and the mirror still answers.
    expect((await request(server.url, "/healthz")).status).to.equal(200);
    expect((await request(server.url, `/v1/batches/${f.batch.batchId}/cards/0`)).status).to.equal(200);

    await server.stop();
    await server.done;
    await fetch(`${server.url}/healthz`).then(
      () => expect.fail("the API still answers after stop()"),
      (error: unknown) => expect(error).to.be.instanceOf(TypeError),
    );
  });

  it("after a restart, serves nothing from the stored mirror until it was checked against the chain", async function () {
    const dbPath = join(await mkdtemp(join(tmpdir(), "cardproof-restart-")), "indexer.db");
    const first = await startServer({ config: configFor(rpc.url, { dbPath }), logger: createLogger({ level: "silent" }) });
    const card = `/v1/batches/${f.batch.batchId}/cards/0`;
    await waitFor(async () => ((await request(first.url, card)).status === 200 ? true : undefined));
    await first.stop();
    await first.done;

    // Restarted while its node is unreachable: the chain may have reorganised meanwhile.
    const down = await startJsonRpcServer(provider);
    await down.close();
    const second = await startServer({ config: configFor(down.url, { dbPath }), logger: createLogger({ level: "silent" }) });
    try {
      const answer = await request(second.url, card);
      expect(answer.status).to.equal(503);
      expect(answer.body.error.code).to.equal("NOT_SYNCED");
      expect(answer.body.error.message).to.contain("checking its stored mirror against the chain");
      expect((await request(second.url, `/v1/batches/${f.batch.batchId}/cards/0/timeline`)).status).to.equal(503);
      const ready = await request(second.url, "/readyz");
      expect(ready.body.checks.mirrorChecked).to.deep.equal({ ok: false });
    } finally {
      await second.stop();
      await second.done.catch(() => undefined);
    }

    // With its node back, the first round checks the mirror and it is served again.
    const third = await startServer({ config: configFor(rpc.url, { dbPath }), logger: createLogger({ level: "silent" }) });
    try {
      await waitFor(async () => ((await request(third.url, card)).status === 200 ? true : undefined));
    } finally {
      await third.stop();
      await third.done;
    }
  }); // prettier-ignore

  it("exposes sync, RPC and HTTP metrics in the Prometheus text format", async function () {
    const server = await startServer({ config: configFor(rpc.url), logger: createLogger({ level: "silent" }) });
    try {
      const head = await ethers.provider.getBlockNumber();
      await waitFor(async () =>
        (await request(server.url, "/readyz")).body.block?.number === head ? true : undefined,
      );
      await request(server.url, `/v1/batches/${f.batch.batchId}/cards/5`);
      await request(server.url, `/v1/batches/${f.batch.batchId}/cards/500`);
      const answer = await request(server.url, "/metrics");
      expect(answer.headers.get("content-type")).to.equal("text/plain; version=0.0.4; charset=utf-8");
      const samples = parsePrometheus(answer.text);
      expect(samples.get("cardproof_sync_checkpoint_block")).to.equal(head);
      expect(samples.get("cardproof_sync_lag_blocks")).to.equal(0);
      expect(samples.get("cardproof_sync_logs_total")).to.be.greaterThan(5);
      expect(samples.get("cardproof_reorgs_total")).to.equal(0);
      const route = 'route="/v1/batches/:batchId/cards/:serial"';
      expect(samples.get(`cardproof_http_request_duration_seconds_count{method="GET",${route},status="200"}`)).to.equal(
        1,
      );
      expect(samples.get(`cardproof_http_request_duration_seconds_count{method="GET",${route},status="404"}`)).to.equal(
        1,
      );
      expect(answer.text).to.include("# TYPE cardproof_rpc_errors_total counter");
      expect(answer.text).to.include("# TYPE cardproof_reorg_depth_blocks histogram");
      // The process's own series, from prom-client's default collectors.
      expect(samples.get("process_resident_memory_bytes")).to.be.greaterThan(0);
      expect(samples.get("process_cpu_seconds_total")).to.be.greaterThan(0);
      expect(answer.text).to.include("# TYPE nodejs_eventloop_lag_p99_seconds gauge");
    } finally {
      await server.stop();
    }
  });

  it("with a database file, syncs in a worker thread and reports its logs and metrics on this one", async function () {
    const dbPath = join(await mkdtemp(join(tmpdir(), "cardproof-worker-")), "indexer.db");
    const logs: LogRecord[] = [];
    const server = await startServer({
      config: configFor(rpc.url, { dbPath }),
      logger: createLogger({ level: "debug", sink: (record) => logs.push(record) }),
    });
    try {
      const head = await ethers.provider.getBlockNumber();
      await waitFor(async () =>
        (await request(server.url, "/readyz")).body.block?.number === head ? true : undefined,
      );
      expect(server.engine.mirrorChecked).to.equal(true);
      // Read on this thread's connection: what the worker committed on its own.
      expect(server.store.getCheckpoint()?.blockNumber).to.equal(head);
      expect((await request(server.url, `/v1/batches/${f.batch.batchId}/cards/0`)).status).to.equal(200);
      const samples = parsePrometheus((await request(server.url, "/metrics")).text);
      expect(samples.get("cardproof_sync_checkpoint_block")).to.equal(head);
      expect(samples.get("cardproof_sync_logs_total")).to.be.greaterThan(5);
      expect(samples.get("cardproof_sync_pages_total")).to.be.greaterThan(0);
      const applied = logs.filter((record) => record.msg === "page applied");
      expect(applied.length).to.be.greaterThan(0);
      expect(applied[0]).to.include({ component: "sync", level: "debug" });
      expect(logs.some((record) => record.msg === "caught up with the chain")).to.equal(true);
    } finally {
      await server.stop();
    }
    await server.done;
  });

  it("with a database file, a fatal sync error in the worker stops the API and rejects done with it", async function () {
    const dbPath = join(await mkdtemp(join(tmpdir(), "cardproof-worker-")), "indexer.db");
    const server = await startServer({
      config: configFor(rpc.url, { dbPath, chainId: 1 }),
      logger: createLogger({ level: "silent" }),
    });
    const failure = await server.done.then(
      () => expect.fail("done resolved although the chain id is wrong"),
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(SyncWorkerError);
    expect((failure as SyncWorkerError).reportedName).to.equal("ChainMismatchError");
    expect((failure as SyncWorkerError).message).to.include("CARDPROOF_CHAIN_ID is 1");
    await fetch(`${server.url}/healthz`).then(
      () => expect.fail("the API still answers after the sync loop failed"),
      (error: unknown) => expect(error).to.be.instanceOf(TypeError),
    );
  });

  it("refuses to start on a port in use, stopping the sync loop it started", async function () {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const failure = await startServer({
      config: configFor(rpc.url, { apiPort: port }),
      logger: createLogger({ level: "silent" }),
    }).catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(ListenError);
    expect((failure as ListenError).message).to.include(`127.0.0.1:${port}: the port is in use`);
    expect((failure as ListenError).message).to.include("CARDPROOF_API_PORT");
    await new Promise((resolve) => blocker.close(resolve));
  });

  it("runs as `npm run indexer` does: serves the API and exits 0 on SIGTERM", async function () {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: REPO,
      env: {
        ...process.env,
        CARDPROOF_RPC_URL: rpc.url,
        CARDPROOF_REGISTRY_ADDRESS: f.registryAddress,
        CARDPROOF_DB_PATH: ":memory:",
        CARDPROOF_FINALITY: "depth",
        CARDPROOF_API_PORT: "0",
        CARDPROOF_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stderr! }).on("line", (line) => {
          const record = JSON.parse(line) as LogRecord;
          if (record.msg === "API listening") resolve(String(record.url));
        });
        child.once("exit", (code) => reject(new Error(`indexer exited with ${code} before listening`)));
      });
      // Ready may come before the batch's block is indexed (a lag within the limit): wait for the batch.
      const batch = await waitFor(async () => {
        const answer = await request(url, `/v1/batches/${f.batch.batchId}`);
        return answer.status === 200 ? answer.body.data : undefined;
      });
      expect(batch.count).to.equal(300);
      expect((await request(url, "/readyz")).status).to.equal(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
  });
});
