import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from "node:zlib";

import { expect } from "chai";
import { network } from "hardhat";

import { negotiateContentCoding } from "../../../server/api/negotiateContentCoding.js";
import { noneMatchHits } from "../../../server/api/noneMatchHits.js";
import { buildVerifierWeb, type VerifierBuild } from "../../../verifier-web/build.js";
import { deployApiFixture } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

/** One raw HTTP answer: the bytes as sent (no decoding), so the test sees the wire. */
type RawAnswer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** GET (or HEAD) over node:http, which neither asks for nor decodes compression by itself. */
function raw(url: string, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The answer's body decoded per its `Content-Encoding`. */
function decoded(answer: RawAnswer): Buffer {
  const coding = answer.headers["content-encoding"];
  if (coding === "br") return brotliDecompressSync(answer.body);
  if (coding === "gzip") return gunzipSync(answer.body);
  expect(coding, "content-encoding").to.equal(undefined);
  return answer.body;
}

describe("API: the verifier page served like a production page (compression, caching, ETags)", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let build: VerifierBuild;
  let url: string;
  let files: { html: string; js: string; css: string; wasm: string };

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    await fx.sync();
    build = await buildVerifierWeb({ outDir: mkdtempSync(join(tmpdir(), "cardproof-verifier-serve-")) });
    const html = readFileSync(join(build.outDir, "index.html"), "utf8");
    files = {
      html: "index.html",
      js: /assets\/main-[A-Z2-7]{8}\.js/.exec(html)![0],
      css: /assets\/main-[A-Z2-7]{8}\.css/.exec(html)![0],
      wasm: build.wasmFile,
    };
    ({ url } = await fx.startApi({
      verifierDir: build.outDir,
      verifierPage: {
        chainId: 31_337,
        registry: fx.f.registryAddress.toLowerCase() as `0x${string}`,
        escrow: undefined,
        rpcUrls: ["http://127.0.0.1:8545"],
        explorerUrl: undefined,
      },
    }));
  });

  after(async function () {
    await fx.close();
    rmSync(build.outDir, { recursive: true, force: true });
  });

  const bytesOf = (file: string) => readFileSync(join(build.outDir, file));
  const pathOf = (file: string) => (file === "index.html" ? "/" : `/${file}`);

  it("sends the page, its script, stylesheet and decoder in brotli when the browser accepts it, decoding to the built file", async function () {
    for (const file of Object.values(files)) {
      const answer = await raw(url, pathOf(file), { "accept-encoding": "gzip, deflate, br, zstd" });
      expect(answer.status, file).to.equal(200);
      expect(answer.headers["content-encoding"], file).to.equal("br");
      expect(answer.headers.vary, file).to.equal("Accept-Encoding");
      expect(Number(answer.headers["content-length"]), file).to.equal(answer.body.length);
      expect(answer.body.length, file).to.be.below(bytesOf(file).length * 0.8);
      expect(decoded(answer).equals(bytesOf(file)), file).to.equal(true);
    }
  });

  it("sends gzip when the browser prefers it or refuses brotli with q=0", async function () {
    for (const acceptEncoding of ["gzip", "br;q=0, gzip", "gzip;q=1, br;q=0.5", "x-gzip"]) {
      for (const file of Object.values(files)) {
        const answer = await raw(url, pathOf(file), { "accept-encoding": acceptEncoding });
        expect(answer.headers["content-encoding"], `${file} with ${acceptEncoding}`).to.equal("gzip");
        expect(decoded(answer).equals(bytesOf(file)), file).to.equal(true);
      }
    }
  });

  it("sends the bytes as built when Accept-Encoding is absent or refuses every compression", async function () {
    for (const headers of [{}, { "accept-encoding": "identity" }, { "accept-encoding": "br;q=0, gzip;q=0" }]) {
      for (const file of Object.values(files)) {
        const answer = await raw(url, pathOf(file), headers);
        expect(answer.status, file).to.equal(200);
        expect(answer.headers["content-encoding"], file).to.equal(undefined);
        expect(answer.headers.vary, file).to.equal("Accept-Encoding");
        expect(Number(answer.headers["content-length"]), file).to.equal(bytesOf(file).length);
        expect(answer.body.equals(bytesOf(file)), file).to.equal(true);
      }
    }
  });

  it("names each file's content type, application/wasm for the decoder", async function () {
    const expected = {
      [files.html]: "text/html; charset=utf-8",
      [files.js]: "text/javascript; charset=utf-8",
      [files.css]: "text/css; charset=utf-8",
      [files.wasm]: "application/wasm",
      "config.json": "application/json; charset=utf-8",
    };
    for (const [file, type] of Object.entries(expected)) {
      const answer = await raw(url, pathOf(file), { "accept-encoding": "br" });
      expect(answer.headers["content-type"], file).to.equal(type);
    }
  });

  it("caches content-hashed files for a year and has index.html and config.json revalidated", async function () {
    for (const file of [files.js, files.css, files.wasm]) {
      const answer = await raw(url, pathOf(file), { "accept-encoding": "br" });
      expect(answer.headers["cache-control"], file).to.equal("public, max-age=31536000, immutable");
    }
    for (const path of ["/", "/index.html", "/config.json", "/config.example.json"]) {
      expect((await raw(url, path)).headers["cache-control"], path).to.equal("no-cache");
    }
  });

  it("tags each encoding with a strong content ETag and answers a matching If-None-Match with 304", async function () {
    for (const path of [pathOf(files.js), pathOf(files.wasm), "/", "/config.json"]) {
      const plain = await raw(url, path);
      const brotli = await raw(url, path, { "accept-encoding": "br" });
      expect(plain.headers.etag, path).to.match(/^"[\w-]{22}"$/);
      if (path !== "/config.json") {
        expect(brotli.headers.etag, path).to.equal(`${plain.headers.etag!.slice(0, -1)}-br"`);
      }
      for (const ifNoneMatch of [
        brotli.headers.etag!,
        `W/${brotli.headers.etag!}`,
        `"other", ${brotli.headers.etag!}`,
        "*",
      ]) {
        const again = await raw(url, path, { "accept-encoding": "br", "if-none-match": ifNoneMatch });
        expect(again.status, `${path} If-None-Match: ${ifNoneMatch}`).to.equal(304);
        expect(again.body.length).to.equal(0);
        expect(again.headers.etag).to.equal(brotli.headers.etag);
        expect(again.headers["cache-control"]).to.equal(brotli.headers["cache-control"]);
      }
      const changed = await raw(url, path, { "accept-encoding": "br", "if-none-match": '"somethingelse"' });
      expect(changed.status, path).to.equal(200);
      expect(decoded(changed).equals(decoded(brotli)), path).to.equal(true);
    }
    // A copy held in another encoding is not this representation: it is sent again.
    const plain = await raw(url, pathOf(files.js));
    const other = await raw(url, pathOf(files.js), { "accept-encoding": "br", "if-none-match": plain.headers.etag! });
    expect(other.status).to.equal(200);
    expect(other.headers["content-encoding"]).to.equal("br");
  });

  it("answers HEAD with the GET's headers and no body", async function () {
    for (const path of [pathOf(files.wasm), "/", "/config.json"]) {
      const get = await raw(url, path, { "accept-encoding": "br" });
      const head = await raw(url, path, { "accept-encoding": "br" }, "HEAD");
      expect(head.status, path).to.equal(200);
      expect(head.body.length, path).to.equal(0);
      for (const name of ["content-length", "content-encoding", "content-type", "etag", "cache-control", "vary"]) {
        expect(head.headers[name], `${path} ${name}`).to.equal(get.headers[name]);
      }
    }
  });

  it("sends the page's security policy with its document, 304 included, and nosniff with every answer", async function () {
    const page = await raw(url, "/", { "accept-encoding": "br" });
    const documents = [page, await raw(url, "/", { "accept-encoding": "br", "if-none-match": page.headers.etag! })];
    expect(documents[1]!.status).to.equal(304);
    for (const answer of documents) {
      expect(answer.headers["content-security-policy"]).to.contain("connect-src 'self' http://127.0.0.1:8545;");
      expect(answer.headers["permissions-policy"]).to.contain("camera=(self)");
      expect(answer.headers["x-content-type-options"]).to.equal("nosniff");
      expect(answer.headers["referrer-policy"]).to.equal("no-referrer");
    }
    const js = await raw(url, pathOf(files.js), { "accept-encoding": "br" });
    const subresources = [
      js,
      await raw(url, pathOf(files.wasm), { "accept-encoding": "gzip" }, "HEAD"),
      await raw(url, pathOf(files.js), { "accept-encoding": "br", "if-none-match": js.headers.etag! }),
      await raw(url, "/config.json"),
    ];
    for (const answer of subresources) {
      expect(answer.headers["x-content-type-options"]).to.equal("nosniff");
      // A policy on a script or a .wasm does nothing: the loading page's policy governs them.
      expect(answer.headers["content-security-policy"]).to.equal(undefined);
    }
  });

  it("compresses on the fly a file without siblings, and ignores a sibling that is not the file", async function () {
    const text = `${"a file dropped next to the build without running it. ".repeat(100)}\n`;
    writeFileSync(join(build.outDir, "notes.txt"), text);
    const fresh = await raw(url, "/notes.txt", { "accept-encoding": "br" });
    expect(fresh.headers["content-encoding"]).to.equal("br");
    expect(decoded(fresh).toString()).to.equal(text);
    expect(fresh.headers["cache-control"]).to.equal("no-cache");

    // A stale sibling (the file was edited after the build) would serve old bytes under the new ETag.
    writeFileSync(join(build.outDir, "stale.txt"), text);
    writeFileSync(join(build.outDir, "stale.txt.br"), brotliCompressSync("what the file said before"));
    const stale = await raw(url, "/stale.txt", { "accept-encoding": "br" });
    expect(decoded(stale).toString()).to.equal(text);
    expect(stale.headers.etag).to.equal(fresh.headers.etag);
  });

  it("refuses the siblings themselves, dotfiles and paths out of the folder (404)", async function () {
    writeFileSync(join(build.outDir, ".secret"), "not for the web");
    for (const path of [`/${files.js}.br`, "/index.html.gz", "/.secret", "/assets/../.secret", "/%2e%2e/etc/passwd"]) {
      const answer = await raw(url, path);
      expect(answer.status, path).to.equal(404);
      expect(answer.body.toString(), path).not.to.contain("not for the web");
    }
    expect((await raw(url, "/index.html", {}, "POST")).status).to.equal(404);
  });

  it("weighs Accept-Encoding as RFC 9110 says: q values, *, identity;q=0, server preference on ties", function () {
    const all = ["br", "gzip", "identity"] as const;
    const cases: [string | undefined, string][] = [
      [undefined, "identity"],
      ["", "identity"],
      ["gzip, br", "br"],
      ["BR;Q=0.8, gzip;q=0.9", "gzip"],
      ["*", "br"],
      ["*;q=0.5, br;q=0", "gzip"],
      ["deflate", "identity"],
      ["gzip;q=0.2", "gzip"],
      ["identity;q=0, gzip;q=0.1", "gzip"],
      ["br;q=0, gzip;q=0, identity;q=0", "identity"],
    ];
    for (const [header, coding] of cases) expect(negotiateContentCoding(header, all), String(header)).to.equal(coding);
    expect(negotiateContentCoding("br, gzip", ["gzip", "identity"])).to.equal("gzip");
    expect(noneMatchHits('W/"abc", "def"', '"abc"')).to.equal(true);
    expect(noneMatchHits('"abcd"', '"abc"')).to.equal(false);
  });
});
