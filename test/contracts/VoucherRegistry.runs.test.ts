import { expect } from "chai";
import { network } from "hardhat";

import { deployRegistry } from "../helpers/registryFixture.js";

const { ethers, networkHelpers } = await network.create();

const STOLEN = 1;
const ACTIVATED = 1;
const REVOKED = 2;
const Status = { Unknown: 0n, Active: 1n, Inactive: 2n, Redeemed: 3n, Revoked: 4n, Expired: 5n } as const;

/**
 * Custody runs v2: adjacent runs with equal properties merge, and a lot may cross several runs
 * (issue 12 §3). On the v1 registry every test here fails: runs never merged and a lot had to
 * lie inside one run.
 */
describe("VoucherRegistry: merging runs and lots across runs", function () {
  async function fixture() {
    const base = await deployRegistry(ethers);
    const batch = base.prepareBatch(1, { count: 1000, activationRequired: true });
    await base.registry.connect(base.issuer).issueBatch(batch.batchId, batch.params);
    return { ...base, batchId: batch.batchId };
  }

  type Registry = Awaited<ReturnType<typeof fixture>>["registry"];

  /** The batch's runs read back from the chain, by walking `runAt` from serial 0. */
  async function runsOf(registry: Registry, batchId: bigint) {
    const { count } = await registry.batchOf(batchId);
    const runs: { start: number; end: number; holder: string; flags: number; reason: number }[] = [];
    for (let start = 0; start < Number(count);) {
      const run = await registry.runAt(batchId, start);
      runs.push({
        start,
        end: Number(run.end),
        holder: run.holder,
        flags: Number(run.flags),
        reason: Number(run.revokeReason),
      });
      start = Number(run.end);
    }
    return runs;
  }

  it("passes on a lot bought in two parts as one lot: the two runs merged", async function () {
    const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 50, 0);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 50, 100, 0);
    expect((await runsOf(registry, batchId)).slice(0, 1)).to.deep.equal([
      { start: 0, end: 100, holder: distributor.address, flags: 0, reason: 0 },
    ]);
    await expect(registry.runAt(batchId, 50))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
      .withArgs(batchId, 50);
    await expect(registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 0, 100, 0))
      .to.emit(registry, "LotTransferred")
      .withArgs(
        batchId,
        distributor.address,
        retailer.address,
        0,
        100,
        distributor.address,
        4,
        (h: string) => h.length === 66,
      );
    expect(await runsOf(registry, batchId)).to.deep.equal([
      { start: 0, end: 100, holder: retailer.address, flags: 0, reason: 0 },
      { start: 100, end: 1000, holder: issuer.address, flags: 0, reason: 0 },
    ]);
    expect((await registry.batchOf(batchId)).stockStart).to.equal(100n);
  });

  it("merges on both sides at once when a lot fills the gap between two runs of its receiver", async function () {
    const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 10, 0);
    await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 10, 20, 0);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 20, 30, 10);
    expect((await runsOf(registry, batchId)).length).to.equal(4);
    await registry.connect(retailer).transferLot(batchId, retailer.address, distributor.address, 10, 20, 0);
    expect(await runsOf(registry, batchId)).to.deep.equal([
      { start: 0, end: 30, holder: distributor.address, flags: 0, reason: 0 },
      { start: 30, end: 1000, holder: issuer.address, flags: 0, reason: 0 },
    ]);
  });

  it("moves a lot across runs of different activation, each keeping its own", async function () {
    const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 100, 0);
    await registry.connect(distributor).activateLot(batchId, 20, 30, 0);
    await registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 10, 60, 0);
    expect((await runsOf(registry, batchId)).slice(0, 5)).to.deep.equal([
      { start: 0, end: 10, holder: distributor.address, flags: 0, reason: 0 },
      { start: 10, end: 20, holder: retailer.address, flags: 0, reason: 0 },
      { start: 20, end: 30, holder: retailer.address, flags: ACTIVATED, reason: 0 },
      { start: 30, end: 60, holder: retailer.address, flags: 0, reason: 0 },
      { start: 60, end: 100, holder: distributor.address, flags: 0, reason: 0 },
    ]);
    expect(await registry.statusOf(batchId, 25, 20)).to.deep.equal([Status.Active, retailer.address]);
    expect(await registry.statusOf(batchId, 35, 30)).to.deep.equal([Status.Inactive, retailer.address]);
  });

  it("revokes stolen stock spread over several holders in one call", async function () {
    const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 50, 0);
    await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 50, 80, 0);
    await expect(registry.connect(issuer).revokeLot(batchId, 10, 90, 0, STOLEN))
      .to.emit(registry, "LotRevoked")
      .withArgs(batchId, 10, 90, STOLEN, 4, (h: string) => h.length === 66);
    expect(await runsOf(registry, batchId)).to.deep.equal([
      { start: 0, end: 10, holder: distributor.address, flags: 0, reason: 0 },
      { start: 10, end: 50, holder: distributor.address, flags: REVOKED, reason: STOLEN },
      { start: 50, end: 80, holder: retailer.address, flags: REVOKED, reason: STOLEN },
      { start: 80, end: 90, holder: issuer.address, flags: REVOKED, reason: STOLEN },
      { start: 90, end: 1000, holder: issuer.address, flags: 0, reason: 0 },
    ]);
    expect((await registry.batchOf(batchId)).stockStart).to.equal(90n);
    // A second revocation over an already revoked run names that run.
    await expect(registry.connect(issuer).revokeLot(batchId, 0, 20, 0, STOLEN))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryLotRevoked")
      .withArgs(batchId, 10, STOLEN);
  });

  it("merges a lot returned to the issuer back into its implicit stock", async function () {
    const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 100, 0);
    await registry.connect(distributor).transferLot(batchId, distributor.address, issuer.address, 50, 100, 0);
    expect((await registry.batchOf(batchId)).stockStart).to.equal(50n);
    expect(await runsOf(registry, batchId)).to.deep.equal([
      { start: 0, end: 50, holder: distributor.address, flags: 0, reason: 0 },
      { start: 50, end: 1000, holder: issuer.address, flags: 0, reason: 0 },
    ]);
    await registry.connect(distributor).transferLot(batchId, distributor.address, issuer.address, 0, 50, 0);
    expect((await registry.batchOf(batchId)).stockStart).to.equal(0n);
    expect(await runsOf(registry, batchId)).to.deep.equal([
      { start: 0, end: 1000, holder: issuer.address, flags: 0, reason: 0 },
    ]);
  });

  it("activates a lot only if one holder holds every run it crosses, none activated yet", async function () {
    const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 50, 0);
    await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 50, 80, 0);
    await expect(registry.connect(distributor).activateLot(batchId, 40, 60, 0))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryLotNotHeld")
      .withArgs(batchId, 50, retailer.address);
    await registry.connect(distributor).activateLot(batchId, 10, 20, 0);
    await expect(registry.connect(distributor).activateLot(batchId, 0, 30, 0))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryLotAlreadyActivated")
      .withArgs(batchId, 10);
    // Activating the gaps merges the three pieces back into one activated run.
    await registry.connect(distributor).activateLot(batchId, 0, 10, 0);
    await registry.connect(distributor).activateLot(batchId, 20, 50, 0);
    expect((await runsOf(registry, batchId)).slice(0, 1)).to.deep.equal([
      { start: 0, end: 50, holder: distributor.address, flags: ACTIVATED, reason: 0 },
    ]);
  });
});
