import { expect } from "chai";
import { network } from "hardhat";
import { stringToHex } from "viem";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { GENESIS_HEAD, computeNextHead } from "../../scripts/lib/provenanceChain.js";
import { ISSUER_PROFILE, deployRegistry } from "../helpers/registryFixture.js";

const { ethers, networkHelpers } = await network.create();

describe("VoucherRegistry: governance and issuance", function () {
  const fixture = () => deployRegistry(ethers);

  describe("roles", function () {
    it("gives the admin and pauser their roles at deployment", async function () {
      const { registry, admin, pauser } = await networkHelpers.loadFixture(fixture);
      expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await registry.hasRole(await registry.PAUSER_ROLE(), pauser.address)).to.equal(true);
    });

    it("registers an issuer with a permanent id and a public profile", async function () {
      const { registry, admin, otherIssuer } = await networkHelpers.loadFixture(fixture);
      const profile = stringToHex("other-profile", { size: 32 });
      await expect(registry.connect(admin).registerIssuer(otherIssuer.address, profile))
        .to.emit(registry, "IssuerRegistered")
        .withArgs(otherIssuer.address, 2, profile);
      expect(await registry.issuerOf(otherIssuer.address)).to.deep.equal([2n, profile]);
      expect(await registry.issuerAccount(2)).to.equal(otherIssuer.address);
      expect(await registry.hasRole(await registry.ISSUER_ROLE(), otherIssuer.address)).to.equal(true);
    });

    it("keeps the issuer id when the profile is updated", async function () {
      const { registry, admin, issuer } = await networkHelpers.loadFixture(fixture);
      const profile = stringToHex("updated", { size: 32 });
      await expect(registry.connect(admin).registerIssuer(issuer.address, profile))
        .to.emit(registry, "IssuerRegistered")
        .withArgs(issuer.address, 1, profile);
      expect(await registry.issuerOf(issuer.address)).to.deep.equal([1n, profile]);
    });

    it("assigns an id when the issuer role is granted directly", async function () {
      const { registry, admin, otherIssuer } = await networkHelpers.loadFixture(fixture);
      await registry.connect(admin).grantRole(await registry.ISSUER_ROLE(), otherIssuer.address);
      expect((await registry.issuerOf(otherIssuer.address))[0]).to.equal(2n);
    });

    it("keeps the id when the issuer role is revoked and granted again", async function () {
      const { registry, admin, issuer } = await networkHelpers.loadFixture(fixture);
      const role = await registry.ISSUER_ROLE();
      await registry.connect(admin).revokeRole(role, issuer.address);
      await registry.connect(admin).grantRole(role, issuer.address);
      expect(await registry.issuerOf(issuer.address)).to.deep.equal([1n, ISSUER_PROFILE]);
    });

    it("rejects issuer registration by anyone but the admin", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(stranger).registerIssuer(stranger.address, ISSUER_PROFILE))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.DEFAULT_ADMIN_ROLE());
    });

    it("rejects the zero address as issuer", async function () {
      const { registry, admin } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(admin).registerIssuer(ethers.ZeroAddress, ISSUER_PROFILE))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidIssuer")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("pause", function () {
    it("lets the pauser pause and unpause", async function () {
      const { registry, pauser } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(pauser).pause()).to.emit(registry, "Paused").withArgs(pauser.address);
      expect(await registry.paused()).to.equal(true);
      await expect(registry.connect(pauser).unpause()).to.emit(registry, "Unpaused").withArgs(pauser.address);
      expect(await registry.paused()).to.equal(false);
    });

    it("rejects pausing and unpausing by others", async function () {
      const { registry, pauser, stranger } = await networkHelpers.loadFixture(fixture);
      const role = await registry.PAUSER_ROLE();
      await expect(registry.connect(stranger).pause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
      await registry.connect(pauser).pause();
      await expect(registry.connect(stranger).unpause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
    });

    it("blocks issuance while paused", async function () {
      const { registry, pauser, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 4 });
      await registry.connect(pauser).pause();
      await expect(registry.connect(issuer).issueBatch(batch.batchId, batch.params)).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
    });
  });

  describe("issueBatch", function () {
    it("stores the batch and starts its hash chain", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const expiresAt = (await networkHelpers.time.latest()) + 365 * 86_400;
      const batch = prepareBatch(7, {
        count: 100,
        faceValue: 25_00n,
        currency: "EUR",
        expiresAt,
        activationRequired: true,
      });
      const head = computeNextHead(GENESIS_HEAD, {
        kind: "BatchIssued",
        batchId: batch.batchId,
        issuer: issuer.address as `0x${string}`,
        params: batch.params,
        seq: 1n,
        head: GENESIS_HEAD,
      });

      await expect(registry.connect(issuer).issueBatch(batch.batchId, batch.params))
        .to.emit(registry, "BatchIssued")
        .withArgs(batch.batchId, issuer.address, 1, head, Object.values(batch.params));

      const info = await registry.batchOf(batch.batchId);
      expect(info.issuer).to.equal(issuer.address);
      expect(info.issuerId).to.equal(1n);
      expect(info.count).to.equal(100n);
      expect(info.expiresAt).to.equal(BigInt(expiresAt));
      expect(info.activationRequired).to.equal(true);
      expect(info.seq).to.equal(1n);
      expect(info.faceValue).to.equal(25_00n);
      expect(info.currency).to.equal(stringToHex("EUR", { size: 3 }));
      expect(info.merkleRoot).to.equal(batch.root);
      expect(info.head).to.equal(head);
      expect(await registry.isIssued(batch.batchId)).to.equal(true);
    });

    it("gives the issuer every serial in one run", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 10 });
      await registry.connect(issuer).issueBatch(batch.batchId, batch.params);
      const run = await registry.runAt(batch.batchId, 0);
      expect([run.holder, run.end, run.flags, run.revokeReason]).to.deep.equal([issuer.address, 10n, 0n, 0n]);
    });

    it("accepts the largest count, 2^32-1", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      await registry.connect(issuer).issueBatch(batch.batchId, { ...batch.params, count: 2 ** 32 - 1 });
      expect((await registry.batchOf(batch.batchId)).count).to.equal(2n ** 32n - 1n);
      expect((await registry.runAt(batch.batchId, 0)).end).to.equal(2n ** 32n - 1n);
    });

    it("rejects a caller without the issuer role", async function () {
      const { registry, stranger, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      await expect(registry.connect(stranger).issueBatch(batch.batchId, batch.params))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.ISSUER_ROLE());
    });

    it("rejects a batch id in another issuer's id space", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      const foreign = makeBatchId(2, 1);
      await expect(registry.connect(issuer).issueBatch(foreign, batch.params))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryBatchIdNotOwned")
        .withArgs(foreign, 1);
    });

    it("rejects issuing the same batch id twice", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      await registry.connect(issuer).issueBatch(batch.batchId, batch.params);
      await expect(registry.connect(issuer).issueBatch(batch.batchId, batch.params))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryBatchExists")
        .withArgs(batch.batchId);
    });

    it("rejects an empty root", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      await expect(
        registry.connect(issuer).issueBatch(batch.batchId, { ...batch.params, merkleRoot: ethers.ZeroHash }),
      ).to.be.revertedWithCustomError(registry, "VoucherRegistryEmptyRoot");
    });

    it("rejects a batch of zero cards", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      await expect(
        registry.connect(issuer).issueBatch(batch.batchId, { ...batch.params, count: 0 }),
      ).to.be.revertedWithCustomError(registry, "VoucherRegistryZeroCount");
    });

    for (const currency of ["usd", "US1", "U D"]) {
      it(`rejects the currency code "${currency}"`, async function () {
        const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
        const batch = prepareBatch(1, { count: 2 });
        const code = stringToHex(currency, { size: 3 });
        await expect(registry.connect(issuer).issueBatch(batch.batchId, { ...batch.params, currency: code }))
          .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidCurrency")
          .withArgs(code);
      });
    }

    it("rejects an expiry that is not in the future", async function () {
      const { registry, issuer, prepareBatch } = await networkHelpers.loadFixture(fixture);
      const batch = prepareBatch(1, { count: 2 });
      const now = await networkHelpers.time.latest();
      await networkHelpers.time.setNextBlockTimestamp(now + 10);
      await expect(registry.connect(issuer).issueBatch(batch.batchId, { ...batch.params, expiresAt: now + 10 }))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryExpiryInPast")
        .withArgs(now + 10, now + 10);
    });
  });

  describe("setRedeemer", function () {
    async function issuedFixture() {
      const base = await fixture();
      const batch = base.prepareBatch(1, { count: 4 });
      await base.registry.connect(base.issuer).issueBatch(batch.batchId, batch.params);
      return { ...base, batch };
    }

    it("names and removes a redeemer, extending the hash chain", async function () {
      const { registry, issuer, redeemer, batch } = await networkHelpers.loadFixture(issuedFixture);
      const before = await registry.batchOf(batch.batchId);
      const head = computeNextHead(before.head as `0x${string}`, {
        kind: "RedeemerSet",
        batchId: batch.batchId,
        redeemer: redeemer.address as `0x${string}`,
        allowed: true,
        seq: 2n,
        head: GENESIS_HEAD,
      });
      await expect(registry.connect(issuer).setRedeemer(batch.batchId, redeemer.address, true))
        .to.emit(registry, "RedeemerSet")
        .withArgs(batch.batchId, redeemer.address, true, 2, head);
      expect(await registry.isRedeemer(batch.batchId, redeemer.address)).to.equal(true);
      expect((await registry.batchOf(batch.batchId)).head).to.equal(head);

      await expect(registry.connect(issuer).setRedeemer(batch.batchId, redeemer.address, false))
        .to.emit(registry, "RedeemerSet")
        .withArgs(batch.batchId, redeemer.address, false, 3, (value: string) => value !== head);
      expect(await registry.isRedeemer(batch.batchId, redeemer.address)).to.equal(false);
    });

    it("rejects anyone but the batch issuer", async function () {
      const { registry, admin, otherIssuer, redeemer, batch } = await networkHelpers.loadFixture(issuedFixture);
      await registry.connect(admin).registerIssuer(otherIssuer.address, ISSUER_PROFILE);
      await expect(registry.connect(otherIssuer).setRedeemer(batch.batchId, redeemer.address, true))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotBatchIssuer")
        .withArgs(batch.batchId, otherIssuer.address);
    });

    it("rejects an unknown batch", async function () {
      const { registry, issuer, redeemer } = await networkHelpers.loadFixture(issuedFixture);
      const unknown = makeBatchId(1, 99);
      await expect(registry.connect(issuer).setRedeemer(unknown, redeemer.address, true))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
    });

    it("rejects the zero address", async function () {
      const { registry, issuer, batch } = await networkHelpers.loadFixture(issuedFixture);
      await expect(registry.connect(issuer).setRedeemer(batch.batchId, ethers.ZeroAddress, true))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidRedeemer")
        .withArgs(ethers.ZeroAddress);
    });

    it("rejects a change that changes nothing", async function () {
      const { registry, issuer, redeemer, batch } = await networkHelpers.loadFixture(issuedFixture);
      await expect(registry.connect(issuer).setRedeemer(batch.batchId, redeemer.address, false))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryRedeemerUnchanged")
        .withArgs(batch.batchId, redeemer.address, false);
    });

    it("is blocked while paused", async function () {
      const { registry, pauser, issuer, redeemer, batch } = await networkHelpers.loadFixture(issuedFixture);
      await registry.connect(pauser).pause();
      await expect(
        registry.connect(issuer).setRedeemer(batch.batchId, redeemer.address, true),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });
  });

  describe("views of unknown batches", function () {
    it("reverts batchOf and runAt, and reports Unknown status", async function () {
      const { registry } = await networkHelpers.loadFixture(fixture);
      const unknown = makeBatchId(1, 5);
      await expect(registry.batchOf(unknown))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
      await expect(registry.runAt(unknown, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
      await expect(registry.runStartOf(unknown, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
      expect(await registry.statusOf(unknown, 0, 0)).to.deep.equal([0n, ethers.ZeroAddress]);
      expect(await registry.lookupStatus(unknown, 0)).to.deep.equal([0n, ethers.ZeroAddress, 0n]);
      expect(await registry.isIssued(unknown)).to.equal(false);
    });
  });
});
