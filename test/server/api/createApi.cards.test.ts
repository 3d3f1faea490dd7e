import { expect } from "chai";
import { network } from "hardhat";
import type { Hex } from "viem";

import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";
import { deployApiFixture, request, upload, type ManifestBatch } from "../../helpers/apiFixture.js";
import { lotHintOf, runFullLifecycle } from "../../helpers/indexerActivity.js";

const { ethers, provider, networkHelpers } = await network.create();

const STATUS_NAMES = ["Unknown", "Active", "Inactive", "Redeemed", "Revoked", "Expired"];

describe("API: cards", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let url: string;
  let expiring: ManifestBatch;
  let traded: ManifestBatch;
  let secondBatchId: bigint;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    expiring = await fx.issueManifestBatch(20, 10, { expiresAt: now + 3_600 });
    traded = await fx.issueManifestBatch(21, 50, { activationRequired: true });
    const { registry, issuer, buyer } = fx.f;
    const lotHint = lotHintOf(fx.f, traded.batchId);
    await registry
      .connect(issuer)
      .transferLot(traded.batchId, issuer.address, buyer.address, 10, 30, await lotHint(10));
    await registry.connect(buyer).activateLot(traded.batchId, 10, 20, await lotHint(10));
    ({ secondBatchId } = await runFullLifecycle(fx.f, networkHelpers));
    await fx.sync();
    ({ url } = await fx.startApi());
    expect((await upload(url, traded.batchId, traded.manifest)).status).to.equal(201);
  });

  after(async function () {
    await fx.close();
  });

  it("reports every card's status, holder and run hint as the registry's lookupStatus does", async function () {
    const { registry, batch } = fx.f;
    const samples: [bigint, number][] = [
      ...[0, 1, 2, 3, 4, 5, 19, 20, 29, 30, 40, 199, 200, 249, 250, 299].map((s): [bigint, number] => [
        batch.batchId,
        s,
      ]),
      ...[0, 99, 100, 399, 400, 999].map((s): [bigint, number] => [secondBatchId, s]),
      ...[0, 9].map((s): [bigint, number] => [expiring.batchId, s]),
      ...[0, 10, 19, 20, 29, 30, 49].map((s): [bigint, number] => [traded.batchId, s]),
    ];
    const seen = new Set<string>();
    for (const [batchId, serial] of samples) {
      const [status, holder, runStart] = await registry.lookupStatus(batchId, serial);
      const { status: http, body } = await request(url, `/v1/batches/${batchId}/cards/${serial}`);
      expect(http, `${batchId}/${serial}`).to.equal(200);
      expect(body.data, `${batchId}/${serial}`).to.deep.include({
        batchId: batchId.toString(),
        serial,
        status: STATUS_NAMES[Number(status)],
        statusCode: Number(status),
        holder: holder.toLowerCase(),
        hint: Number(runStart),
      });
      expect(body.data.run.start).to.equal(Number(runStart));
      seen.add(body.data.status as string);
    }
    expect([...seen].sort()).to.deep.equal(["Active", "Expired", "Inactive", "Redeemed", "Revoked"]);
  });

  it("wraps every answer in the block it reflects", async function () {
    const head = await ethers.provider.getBlock("latest");
    const { body } = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/7`);
    expect(body.block).to.deep.equal({
      number: head!.number,
      hash: head!.hash,
      timestamp: head!.timestamp,
      final: false,
    });
  });

  it("accepts batch ids in 0x-hex as in decimal, and answers the same through the router as on the fast path", async function () {
    const hex = `0x${fx.f.batch.batchId.toString(16)}`;
    const decimal = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/42`);
    expect(decimal.status).to.equal(200);
    const viaHex = await request(url, `/v1/batches/${hex}/cards/42`);
    expect(viaHex.body).to.deep.equal(decimal.body);
    // A trailing slash or percent-encoding misses the fast path: Express answers.
    expect((await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/42/`)).body).to.deep.equal(decimal.body);
    expect((await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/%342`)).body).to.deep.equal(decimal.body);
  });

  it("answers HEAD like GET, without a body", async function () {
    const response = await fetch(`${url}/v1/batches/${fx.f.batch.batchId}/cards/1`, { method: "HEAD" });
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.equal("application/json; charset=utf-8");
    expect(await response.text()).to.equal("");
  });

  it("lists a card's custody timeline, oldest first, ending in its redemption", async function () {
    const { body } = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/1/timeline`);
    const events = body.data.events as { event: string; seq: number; from: string | null; to: string | null }[];
    expect(events.map((event) => event.event)).to.deep.equal([
      "BatchIssued",
      "LotTransferred",
      "LotTransferred",
      "LotActivated",
      "VoucherRedeemed",
    ]);
    const seqs = events.map((event) => event.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(events[1]).to.deep.include({
      from: fx.f.supplier.address.toLowerCase(),
      to: fx.f.buyer.address.toLowerCase(),
    });
    const redemption = events.at(-1) as unknown as { cardKey: string; operator: string };
    expect(redemption.operator).to.equal(fx.f.redeemer.address.toLowerCase());
    expect(redemption.cardKey).to.equal(fx.f.batch.cardKeys[1]!.toLowerCase());
  });

  it("lists exactly the lots holding a card at their edges: from a lot's start to its end - 1", async function () {
    const path = (serial: number) => `/v1/batches/${traded.batchId}/cards/${serial}/timeline`;
    const expected: [number, string[]][] = [
      [9, ["BatchIssued"]],
      [10, ["BatchIssued", "LotTransferred", "LotActivated"]],
      [19, ["BatchIssued", "LotTransferred", "LotActivated"]],
      [20, ["BatchIssued", "LotTransferred"]],
      [29, ["BatchIssued", "LotTransferred"]],
      [30, ["BatchIssued"]],
      [49, ["BatchIssued"]],
    ];
    for (const [serial, names] of expected) {
      const { status, body } = await request(url, path(serial));
      expect(status, `serial ${serial}`).to.equal(200);
      const events = body.data.events as { event: string; start: number; end: number }[];
      expect(
        events.map((event) => event.event),
        `serial ${serial}`,
      ).to.deep.equal(names);
      for (const event of events)
        expect(event.start <= serial && serial < event.end, `serial ${serial}`).to.equal(true);
    }
  });

  it("answers a timeline the same through the router as on the fast path, and HEAD without a body", async function () {
    const batchId = fx.f.batch.batchId;
    const fast = await request(url, `/v1/batches/${batchId}/cards/1/timeline`);
    expect(fast.status).to.equal(200);
    expect(fast.body.data.events).to.have.length.above(1);
    // Percent-encoding and a trailing slash miss the fast path: Express answers.
    expect((await request(url, `/v1/batches/${batchId}/cards/%31/timeline`)).body).to.deep.equal(fast.body);
    expect((await request(url, `/v1/batches/${batchId}/cards/1/timeline/`)).body).to.deep.equal(fast.body);
    expect((await request(url, `/v1/batches/0x${batchId.toString(16)}/cards/1/timeline`)).body).to.deep.equal(
      fast.body,
    );
    const head = await fetch(`${url}/v1/batches/${batchId}/cards/1/timeline`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(await head.text()).to.equal("");
  });

  it("names each timeline event's block by the hash the chain gives that block", async function () {
    const { body } = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/1/timeline`);
    const events = body.data.events as { blockNumber: number; blockHash: string }[];
    expect(events).to.have.length.above(0);
    for (const event of events) {
      const block = await ethers.provider.getBlock(event.blockNumber);
      expect(event.blockHash).to.equal(block!.hash);
    }
  });

  it("serves proofs whose leaf, root and hint the chain confirms", async function () {
    const { registry } = fx.f;
    const root = (await registry.batchOf(traded.batchId)).merkleRoot as Hex;
    for (const serial of [0, 15, 25, 49]) {
      const { body } = await request(url, `/v1/batches/${traded.batchId}/cards/${serial}/proof`);
      const [, , runStart] = await registry.lookupStatus(traded.batchId, serial);
      expect(body.data).to.deep.include({
        batchId: traded.batchId.toString(),
        serial,
        chainId: fx.f.chainId.toString(),
        registry: fx.f.registryAddress.toLowerCase(),
        cardKey: traded.cardKeys[serial]!.toLowerCase(),
        root,
        hint: Number(runStart),
      });
      expect(verifyMerkleProof(body.data.proof as Hex[], root, body.data.leaf as Hex)).to.equal(true);
      // The proof is the one the registry takes: statusOf accepts the hint, and redeem would accept the proof.
      await registry.statusOf(traded.batchId, serial, body.data.hint as number);
    }
  });

  it("answers bad serials and unknown cards with 4xx and a stable code", async function () {
    const batchId = fx.f.batch.batchId;
    const cases: [string, number, string][] = [
      [`/v1/batches/${batchId}/cards/300`, 404, "CARD_NOT_FOUND"],
      [`/v1/batches/${batchId}/cards/4294967295`, 404, "CARD_NOT_FOUND"],
      [`/v1/batches/${batchId}/cards/4294967296`, 400, "INVALID_SERIAL"],
      [`/v1/batches/${batchId}/cards/-1`, 400, "INVALID_SERIAL"],
      [`/v1/batches/${batchId}/cards/1.5`, 400, "INVALID_SERIAL"],
      [`/v1/batches/${batchId}/cards/0x1`, 400, "INVALID_SERIAL"],
      [`/v1/batches/${batchId}/cards/1?verbose=1`, 400, "INVALID_QUERY"],
      [`/v1/batches/${5n << 32n}/cards/1`, 404, "BATCH_NOT_FOUND"],
      [`/v1/batches/18446744073709551616/cards/1`, 400, "INVALID_BATCH_ID"],
      [`/v1/batches/0x10000000000000000/cards/1`, 400, "INVALID_BATCH_ID"],
      [`/v1/batches/${batchId}/cards/300/timeline`, 404, "CARD_NOT_FOUND"],
      [`/v1/batches/${batchId}/cards/1.5/timeline`, 400, "INVALID_SERIAL"],
      [`/v1/batches/${batchId}/cards/1/timeline?verbose=1`, 400, "INVALID_QUERY"],
      [`/v1/batches/${5n << 32n}/cards/1/timeline`, 404, "BATCH_NOT_FOUND"],
      [`/v1/batches/18446744073709551616/cards/1/timeline`, 400, "INVALID_BATCH_ID"],
      [`/v1/batches/${batchId}/cards/300/proof`, 404, "CARD_NOT_FOUND"],
      [`/v1/batches/${batchId}/cards/1/proof`, 404, "MANIFEST_NOT_FOUND"],
      [`/v1/batches/${batchId}/cards/1/proof/extra`, 404, "NOT_FOUND"],
    ];
    for (const [path, status, code] of cases) {
      const answer = await request(url, path);
      expect(answer.status, path).to.equal(status);
      expect(answer.body.error.code, path).to.equal(code);
      expect(answer.body.error.message, path).to.be.a("string").and.have.length.above(0);
    }
  });
});
