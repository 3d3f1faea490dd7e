import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

import { expect } from "chai";

import { COMPRESS_MIN_BYTES, sendData, sendJson } from "../../../server/api/sendJson.js";
import type { SnapshotView } from "../../../server/store/createStoreReader.js";

type Answer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

const SNAPSHOT: SnapshotView = { number: 7, hash: `0x${"ab".repeat(32)}`, timestamp: 1_700_000_000, finalizedBlock: 3 };

/** A body of about `bytes` bytes of JSON, varied enough that compression is realistic. */
function bodyOf(bytes: number) {
  const items = [];
  for (let i = 0; items.length * 60 < bytes; i++)
    items.push({ serial: i, holder: `0x${(i * 7919).toString(16).padStart(40, "0")}` });
  return { items };
}

function decoded(answer: Answer): unknown {
  const coding = answer.headers["content-encoding"];
  const bytes =
    coding === "br" ? brotliDecompressSync(answer.body) : coding === "gzip" ? gunzipSync(answer.body) : answer.body;
  return JSON.parse(bytes.toString("utf8"));
}

describe("sendJson: compression and revalidation of JSON answers", function () {
  let server: Server;
  let port: number;
  /** What the next request's handler sends. */
  let next: { body: unknown; caching?: "no-store" | "revalidate"; data?: boolean; status?: number };

  before(async function () {
    server = createServer((_req, res) => {
      if (next.data === true) sendData(res, SNAPSHOT, next.body, next.status);
      else sendJson(res, next.status ?? 200, next.body, {}, next.caching);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async function () {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A raw request (Node's client does not decompress), so the test sees the bytes on the wire. */
  function get(headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/", method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  for (const [label, bytes] of [
    ["a 20 KB answer (compressed in line)", 20_000],
    ["a 2 MB answer (compressed on the thread pool)", 2_000_000],
  ] as const) {
    it(`sends ${label} in the best coding the client accepts, and the same JSON`, async function () {
      next = { body: bodyOf(bytes) };
      const cases: [string | undefined, string | undefined][] = [
        ["gzip, deflate, br", "br"],
        ["gzip", "gzip"],
        ["br;q=0, gzip;q=0.5", "gzip"],
        ["identity", undefined],
        [undefined, undefined],
      ];
      for (const [acceptEncoding, coding] of cases) {
        const answer = await get(acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding });
        expect(answer.status).to.equal(200);
        expect(answer.headers["content-encoding"], String(acceptEncoding)).to.equal(coding);
        expect(answer.headers.vary).to.equal("Accept-Encoding");
        expect(Number(answer.headers["content-length"])).to.equal(answer.body.length);
        expect(decoded(answer), String(acceptEncoding)).to.deep.equal(next.body);
        if (coding !== undefined) expect(answer.body.length).to.be.below(JSON.stringify(next.body).length / 3);
      }
    });
  }

  it("leaves answers below the threshold uncompressed, still saying they vary by Accept-Encoding", async function () {
    next = { body: bodyOf(COMPRESS_MIN_BYTES / 2) };
    const answer = await get({ "accept-encoding": "br, gzip" });
    expect(answer.headers["content-encoding"]).to.equal(undefined);
    expect(answer.headers.vary).to.equal("Accept-Encoding");
    expect(decoded(answer)).to.deep.equal(next.body);
  });

  it("gives a read an ETag per coding and answers 304 without a body while the bytes are the same", async function () {
    next = { body: bodyOf(5_000), data: true };
    const plain = await get();
    expect(plain.headers["cache-control"]).to.equal("no-cache");
    expect(plain.headers.etag).to.match(/^"[\w-]{22}"$/);
    const brotli = await get({ "accept-encoding": "br" });
    expect(brotli.headers.etag).to.equal(`${plain.headers.etag!.slice(0, -1)}-br"`);

    for (const ifNoneMatch of [brotli.headers.etag!, `W/${brotli.headers.etag!}`, `"x", ${brotli.headers.etag!}`]) {
      const again = await get({ "accept-encoding": "br", "if-none-match": ifNoneMatch });
      expect(again.status, ifNoneMatch).to.equal(304);
      expect(again.body.length).to.equal(0);
      expect(again.headers.etag).to.equal(brotli.headers.etag);
      expect(again.headers.vary).to.equal("Accept-Encoding");
    }
    // Another coding's tag is another representation: the client gets the bytes it asked for.
    const other = await get({ "accept-encoding": "gzip", "if-none-match": brotli.headers.etag! });
    expect(other.status).to.equal(200);
    expect(other.headers["content-encoding"]).to.equal("gzip");

    // The chain moved (one more item): the old tag no longer matches.
    next = { body: { items: [...(next.body as { items: unknown[] }).items, { serial: -1 }] }, data: true };
    const moved = await get({ "accept-encoding": "br", "if-none-match": brotli.headers.etag! });
    expect(moved.status).to.equal(200);
    expect(moved.headers.etag).to.not.equal(brotli.headers.etag);
    expect((decoded(moved) as { data: unknown }).data).to.deep.equal(next.body);
  });

  it("gives errors, uploads' answers and plain JSON no ETag, so they are never revalidated from a cache", async function () {
    for (const case_ of [
      { body: { error: { code: "NOT_FOUND" } }, status: 404 },
      { body: bodyOf(100), data: true, status: 201 },
      { body: { status: "ok" } },
    ]) {
      next = case_;
      const answer = await get();
      expect(answer.headers.etag, JSON.stringify(case_.status)).to.equal(undefined);
      const again = await get({ "if-none-match": "*" });
      expect(again.status).to.equal(case_.status ?? 200);
    }
  });

  it("answers HEAD with the GET's headers and no body", async function () {
    next = { body: bodyOf(20_000), data: true };
    const full = await get({ "accept-encoding": "br" });
    const head = await get({ "accept-encoding": "br" }, "HEAD");
    expect(head.status).to.equal(200);
    expect(head.body.length).to.equal(0);
    for (const name of ["content-length", "content-encoding", "etag", "vary", "cache-control"]) {
      expect(head.headers[name], name).to.equal(full.headers[name]);
    }
  });
});
