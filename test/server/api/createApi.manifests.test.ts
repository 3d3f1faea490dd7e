import { request as httpRequest } from "node:http";

import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, stringToHex, type Hex } from "viem";

import { encodeBatchManifest } from "../../../scripts/lib/batchManifest.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";
import { deployApiFixture, request, upload, type ManifestBatch } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

describe("API: manifest uploads", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let url: string;
  let good: ManifestBatch;
  let other: ManifestBatch;
  let wrongRoot: ManifestBatch;
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  /** A card key as the canonical manifest writes it (lower-case). */
  const key = (batch: ManifestBatch, serial: number) => batch.cardKeys[serial]!.toLowerCase();

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    good = await fx.issueManifestBatch(7, 64);
    other = await fx.issueManifestBatch(8, 40);
    // The issuer committed the manifest of other card keys than the ones the root commits to.
    wrongRoot = await fx.issueManifestBatch(9, 16, {
      manifestOf: (batch) =>
        encodeBatchManifest({
          chainId: fx.f.chainId,
          registry: fx.f.registryAddress,
          batchId: batch.batchId,
          cardKeys: batch.cardKeys.map((_, serial) => batch.cardKeys[(serial + 1) % batch.cardKeys.length]!),
        }),
    });
    await fx.sync();
    ({ url } = await fx.startApi());
  });

  after(async function () {
    await fx.close();
  });

  it("accepts the canonical manifest of a batch, then serves proofs that verify against the on-chain root", async function () {
    const before = await request(url, `/v1/batches/${good.batchId}/manifest`);
    expect(before.status).to.equal(200);
    expect(before.body.data).to.deep.include({ status: "none", count: 64, uploadedAt: null });
    const noProof = await request(url, `/v1/batches/${good.batchId}/cards/3/proof`);
    expect(noProof.status).to.equal(404);
    expect(noProof.body.error.code).to.equal("MANIFEST_NOT_FOUND");

    const accepted = await upload(url, good.batchId, good.manifest);
    expect(accepted.status).to.equal(201);
    expect(accepted.body.block.number).to.be.a("number");
    expect(accepted.body.data).to.deep.include({ status: "verified", count: 64, byteLength: good.manifest.length });
    const after = await request(url, `/v1/batches/${good.batchId}/manifest`);
    expect(after.body.data.status).to.equal("verified");

    const onChain = await fx.f.registry.batchOf(good.batchId);
    for (const serial of [0, 3, 63]) {
      const { body } = await request(url, `/v1/batches/${good.batchId}/cards/${serial}/proof`);
      expect(body.data.cardKey).to.equal(good.cardKeys[serial]!.toLowerCase());
      expect(body.data.root).to.equal(onChain.merkleRoot);
      expect(verifyMerkleProof(body.data.proof as Hex[], onChain.merkleRoot as Hex, body.data.leaf as Hex)).to.equal(
        true,
      );
    }
  });

  it("refuses a second upload of a verified manifest", async function () {
    const again = await upload(url, good.batchId, good.manifest);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal("MANIFEST_ALREADY_VERIFIED");
  });

  it("refuses a manifest whose hash is not the one committed on chain", async function () {
    const changed = text(other.manifest).replace(key(other, 5).slice(2, 10), "deadbeef");
    const refused = await upload(url, other.batchId, changed);
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal("MANIFEST_HASH_MISMATCH");
    expect(refused.body.error.message).to.include("upload the exact bytes");
  });

  it("refuses a committed manifest whose leaves do not give the batch's root", async function () {
    const refused = await upload(url, wrongRoot.batchId, wrongRoot.committed);
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal("MANIFEST_ROOT_MISMATCH");
    expect((await request(url, `/v1/batches/${wrongRoot.batchId}/manifest`)).body.data.status).to.equal("none");
  });

  it("refuses a CardProof v1 manifest (code hashes) with a code and message of its own", async function () {
    const codeHashes = other.codes.map((code) => keccak256(stringToHex(`CardProof/code/v1${code}`)));
    const v1 =
      `{"version":1,"chainId":"${fx.f.chainId}","registry":"${fx.f.registryAddress.toLowerCase()}",` +
      `"batchId":"${other.batchId}","count":${codeHashes.length},"codeHashes":${JSON.stringify(codeHashes)}}`;
    for (const document of [v1, JSON.stringify(JSON.parse(v1), null, 2)]) {
      const refused = await upload(url, other.batchId, document);
      expect(refused.status).to.equal(422);
      expect(refused.body.error.code).to.equal("MANIFEST_VERSION_UNSUPPORTED");
      expect(refused.body.error.message).to.include("version 1 manifest").and.include("card keys");
    }
    expect((await request(url, `/v1/batches/${other.batchId}/manifest`)).body.data.status).to.equal("none");
  });

  it("rejects every change to a canonical manifest with the code that names it", async function () {
    const canonical = text(other.manifest);
    const parsed = JSON.parse(canonical) as Record<string, unknown>;
    const cases: [string, string | Uint8Array][] = [
      ["MANIFEST_NOT_CANONICAL", JSON.stringify(parsed, null, 1)],
      ["MANIFEST_NOT_CANONICAL", canonical.replace(key(other, 0).slice(2), key(other, 0).slice(2).toUpperCase())],
      ["MANIFEST_UNKNOWN_FIELD", `${canonical.slice(0, -1)},"note":"spring batch"}`],
      ["MANIFEST_INVALID", canonical.slice(0, -2)],
      ["MANIFEST_INVALID", JSON.stringify({ ...parsed, count: 41 })],
      ["MANIFEST_BATCH_MISMATCH", good.manifest],
      [
        "MANIFEST_BATCH_MISMATCH",
        encodeBatchManifest({
          chainId: fx.f.chainId,
          registry: fx.f.registryAddress,
          batchId: other.batchId,
          cardKeys: other.cardKeys.slice(0, 39),
        }),
      ],
      [
        "MANIFEST_BATCH_MISMATCH",
        encodeBatchManifest({
          chainId: fx.f.chainId + 1n,
          registry: fx.f.registryAddress,
          batchId: other.batchId,
          cardKeys: other.cardKeys,
        }),
      ],
    ];
    for (const [code, body] of cases) {
      const refused = await upload(url, other.batchId, body);
      expect(refused.status, code).to.equal(422);
      expect(refused.body.error.code).to.equal(code);
    }
    expect((await request(url, `/v1/batches/${other.batchId}/manifest`)).body.data.status).to.equal("none");
  });

  it("refuses secret codes, however they are placed, and never repeats them in answers or logs", async function () {
    const canonical = text(other.manifest);
    const code = other.codes[7]!;
    const documents = [
      canonical.replace(key(other, 7), code),
      `${canonical.slice(0, -1)},"codes":${JSON.stringify(other.codes.slice(0, 3))}}`,
      JSON.stringify({ codes: other.codes.map((value) => formatCode(value)) }),
      `{"version":1,"secret":"${code.toLowerCase()}"`,
    ];
    for (const document of documents) {
      const refused = await upload(url, other.batchId, document);
      expect(refused.status).to.be.oneOf([422]);
      expect(refused.text).not.to.include(code);
      expect(refused.text).not.to.include(formatCode(code));
      for (const value of other.codes.slice(0, 3)) expect(refused.text).not.to.include(value);
    }
    const codes = [good, other].flatMap((batch) => batch.codes);
    const logged = JSON.stringify(fx.indexer.logs);
    for (const value of codes) {
      expect(logged).not.to.include(value);
      expect(logged).not.to.include(formatCode(value));
    }
    // Secret-looking content is named as such (the not-JSON document cannot be read: MANIFEST_INVALID).
    expect((await upload(url, other.batchId, documents[0]!)).body.error.code).to.equal("MANIFEST_CONTAINS_SECRET");
    expect((await upload(url, other.batchId, documents[1]!)).body.error.code).to.equal("MANIFEST_CONTAINS_SECRET");
  });

  it("refuses an upload over the size limit before reading it, declared or chunked", async function () {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x20);
    const declared = await upload(url, other.batchId, big);
    expect(declared.status).to.equal(413);
    expect(declared.body.error.code).to.equal("MANIFEST_TOO_LARGE");
    expect(declared.headers.get("connection")).to.equal("close");

    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/v1/batches/${other.batchId}/manifest`, {
        method: "POST",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
      req.end();
    });
    expect(chunked.status).to.equal(413);
    expect(JSON.parse(chunked.body).error.code).to.equal("MANIFEST_TOO_LARGE");
  });

  it("takes the upload slot back from a stalled upload after the idle limit, with a 408 that says what to do", async function () {
    const stalledBatch = await fx.issueManifestBatch(10, 8);
    await fx.sync();
    const { url: quick } = await fx.startApi({ manifestUploadIdleMs: 300 });
    const stalled = await new Promise<{ status: number; body: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${quick}/v1/batches/${stalledBatch.batchId}/manifest`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(stalledBatch.committed.length) },
        });
        req.on("response", (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
        });
        req.on("error", reject);
        req.write(stalledBatch.committed.subarray(0, 10)); // then nothing more, as a stalled client does
      },
    );
    expect(stalled.status).to.equal(408);
    expect(JSON.parse(stalled.body).error.code).to.equal("MANIFEST_UPLOAD_STALLED");
    expect(JSON.parse(stalled.body).error.message).to.contain("send the whole manifest again");
    expect(stalled.connection).to.equal("close");
    // The slot is free again: the whole manifest, sent at once, is verified.
    const next = await upload(quick, stalledBatch.batchId, stalledBatch.committed);
    expect(next.status, JSON.stringify(next.body)).to.equal(201);
  });

  it("refuses other media types and compressed bodies", async function () {
    for (const headers of [
      { "content-type": "text/plain" },
      { "content-type": "application/json", "content-encoding": "gzip" },
    ]) {
      const refused = await upload(url, other.batchId, other.manifest, headers);
      expect(refused.status).to.equal(415);
      expect(refused.body.error.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("refuses uploads from browser origins outside the allowed list, and accepts the allowed one", async function () {
    const refused = await upload(url, other.batchId, other.manifest, { origin: "https://evil.example" });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal("ORIGIN_NOT_ALLOWED");
    expect(refused.headers.get("access-control-allow-origin")).to.equal(null);

    const accepted = await upload(url, other.batchId, other.manifest, { origin: "https://supplier.example" });
    expect(accepted.status).to.equal(201);
    expect(accepted.headers.get("access-control-allow-origin")).to.equal("https://supplier.example");
    expect(accepted.headers.get("vary")).to.equal("Origin, Accept-Encoding");
  });

  it("answers 404 for an unknown batch and 400 for a malformed batch id", async function () {
    const unknown = await upload(url, 99n << 32n, other.manifest);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("BATCH_NOT_FOUND");
    const malformed = await upload(url, "batch-7", other.manifest);
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal("INVALID_BATCH_ID");
  });

  it("verifies in a worker thread and stores the manifest with its tree", function () {
    expect(fx.indexer.logs.some((record) => /worker thread cannot start|tsx not found/.test(record.msg))).to.equal(
      false,
    );
    const stored = fx.manifests.loadManifest(good.batchId.toString());
    expect(stored?.record).to.deep.include({ status: "verified", count: 64 });
    expect(stored?.cardKeys.length).to.equal(64 * 20);
    expect(stored?.layers.length).to.equal(7);
  });
});
