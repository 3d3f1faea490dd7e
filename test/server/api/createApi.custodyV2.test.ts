import { expect } from "chai";
import { network } from "hardhat";

import { deployApiFixture, request, type ManifestBatch } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

/**
 * Registry v2 custody (issue 12 §2, §3) mirrored from a real chain and served by the real API:
 * runs merge exactly as the registry merges them, lots span runs, lot hints come from the API and
 * the registry accepts them, and a rotated issuer key takes the issuer's id and stock.
 */
describe("API: registry v2 custody mirrored", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let url: string;
  let lot: ManifestBatch;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    lot = await fx.issueManifestBatch(40, 200);
    await fx.sync();
    ({ url } = await fx.startApi());
  });

  after(async function () {
    await fx.close();
  });

  /** The API's hint for a lot starting at `start`, read after syncing the mirror. */
  async function lotHint(start: number): Promise<number> {
    await fx.sync();
    const { status, body } = await request(url, `/v1/batches/${lot.batchId}/lots/hint?start=${start}`);
    expect(status, `lot hint for ${start}`).to.equal(200);
    expect(body.data).to.include({ batchId: lot.batchId.toString(), start });
    return body.data.hint as number;
  }

  /** Every run of the mirror, each equal to the registry's `runAt` of its start, and the count of runs. */
  async function expectMirrorEqualsChain(): Promise<{ start: number; end: number; holder: string }[]> {
    await fx.sync();
    const runs = fx.indexer.store.listRuns(lot.batchId);
    let cursor = 0;
    for (const run of runs) {
      expect(run.start, "runs partition the batch").to.equal(cursor);
      const onChain = await fx.f.registry.runAt(lot.batchId, run.start);
      const mirrored = {
        end: run.end,
        holder: run.holder,
        activated: run.activated,
        revoked: run.revoked,
        revokeReason: run.revokeReason,
      };
      expect(mirrored, `run ${run.start}`).to.deep.equal({
        end: Number(onChain.end),
        holder: onChain.holder.toLowerCase(),
        activated: (Number(onChain.flags) & 1) !== 0,
        revoked: (Number(onChain.flags) & 2) !== 0,
        revokeReason: Number(onChain.revokeReason),
      });
      for (const serial of [run.start, run.end - 1]) {
        expect(Number(await fx.f.registry.runStartOf(lot.batchId, serial)), `runStartOf ${serial}`).to.equal(run.start);
        const card = await request(url, `/v1/batches/${lot.batchId}/cards/${serial}`);
        expect(card.body.data.hint, `card hint ${serial}`).to.equal(run.start);
      }
      cursor = run.end;
    }
    expect(cursor).to.equal(200);
    const batch = await fx.f.registry.batchOf(lot.batchId);
    expect(fx.indexer.store.getBatch(lot.batchId)!.stockStart).to.equal(Number(batch.stockStart));
    return runs.map((run) => ({ start: run.start, end: run.end, holder: run.holder }));
  }

  it("gives one run for a lot bought in two parts, passed on whole in one transfer, as the chain's runAt", async function () {
    const { registry, supplier, buyer, otherBuyer } = fx.f;
    await registry.connect(supplier).transferLot(lot.batchId, supplier.address, buyer.address, 0, 50, await lotHint(0));
    await registry
      .connect(supplier)
      .transferLot(lot.batchId, supplier.address, buyer.address, 50, 100, await lotHint(50));
    expect(await expectMirrorEqualsChain()).to.deep.equal([
      { start: 0, end: 100, holder: buyer.address.toLowerCase() },
      { start: 100, end: 200, holder: supplier.address.toLowerCase() },
    ]);

    await registry.connect(buyer).transferLot(lot.batchId, buyer.address, otherBuyer.address, 0, 100, await lotHint(0));
    const runs = await expectMirrorEqualsChain();
    expect(runs[0]).to.deep.equal({ start: 0, end: 100, holder: otherBuyer.address.toLowerCase() });
    const timeline = await request(url, `/v1/batches/${lot.batchId}/cards/70/timeline`);
    expect(timeline.body.data.events.at(-1)).to.deep.include({ event: "LotTransferred", start: 0, end: 100 });
  });

  it("revokes a lot spanning two holders' runs in one transaction, with the API's lot hint", async function () {
    const { registry, supplier, otherBuyer } = fx.f;
    await registry.connect(otherBuyer).activateLot(lot.batchId, 20, 40, await lotHint(20));
    const hint = await lotHint(90);
    expect(hint).to.equal(40);
    await registry.connect(supplier).revokeLot(lot.batchId, 90, 120, hint, 2);
    const runs = await expectMirrorEqualsChain();
    expect(runs.map((run) => [run.start, run.end])).to.deep.equal([
      [0, 20],
      [20, 40],
      [40, 90],
      [90, 100],
      [100, 120],
      [120, 200],
    ]);
    // Returned to the issuer away from its stock (revoked cards lie between): a stored run of its own.
    await registry
      .connect(otherBuyer)
      .transferLot(lot.batchId, otherBuyer.address, supplier.address, 40, 90, await lotHint(40));
    expect((await expectMirrorEqualsChain()).map((run) => [run.start, run.end])).to.deep.equal([
      [0, 20],
      [20, 40],
      [40, 90],
      [90, 100],
      [100, 120],
      [120, 200],
    ]);
  });

  it("answers the lot hint's edge cases with stable codes", async function () {
    expect(await lotHint(0)).to.equal(0);
    const past = await request(url, `/v1/batches/${lot.batchId}/lots/hint?start=200`);
    expect([past.status, past.body.error.code]).to.deep.equal([404, "CARD_NOT_FOUND"]);
    const missing = await request(url, `/v1/batches/${lot.batchId}/lots/hint`);
    expect([missing.status, missing.body.error.code]).to.deep.equal([400, "INVALID_QUERY"]);
    const bad = await request(url, `/v1/batches/${lot.batchId}/lots/hint?start=-1`);
    expect([bad.status, bad.body.error.code]).to.deep.equal([400, "INVALID_SERIAL"]);
  });

  it("follows a rotated issuer key: id, profile, batches and untouched stock move; stored runs stay", async function () {
    const { registry, admin, supplier, stranger } = fx.f;
    const [issuerId] = await registry.issuerOf(supplier.address);
    // The supplier holds [40, 90) as a stored run (returned above).
    await registry.connect(admin).rotateIssuerKey(issuerId, stranger.address);
    const runs = await expectMirrorEqualsChain();
    expect(runs.find((run) => run.start === 40)!.holder).to.equal(supplier.address.toLowerCase());
    expect(runs.at(-1)!.holder).to.equal(stranger.address.toLowerCase());

    const moved = await request(url, `/v1/issuers/${stranger.address}`);
    expect(moved.status).to.equal(200);
    expect(moved.body.data).to.include({ account: stranger.address.toLowerCase(), issuerId: Number(issuerId) });
    expect((await request(url, `/v1/issuers/${supplier.address}`)).body.error.code).to.equal("ISSUER_NOT_FOUND");
    const batches = await request(url, `/v1/batches?issuer=${stranger.address}`);
    expect(batches.body.data.items.map((batch: { batchId: string }) => batch.batchId)).to.include(
      lot.batchId.toString(),
    );
    const [, holder] = await registry.lookupStatus(lot.batchId, 150);
    const card = await request(url, `/v1/batches/${lot.batchId}/cards/150`);
    expect(card.body.data.holder).to.equal(holder.toLowerCase()).and.equal(stranger.address.toLowerCase());
  });
});
