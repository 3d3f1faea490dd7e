import { expect } from "chai";
import { network } from "hardhat";
import { stringToHex } from "viem";

import { verifyManifest } from "../../../server/api/verifyManifest.js";
import { deployApiFixture, request, upload } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();
const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });

describe("createManifestStore", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
  });

  after(async function () {
    await fx.close();
  });

  async function verified(batch: Awaited<ReturnType<typeof fx.issueManifestBatch>>) {
    const stored = fx.indexer.store.getBatch(batch.batchId)!;
    const verdict = verifyManifest(batch.manifest, {
      chainId: fx.f.chainId,
      registry: fx.f.registryAddress,
      batchId: batch.batchId,
      count: stored.count,
      manifestHash: stored.manifestHash,
      merkleRoot: stored.merkleRoot,
    });
    if (!verdict.ok) throw new Error(verdict.message);
    return {
      record: {
        batchId: stored.batchId,
        manifestHash: stored.manifestHash,
        merkleRoot: stored.merkleRoot,
        count: stored.count,
        byteLength: verdict.byteLength,
        uploadedAt: 1_700_000_000,
        verifiedBlock: 1,
      },
      cardKeys: verdict.cardKeys,
      layers: verdict.layers,
    };
  }

  it("stores a verified manifest with its tree and reads it back", async function () {
    const batch = await fx.issueManifestBatch(30, 9);
    await fx.sync();
    const { record, cardKeys, layers } = await verified(batch);
    expect(fx.manifests.getManifest(record.batchId)).to.equal(undefined);
    expect(fx.manifests.saveManifest({ ...record, cardKeys, layers })).to.equal(true);
    expect(fx.manifests.getManifest(record.batchId)).to.deep.equal({ ...record, status: "verified" });
    const loaded = fx.manifests.loadManifest(record.batchId)!;
    expect(Buffer.from(loaded.cardKeys).equals(Buffer.from(cardKeys))).to.equal(true);
    expect(loaded.layers.map((layer) => layer.length)).to.deep.equal([9, 5, 3, 2, 1].map((n) => 32 * n));
  });

  it("refuses to store a manifest whose hash, root or count is not the batch's", async function () {
    const batch = await fx.issueManifestBatch(31, 4);
    await fx.sync();
    const { record, cardKeys, layers } = await verified(batch);
    const wrong = stringToHex("wrong", { size: 32 });
    for (const change of [{ manifestHash: wrong }, { merkleRoot: wrong }, { count: 5 }, { batchId: "1" }]) {
      expect(fx.manifests.saveManifest({ ...record, ...change, cardKeys, layers })).to.equal(false);
    }
    expect(fx.manifests.getManifest(record.batchId)).to.equal(undefined);
  });

  it("marks a manifest stale when a reorg re-issues its batch with other cards, and serves no proof from it", async function () {
    const { url } = await fx.startApi();
    await fx.sync();
    const snapshot = await rpc("evm_snapshot");
    const first = await fx.issueManifestBatch(32, 8);
    await fx.sync();
    expect((await upload(url, first.batchId, first.manifest)).status).to.equal(201);
    expect((await request(url, `/v1/batches/${first.batchId}/cards/2/proof`)).status).to.equal(200);

    // The issuance is reorganised away; the same batch id is issued again with other codes.
    await rpc("evm_revert", [snapshot]);
    await fx.f.registry.connect(fx.f.stranger).setApprovalForAll(fx.f.operator.address, true);
    const second = await fx.issueManifestBatch(32, 8);
    expect(second.root).to.not.equal(first.root);
    await fx.f.registry.connect(fx.f.stranger).setApprovalForAll(fx.f.operator.address, false);
    const result = await fx.sync();
    expect(result.rolledBackTo).to.be.a("number");

    expect(fx.manifests.getManifest(first.batchId.toString())?.status).to.equal("stale");
    expect(fx.manifests.loadManifest(first.batchId.toString())).to.equal(undefined);
    const proof = await request(url, `/v1/batches/${first.batchId}/cards/2/proof`);
    expect(proof.status).to.equal(404);
    expect(proof.body.error).to.deep.include({ code: "MANIFEST_NOT_FOUND" });
    expect(proof.body.error.message).to.include("re-issued");
    expect((await request(url, `/v1/batches/${first.batchId}`)).body.data.manifest.status).to.equal("stale");

    // The new issuance's manifest replaces it.
    expect((await upload(url, second.batchId, second.manifest)).status).to.equal(201);
    const served = await request(url, `/v1/batches/${second.batchId}/cards/2/proof`);
    expect(served.body.data).to.deep.include({ root: second.root, cardKey: second.cardKeys[2]!.toLowerCase() });
  });
});
