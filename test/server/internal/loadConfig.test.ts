import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ConfigError } from "../../../server/internal/ConfigError.js";
import { DEFAULT_CONFIG, loadConfig } from "../../../server/internal/loadConfig.js";

describe("loadConfig", function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), "cardproof-config-"));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("defaults to the local chain and a SQLite file under .cardproof/", function () {
    const config = loadConfig({ env: {}, cwd: "/srv/app" });
    expect(config).to.deep.equal({ ...DEFAULT_CONFIG, dbPath: "/srv/app/.cardproof/indexer.sqlite" });
    expect(config.rpcUrls).to.deep.equal(["http://127.0.0.1:8545"]);
  });

  it("reads CARDPROOF_* variables, with fallback URLs comma-separated", function () {
    const config = loadConfig({
      cwd: "/srv/app",
      env: {
        CARDPROOF_RPC_URL: "https://a.example/v2/key, http://127.0.0.1:8545",
        CARDPROOF_CHAIN_ID: "8453",
        CARDPROOF_REGISTRY_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        CARDPROOF_ESCROW_ADDRESS: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
        CARDPROOF_START_BLOCK: "1200",
        CARDPROOF_CONFIRMATIONS: "2",
        CARDPROOF_FINALITY: "tag",
        CARDPROOF_FINALITY_DEPTH: "128",
        CARDPROOF_POLL_INTERVAL_MS: "2000",
        CARDPROOF_DB_PATH: "data/mirror.sqlite",
        CARDPROOF_LOG_LEVEL: "debug",
        CARDPROOF_LOG_RANGE: "500",
        CARDPROOF_LOG_RANGE_MAX: "2000",
        CARDPROOF_INDEXER_RESET: "1",
      },
    });
    expect(config).to.deep.include({
      rpcUrls: ["https://a.example/v2/key", "http://127.0.0.1:8545"],
      chainId: 8453,
      registryAddress: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      escrowAddress: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
      startBlock: 1200,
      confirmations: 2,
      finality: "tag",
      finalityDepth: 128,
      pollIntervalMs: 2000,
      dbPath: "/srv/app/data/mirror.sqlite",
      logLevel: "debug",
      logRange: { initial: 500, max: 2000 },
      reset: true,
    });
  });

  it("reads a JSON config file, which environment variables and --reset override", function () {
    const file = join(dir, "indexer.json");
    writeFileSync(
      file,
      JSON.stringify({ rpcUrls: ["http://10.0.0.5:8545"], startBlock: 7, logRange: { initial: 50, max: 100 } }),
    );
    const config = loadConfig({ env: { CARDPROOF_START_BLOCK: "9" }, argv: ["--config", file, "--reset"], cwd: dir });
    expect(config).to.deep.include({
      rpcUrls: ["http://10.0.0.5:8545"],
      startBlock: 9,
      logRange: { initial: 50, max: 100 },
      reset: true,
    });
  });

  it("reports every invalid setting at once, naming the variable and what it accepts", function () {
    let error: unknown;
    try {
      loadConfig({
        env: {
          CARDPROOF_RPC_URL: "ws://127.0.0.1:8546",
          CARDPROOF_REGISTRY_ADDRESS: "0x1234",
          CARDPROOF_START_BLOCK: "-1",
          CARDPROOF_FINALITY: "safe",
          CARDPROOF_LOG_RANGE: "5000",
          CARDPROOF_LOG_RANGE_MAX: "1000",
        },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      'CARDPROOF_RPC_URL: "ws://127.0.0.1:8546" must be an http(s) URL; websockets are not supported',
      'CARDPROOF_REGISTRY_ADDRESS: "0x1234" is not a 20-byte hex address (0x followed by 40 hex digits)',
      'CARDPROOF_START_BLOCK: must be an integer >= 0, got "-1"',
      'CARDPROOF_FINALITY: must be one of auto, tag, depth, got "safe"',
      "CARDPROOF_LOG_RANGE (5000) must not exceed CARDPROOF_LOG_RANGE_MAX (1000)",
    ]);
    expect((error as ConfigError).message).to.include("server/README.md");
  });

  it("rejects an unknown setting in the config file", function () {
    const file = join(dir, "typo.json");
    writeFileSync(file, JSON.stringify({ registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3" }));
    expect(() => loadConfig({ env: {}, argv: ["--config", file] })).to.throw(ConfigError, /unknown setting "registry"/);
  });

  it("serves the API on 127.0.0.1:8787 by default, with the verifier page from the checkout", function () {
    const config = loadConfig({ env: {}, cwd: "/srv/app" });
    expect(config).to.deep.include({
      apiHost: "127.0.0.1",
      apiPort: 8787,
      apiCorsOrigins: [],
      apiRateLimit: 50,
      apiRateBurst: 100,
      apiTrustProxy: 0,
      apiManifestMaxBytes: 72 * 1024 * 1024,
    });
    expect(config.verifierDir).to.match(/verifier-web\/dist$/);
  });

  it("reads the API settings from CARDPROOF_API_* variables", function () {
    const config = loadConfig({
      cwd: "/srv/app",
      env: {
        CARDPROOF_API_HOST: "0.0.0.0",
        CARDPROOF_API_PORT: "0",
        CARDPROOF_API_CORS_ORIGINS: "https://supplier.example, http://localhost:5173/",
        CARDPROOF_API_RATE_LIMIT: "0",
        CARDPROOF_API_RATE_BURST: "20",
        CARDPROOF_API_TRUST_PROXY: "1",
        CARDPROOF_API_MANIFEST_MAX_BYTES: "1048576",
        CARDPROOF_API_PROOF_CACHE_MB: "128",
        CARDPROOF_API_MAX_LAG_BLOCKS: "3",
        CARDPROOF_VERIFIER_DIR: "web",
      },
    });
    expect(config).to.deep.include({
      apiHost: "0.0.0.0",
      apiPort: 0,
      apiCorsOrigins: ["https://supplier.example", "http://localhost:5173"],
      apiRateLimit: 0,
      apiRateBurst: 20,
      apiTrustProxy: 1,
      apiManifestMaxBytes: 1_048_576,
      apiProofCacheMb: 128,
      apiMaxLagBlocks: 3,
      verifierDir: "/srv/app/web",
    });
    expect(loadConfig({ env: { CARDPROOF_API_HOST: "::1" } }).apiHost).to.equal("::1");
  });

  it("reports invalid API settings, naming each variable", function () {
    let error: unknown;
    try {
      loadConfig({
        env: {
          CARDPROOF_API_HOST: "http://0.0.0.0",
          CARDPROOF_API_PORT: "70000",
          CARDPROOF_API_CORS_ORIGINS: "https://supplier.example/upload",
          CARDPROOF_API_RATE_BURST: "0",
        },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      'CARDPROOF_API_HOST: "http://0.0.0.0" is not an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1, localhost)',
      'CARDPROOF_API_PORT: must be an integer from 0 to 65535, got "70000"',
      'CARDPROOF_API_CORS_ORIGINS: "https://supplier.example/upload" is not an origin (scheme://host[:port], no path), nor "*"',
      'CARDPROOF_API_RATE_BURST: must be an integer >= 1, got "0"',
    ]);
  });
});
