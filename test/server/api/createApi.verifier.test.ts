import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { expect } from "chai";
import { network } from "hardhat";

import { createApi, type ApiOptions } from "../../../server/api/createApi.js";
import { startHttpServer } from "../../../server/api/startHttpServer.js";
import { createVerificationCounter } from "../../../server/store/createVerificationCounter.js";
import { SCHEMA_VERSION } from "../../../server/store/migrate.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { SCHEMA_V1 } from "../../../server/store/schemaV1.js";
import { SCHEMA_V2 } from "../../../server/store/schemaV2.js";
import { deployApiFixture, request, TEST_API_OPTIONS } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

describe("API: the verifier page's routes (check counter, config.json, page policy)", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let dir: string;
  const closers: (() => Promise<void>)[] = [];

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    await fx.sync();
    dir = mkdtempSync(join(tmpdir(), "cardproof-verifier-api-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>CardProof</title>");
    writeFileSync(join(dir, "config.json"), '{"registries":[]}');
  });

  after(async function () {
    for (const close of closers) await close();
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A real API over the fixture's mirror, with the check counter unless `counter` is false. */
  async function start(options: Partial<ApiOptions> = {}, { counter = true } = {}) {
    const api = createApi({
      store: fx.indexer.store,
      manifests: fx.manifests,
      ...(counter ? { verifications: createVerificationCounter(fx.indexer.db) } : {}),
      logger: fx.indexer.logger,
      metrics: fx.indexer.metrics,
      options: { ...TEST_API_OPTIONS, ...options },
      probeHead: async () => 0,
    });
    const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
    closers.push(async () => {
      await http.close(100);
      await api.close();
    });
    return http.url;
  }

  it("counts checks per card (POST) and reads the count (GET), storing no personal data", async function () {
    const url = await start();
    const path = `/v1/batches/${fx.f.batch.batchId}/cards/7/verifications`;
    const none = await request(url, path);
    expect(none.status).to.equal(200);
    expect(none.body.data).to.deep.equal({ batchId: String(fx.f.batch.batchId), serial: 7, count: 0, firstAt: null });

    const before = Math.floor(Date.now() / 1000);
    const first = await request(url, path, { method: "POST", headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(first.status).to.equal(200);
    expect(first.body.data.count).to.equal(1);
    expect(first.body.data.firstAt).to.be.within(before, before + 5);
    expect(first.body.block.number).to.be.a("number");
    const second = await request(url, path, { method: "POST" });
    expect(second.body.data).to.deep.equal({ ...first.body.data, count: 2 });
    expect((await request(url, path)).body.data.count).to.equal(2);
    expect((await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/8/verifications`)).body.data.count).to.equal(0);

    const columns = fx.indexer.db.prepare("PRAGMA table_info(card_verifications)").all() as { name: string }[];
    expect(columns.map((column) => column.name)).to.deep.equal(["batch_id", "serial", "count", "first_at", "last_at"]);
    const rows = JSON.stringify(fx.indexer.db.prepare("SELECT * FROM card_verifications").all());
    expect(rows).not.to.contain("203.0.113.9").and.not.to.contain("127.0.0.1");
  });

  it("counts only cards the mirror knows, and validates the path like the other card routes", async function () {
    const url = await start();
    const batchId = fx.f.batch.batchId;
    const cases: [string, number, string][] = [
      [`/v1/batches/${batchId}/cards/300/verifications`, 404, "CARD_NOT_FOUND"],
      ["/v1/batches/4294967299/cards/0/verifications", 404, "BATCH_NOT_FOUND"],
      [`/v1/batches/${batchId}/cards/x/verifications`, 400, "INVALID_SERIAL"],
      [`/v1/batches/${batchId}/cards/1/verifications?who=me`, 400, "INVALID_QUERY"],
    ];
    for (const [path, status, code] of cases) {
      const answer = await request(url, path, { method: "POST" });
      expect(answer.status, path).to.equal(status);
      expect(answer.body.error.code, path).to.equal(code);
    }
    const put = await request(url, `/v1/batches/${batchId}/cards/1/verifications`, { method: "PUT" });
    expect(put.status).to.equal(405);
    expect(put.headers.get("allow")).to.equal("GET, HEAD, POST");
    const off = await start({}, { counter: false });
    const refused = await request(off, `/v1/batches/${batchId}/cards/1/verifications`, { method: "POST" });
    expect(refused.status).to.equal(404);
    expect(refused.body.error.code).to.equal("NOT_FOUND");
  });

  it("lets a verifier page on any origin count a check, and rate-limits it like every route", async function () {
    const url = await start({ rateLimit: 1, rateBurst: 1 });
    const path = `/v1/batches/${fx.f.batch.batchId}/cards/9/verifications`;
    const origin = { Origin: "https://verify.elsewhere.example" };
    const preflight = await fetch(`${url}${path}`, {
      method: "OPTIONS",
      headers: { ...origin, "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
    const counted = await request(url, path, { method: "POST", headers: origin });
    expect(counted.status).to.equal(200);
    expect(counted.headers.get("access-control-allow-origin")).to.equal("*");
    const limited = await request(url, path, { method: "POST", headers: origin });
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal("RATE_LIMITED");
    // Manifest uploads from that origin stay refused.
    const upload = await request(url, `/v1/batches/${fx.f.batch.batchId}/manifest`, {
      method: "POST",
      headers: origin,
    });
    expect(upload.status).to.be.oneOf([403, 429]);
  });

  it("serves config.json for the page and narrows the page's connect-src to the configured node", async function () {
    const url = await start({
      verifierDir: dir,
      verifierPage: {
        chainId: 31_337,
        registry: fx.f.registryAddress.toLowerCase() as `0x${string}`,
        escrow: fx.f.escrowAddress.toLowerCase() as `0x${string}`,
        rpcUrls: ["https://rpc.example.org/v1/public", "http://127.0.0.1:8545"],
        explorerUrl: "https://explorer.example.org",
      },
    });
    const config = await request(url, "/config.json");
    expect(config.status).to.equal(200);
    expect(config.body).to.deep.equal({
      registries: [
        {
          chainId: fx.indexer.store.getIdentity()!.chainId,
          address: fx.f.registryAddress.toLowerCase(),
          rpcUrls: ["https://rpc.example.org/v1/public", "http://127.0.0.1:8545"],
          indexerUrl: "/",
          proofSources: ["indexer"],
          explorerUrl: "https://explorer.example.org",
          escrow: fx.f.escrowAddress.toLowerCase(),
        },
      ],
    });
    for (const path of ["/"]) {
      const answer = await fetch(`${url}${path}`);
      const csp = answer.headers.get("content-security-policy")!;
      expect(csp, path).to.contain("connect-src 'self' https://rpc.example.org http://127.0.0.1:8545;");
      expect(csp, path).not.to.contain("https:;").and.not.to.contain("localhost");
      expect(answer.headers.get("referrer-policy"), path).to.equal("no-referrer");
      expect(answer.headers.get("permissions-policy"), path).to.contain("camera=(self)");
    }
    expect((await request(url, "/config.json", { method: "POST" })).status).to.equal(404);

    // Without page settings, config.json is the folder's own file (a page hosted as static files).
    const plain = await start({ verifierDir: dir });
    expect((await request(plain, "/config.json")).body).to.deep.equal({ registries: [] });
    expect((await fetch(`${plain}/`)).headers.get("content-security-policy")).to.contain(
      "connect-src 'self' https: http://127.0.0.1:* http://localhost:*;",
    );
  });

  it("migrates a version 2 database to the counter's table, keeping its rows", function () {
    const path = join(dir, "v2.sqlite");
    const db = new Database(path);
    db.exec(SCHEMA_V1);
    db.exec(SCHEMA_V2);
    db.pragma("user_version = 2");
    db.close();
    const migrated = openDatabase(path);
    expect(migrated.pragma("user_version", { simple: true })).to.equal(SCHEMA_VERSION);
    const counter = createVerificationCounter(migrated);
    expect(counter.record("4294967297", 1, 1_700_000_000)).to.deep.equal({ count: 1, firstAt: 1_700_000_000 });
    expect(counter.record("4294967297", 1, 1_700_000_100)).to.deep.equal({ count: 2, firstAt: 1_700_000_000 });
    migrated.close();
  });
});
