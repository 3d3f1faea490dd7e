import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { createApi } from "../../../server/api/createApi.js";
import { startHttpServer } from "../../../server/api/startHttpServer.js";
import { createManifestStore } from "../../../server/store/createManifestStore.js";
import { deployApiFixture, request, TEST_API_OPTIONS } from "../../helpers/apiFixture.js";
import { createTestIndexer } from "../../helpers/testIndexer.js";

const { ethers, provider } = await network.create();

const JSON_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

describe("API: HTTP policy", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let url: string;
  let dir: string;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    await fx.sync();
    ({ url } = await fx.startApi());
    dir = mkdtempSync(join(tmpdir(), "cardproof-api-"));
  });

  after(async function () {
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function expectSecurityHeaders(headers: Headers, what: string) {
    for (const [name, value] of Object.entries(JSON_HEADERS))
      expect(headers.get(name), `${what}: ${name}`).to.equal(value);
    expect(headers.get("x-powered-by"), what).to.equal(null);
  }

  it("sends the security headers on every answer, success or error, and no X-Powered-By", async function () {
    const batchId = fx.f.batch.batchId;
    for (const path of [
      `/v1/batches/${batchId}/cards/1`,
      `/v1/batches/${batchId}`,
      `/v1/batches/${batchId}/cards/999`,
      "/v1/batches/nope",
      "/no/such/route",
      "/healthz",
      "/metrics",
      "/v1/openapi.json",
    ]) {
      const { headers } = await request(url, path);
      expectSecurityHeaders(headers, path);
    }
  });

  it("allows reads from any origin, without credentials, and answers read preflights", async function () {
    const read = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/1`, {
      headers: { origin: "https://wallet.example" },
    });
    expect(read.headers.get("access-control-allow-origin")).to.equal("*");
    expect(read.headers.get("access-control-allow-credentials")).to.equal(null);
    expect(read.headers.get("access-control-expose-headers")).to.equal("Retry-After");

    const preflight = await fetch(`${url}/v1/batches/${fx.f.batch.batchId}`, {
      method: "OPTIONS",
      headers: { origin: "https://wallet.example", "access-control-request-method": "GET" },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
    expect(preflight.headers.get("access-control-allow-methods")).to.equal("GET, HEAD");
    expect(preflight.headers.get("access-control-max-age")).to.equal("600");
  });

  it("compresses large answers and lets clients revalidate reads with ETags, never errors", async function () {
    const document = await request(url, "/v1/openapi.json", { headers: { "accept-encoding": "br" } });
    expect(document.status).to.equal(200);
    expect(document.headers.get("content-encoding")).to.equal("br");
    expect(document.body.openapi).to.be.a("string");
    const plain = await request(url, "/v1/openapi.json", { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).to.equal(null);
    expect(Number(document.headers.get("content-length"))).to.be.below(Number(plain.headers.get("content-length")) / 3);

    const path = `/v1/batches/${fx.f.batch.batchId}/cards/1`;
    const status = await request(url, path);
    expect(status.headers.get("cache-control")).to.equal("no-cache");
    const etag = status.headers.get("etag")!;
    expect(etag).to.match(/^"[\w-]{22}"$/);
    const again = await request(url, path, { headers: { "if-none-match": etag } });
    expect(again.status).to.equal(304);
    expect(again.text).to.equal("");

    const missing = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/999999`);
    expect(missing.status).to.equal(404);
    expect(missing.headers.get("etag")).to.equal(null);
    expect(missing.headers.get("cache-control")).to.equal("no-store");
  });

  it("answers upload preflights only for allowed origins, and refuses other methods", async function () {
    const path = `${url}/v1/batches/${fx.f.batch.batchId}/manifest`;
    const preflight = (origin: string, method = "POST") =>
      fetch(path, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" },
      });
    const allowed = await preflight("https://supplier.example");
    expect(allowed.status).to.equal(204);
    expect(allowed.headers.get("access-control-allow-origin")).to.equal("https://supplier.example");
    expect(allowed.headers.get("access-control-allow-methods")).to.equal("POST");
    expect(allowed.headers.get("vary")).to.equal("Origin");

    const refused = await preflight("https://evil.example");
    expect(refused.status).to.equal(403);
    expect(refused.headers.get("access-control-allow-origin")).to.equal(null);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal("ORIGIN_NOT_ALLOWED");

    const deletion = await preflight("https://supplier.example", "DELETE");
    expect(deletion.status).to.equal(405);
  });

  it("answers unknown routes with 404 JSON and known routes with another method with 405 and Allow", async function () {
    for (const path of ["/", "/v2/batches", "/v1/batch/1", "/index.html", "/v1/batches/1/cards"]) {
      const answer = await request(url, path);
      expect(answer.status, path).to.equal(404);
      expect(answer.headers.get("content-type")).to.equal("application/json; charset=utf-8");
      expect(answer.body.error.code, path).to.equal("NOT_FOUND");
    }
    expect((await request(url, "/")).body.error.message).to.include("verifier page is not built");

    for (const [path, method, allow] of [
      [`/v1/batches/${fx.f.batch.batchId}/cards/1`, "POST", "GET, HEAD"],
      [`/v1/batches/${fx.f.batch.batchId}/manifest`, "PUT", "GET, HEAD, POST"],
      ["/healthz", "DELETE", "GET, HEAD"],
      ["/v1/openapi.json", "PATCH", "GET, HEAD"],
    ] as const) {
      const answer = await request(url, path, { method });
      expect(answer.status, `${method} ${path}`).to.equal(405);
      expect(answer.headers.get("allow")).to.equal(allow);
      expect(answer.body.error.code).to.equal("METHOD_NOT_ALLOWED");
    }
  });

  it("answers malformed input with 4xx JSON, never a 5xx or a stack trace", async function () {
    const batchId = fx.f.batch.batchId;
    const paths = [
      "/v1/batches/%E0%A4%A",
      `/v1/batches/${batchId}/cards/%FF`,
      `/v1/batches/${"9".repeat(500)}`,
      `/v1/batches/${batchId}/cards/${"1".repeat(300)}`,
      "/v1/batches/-1",
      "/v1/batches/0x",
      "/v1/batches/%00",
      "/v1/batches/..%2F..%2Fetc%2Fpasswd",
      "/v1/batches/\u{1F4B3}",
      "/v1/orders/0x",
      "/v1/issuers/0xZZ5fbdb2315678afecb367f032d93f642f64180a",
      "/v1/batches?limit=abc",
      "/v1/batches?after=0x1&after=0x2",
      "/v1/batches?issuer[]=0x1",
      "/v1/audit/heads?after=-5",
      "/v1/issuers?after=1e3",
      "/v1/chain?x=1",
      "/v1/batches/nope/audit",
      "/v1/batches/nope/manifest",
      `/v1/batches/${batchId}/cards/x/timeline`,
      `/v1/batches/${batchId}/cards/x/proof`,
      "/v1/issuers?limit=0",
      "/v1/audit/heads?after=zz",
    ];
    for (const path of paths) {
      const answer = await request(url, path);
      expect(answer.status, path).to.be.within(400, 499);
      expect(answer.body?.error?.code, path).to.be.a("string");
      expect(answer.text, path).not.to.match(/\.ts:\d+|\bat [A-Za-z.<>]+ \(|node_modules/);
    }
  });

  it("rate-limits each client with a token bucket: 429 with Retry-After, health checks exempt", async function () {
    const limited = await fx.startApi({ rateLimit: 1, rateBurst: 2 });
    const card = `/v1/batches/${fx.f.batch.batchId}/cards/1`;
    expect((await request(limited.url, card)).status).to.equal(200);
    expect((await request(limited.url, "/v1/chain")).status).to.equal(200);
    const refused = await request(limited.url, card);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).to.be.within(1, 2);
    expectSecurityHeaders(refused.headers, "429");
    expect((await request(limited.url, "/v1/chain")).status).to.equal(429);
    for (const path of ["/healthz", "/readyz", "/metrics"])
      expect((await request(limited.url, path)).status).to.equal(200);
    expect((await request(limited.url, "/metrics")).text).to.match(/^cardproof_http_rate_limited_total [1-9]/m);
    await limited.close();
  });

  it("serves the built verifier page with its own policy when the folder exists", async function () {
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>CardProof</title>");
    writeFileSync(join(dir, "app.js"), "console.log('verifier')");
    writeFileSync(join(dir, ".env"), "SECRET=1");
    const withPage = await fx.startApi({ verifierDir: dir });
    const page = await fetch(`${withPage.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    expect(await page.text()).to.include("<title>CardProof</title>");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).to.include("default-src 'self'").and.to.include("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(page.headers.get("permissions-policy")).to.include("camera=(self)");
    expect((await fetch(`${withPage.url}/app.js`)).headers.get("content-type")).to.match(/javascript/);
    for (const path of ["/missing.js", "/.env", "/../package.json", "/%2e%2e/package.json", "/..%2fpackage.json"]) {
      const missing = await request(withPage.url, path);
      expect(missing.status, path).to.equal(404);
      expect(missing.body.error.code).to.equal("NOT_FOUND");
    }
    expect((await request(withPage.url, "/v1/chain")).headers.get("content-security-policy")).to.equal(
      JSON_HEADERS["content-security-policy"],
    );
    await withPage.close();
  });

  it("answers 503 NOT_SYNCED with Retry-After before the first block is indexed", async function () {
    const fresh = createTestIndexer({ rpcUrls: [fx.rpc.url], registry: fx.f.registryAddress });
    const api = createApi({
      store: fresh.store,
      manifests: createManifestStore(fresh.db),
      logger: fresh.logger,
      metrics: fresh.metrics,
      options: TEST_API_OPTIONS,
      probeHead: async () => 0,
    });
    const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
    for (const path of ["/v1/chain", `/v1/batches/${fx.f.batch.batchId}/cards/1`, "/v1/batches"]) {
      const answer = await request(http.url, path);
      expect(answer.status, path).to.equal(503);
      expect(answer.body.error.code).to.equal("NOT_SYNCED");
      expect(answer.headers.get("retry-after")).to.equal("5");
    }
    expect((await request(http.url, "/readyz")).status).to.equal(503);
    await http.close(100);
    await api.close();
    fresh.close();
  });

  it("answers its own faults with 500 INTERNAL_ERROR, logged without the request, never a stack trace", async function () {
    const broken = createTestIndexer({ rpcUrls: [fx.rpc.url], registry: fx.f.registryAddress });
    const api = createApi({
      store: fx.indexer.store,
      manifests: createManifestStore(broken.db),
      logger: broken.logger,
      metrics: broken.metrics,
      options: TEST_API_OPTIONS,
      probeHead: async () => 0,
    });
    broken.close(); // the manifest store's database is gone: every manifest read fails
    const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
    const answer = await request(http.url, `/v1/batches/${fx.f.batch.batchId}/manifest?`);
    expect(answer.status).to.equal(500);
    expect(answer.body).to.deep.equal({
      error: { code: "INTERNAL_ERROR", message: "the indexer failed to answer this request; retry later" },
    });
    expect(answer.text).not.to.match(/\.ts:\d+|database/i);
    const logged = broken.logs.find((record) => record.msg === "request failed");
    expect(logged).to.deep.include({ level: "error", route: "/v1/batches/:batchId/manifest" });
    await http.close(100);
    await api.close();
  });
});
