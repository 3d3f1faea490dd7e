import { expect } from "chai";
import { network } from "hardhat";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { deployRegistry, ISSUER_PROFILE } from "../helpers/registryFixture.js";

const { ethers, networkHelpers } = await network.create();

const STOLEN = 1;
const Status = { Unknown: 0n, Active: 1n, Inactive: 2n, Redeemed: 3n, Revoked: 4n, Expired: 5n } as const;

/**
 * Issuer powers (issue 12 §2): batch powers need an issuer that still holds the issuer role, and
 * governance can move an issuer to a new key. On the v1 registry a deactivated issuer could still
 * revoke a retailer's paid-for lot and add redeemers, and no key could be rotated.
 */
describe("VoucherRegistry: issuer powers and key rotation", function () {
  async function fixture() {
    const base = await deployRegistry(ethers);
    const batch = base.prepareBatch(1, { count: 100 });
    await base.registry.connect(base.issuer).issueBatch(batch.batchId, batch.params);
    await base.registry
      .connect(base.issuer)
      .transferLot(batch.batchId, base.issuer.address, base.retailer.address, 0, 10, 0);
    const ISSUER_ROLE = await base.registry.ISSUER_ROLE();
    return { ...base, batch, batchId: batch.batchId, ISSUER_ROLE };
  }

  it("stops an issuer whose role was revoked from revoking lots or naming redeemers, paused or not", async function () {
    const { registry, admin, pauser, issuer, redeemer, batchId, ISSUER_ROLE } =
      await networkHelpers.loadFixture(fixture);
    await registry.connect(admin).revokeRole(ISSUER_ROLE, issuer.address);
    await registry.connect(pauser).pause();
    await expect(registry.connect(issuer).revokeLot(batchId, 0, 10, 0, STOLEN))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryIssuerInactive")
      .withArgs(1, issuer.address);
    await registry.connect(pauser).unpause();
    await expect(registry.connect(issuer).setRedeemer(batchId, redeemer.address, true))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryIssuerInactive")
      .withArgs(1, issuer.address);
    expect((await registry.statusOf(batchId, 5, 0))[0]).to.equal(Status.Active);
  });

  it("lets an active issuer remove a redeemer while paused, but not add one", async function () {
    const { registry, pauser, issuer, redeemer, stranger, batchId } = await networkHelpers.loadFixture(fixture);
    await registry.connect(issuer).setRedeemer(batchId, redeemer.address, true);
    await registry.connect(pauser).pause();
    await expect(registry.connect(issuer).setRedeemer(batchId, redeemer.address, false))
      .to.emit(registry, "RedeemerSet")
      .withArgs(batchId, redeemer.address, false, 4, (h: string) => h.length === 66);
    expect(await registry.isRedeemer(batchId, redeemer.address)).to.equal(false);
    await expect(registry.connect(issuer).setRedeemer(batchId, stranger.address, true)).to.be.revertedWithCustomError(
      registry,
      "EnforcedPause",
    );
  });

  it("moves an issuer to a new key that keeps its id, profile, batches and untouched stock", async function () {
    const { registry, admin, issuer, retailer, redeemer, stranger, batch, batchId, ISSUER_ROLE } =
      await networkHelpers.loadFixture(fixture);
    const fresh = ethers.Wallet.createRandom().connect(ethers.provider);
    await admin.sendTransaction({ to: fresh.address, value: ethers.parseEther("1") });

    await expect(registry.connect(admin).rotateIssuerKey(1, fresh.address))
      .to.emit(registry, "IssuerKeyRotated")
      .withArgs(1, issuer.address, fresh.address);
    expect(await registry.issuerOf(fresh.address)).to.deep.equal([1n, ISSUER_PROFILE]);
    expect(await registry.issuerOf(issuer.address)).to.deep.equal([0n, ethers.ZeroHash]);
    expect(await registry.issuerAccount(1)).to.equal(fresh.address);
    expect(await registry.hasRole(ISSUER_ROLE, fresh.address)).to.equal(true);
    expect(await registry.hasRole(ISSUER_ROLE, issuer.address)).to.equal(false);
    expect((await registry.batchOf(batchId)).issuer).to.equal(fresh.address);
    // The implicit stock follows the id.
    expect(await registry.statusOf(batchId, 50, 10)).to.deep.equal([Status.Active, fresh.address]);

    // The old key has no power left.
    await expect(registry.connect(issuer).setRedeemer(batchId, redeemer.address, true))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryNotBatchIssuer")
      .withArgs(batchId, issuer.address);
    await expect(registry.connect(issuer).transferLot(batchId, issuer.address, stranger.address, 10, 20, 0))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryLotNotHeld")
      .withArgs(batchId, 10, fresh.address);
    await expect(registry.connect(issuer).issueBatch(makeBatchId(1, 2), batch.params))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(issuer.address, ISSUER_ROLE);

    // The new key has all of it.
    await registry.connect(fresh).setRedeemer(batchId, redeemer.address, true);
    await registry.connect(fresh).revokeLot(batchId, 0, 5, 0, STOLEN);
    await registry.connect(fresh).transferLot(batchId, fresh.address, retailer.address, 10, 20, 5);
    expect(await registry.statusOf(batchId, 15, 5)).to.deep.equal([Status.Active, retailer.address]);
    await expect(registry.connect(fresh).issueBatch(makeBatchId(1, 2), batch.params)).to.emit(registry, "BatchIssued");
  });

  it("rejects a rotation by a non-admin, of an unknown issuer, or to an account that already is one", async function () {
    const { registry, admin, issuer, stranger, otherIssuer } = await networkHelpers.loadFixture(fixture);
    await expect(registry.connect(issuer).rotateIssuerKey(1, stranger.address))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(issuer.address, await registry.DEFAULT_ADMIN_ROLE());
    await expect(registry.connect(admin).rotateIssuerKey(7, stranger.address))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownIssuer")
      .withArgs(7);
    await expect(registry.connect(admin).rotateIssuerKey(1, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidIssuer")
      .withArgs(ethers.ZeroAddress);
    await registry.connect(admin).registerIssuer(otherIssuer.address, ISSUER_PROFILE);
    await expect(registry.connect(admin).rotateIssuerKey(1, otherIssuer.address))
      .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidIssuer")
      .withArgs(otherIssuer.address);
  });
});
