import { expect } from "chai";
import { network } from "hardhat";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { computeNextHead } from "../../scripts/lib/provenanceChain.js";
import { deployRegistry } from "../helpers/registryFixture.js";

const { ethers, networkHelpers } = await network.create();

const STOLEN = 1;
const Status = { Unknown: 0n, Active: 1n, Inactive: 2n, Redeemed: 3n, Revoked: 4n, Expired: 5n } as const;

describe("VoucherRegistry: custody", function () {
  async function fixture() {
    const base = await deployRegistry(ethers);
    const expiresAt = (await networkHelpers.time.latest()) + 30 * 86_400;
    const batch = base.prepareBatch(1, { count: 1000, expiresAt, activationRequired: true });
    await base.registry.connect(base.issuer).issueBatch(batch.batchId, batch.params);
    return { ...base, batch, batchId: batch.batchId, expiresAt };
  }

  async function runOf(registry: Awaited<ReturnType<typeof fixture>>["registry"], batchId: bigint, start: number) {
    const run = await registry.runAt(batchId, start);
    return {
      holder: run.holder,
      end: Number(run.end),
      flags: Number(run.flags),
      revokeReason: Number(run.revokeReason),
    };
  }

  describe("transferLot", function () {
    it("moves a prefix of a run and extends the hash chain", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      const before = await registry.batchOf(batchId);
      const head = computeNextHead(before.head as `0x${string}`, {
        kind: "LotTransferred",
        batchId,
        from: issuer.address as `0x${string}`,
        to: distributor.address as `0x${string}`,
        start: 0,
        end: 100,
        operator: issuer.address as `0x${string}`,
        seq: 2n,
        head: before.head as `0x${string}`,
      });
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 100, 0))
        .to.emit(registry, "LotTransferred")
        .withArgs(batchId, issuer.address, distributor.address, 0, 100, issuer.address, 2, head);
      expect(await runOf(registry, batchId, 0)).to.deep.equal({
        holder: distributor.address,
        end: 100,
        flags: 0,
        revokeReason: 0,
      });
      expect(await runOf(registry, batchId, 100)).to.deep.equal({
        holder: issuer.address,
        end: 1000,
        flags: 0,
        revokeReason: 0,
      });
      const after = await registry.batchOf(batchId);
      expect([after.seq, after.head]).to.deep.equal([2n, head]);
    });

    it("keeps the issuer's untouched stock implicit and moves its start forward", async function () {
      const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
      expect((await registry.batchOf(batchId)).stockStart).to.equal(0n);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 100, 0);
      expect((await registry.batchOf(batchId)).stockStart).to.equal(100n);
      await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 150, 160, 100);
      expect((await registry.batchOf(batchId)).stockStart).to.equal(160n);
      expect(await runOf(registry, batchId, 100)).to.deep.equal({
        holder: issuer.address,
        end: 150,
        flags: 0,
        revokeReason: 0,
      });
      expect(await runOf(registry, batchId, 160)).to.deep.equal({
        holder: issuer.address,
        end: 1000,
        flags: 0,
        revokeReason: 0,
      });
      expect(await registry.runStartOf(batchId, 999)).to.equal(160n);
      expect(await registry.runStartOf(batchId, 120)).to.equal(100n);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 120, 130, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotHintMismatch")
        .withArgs(batchId, 120, 0, 100);
      // The lot joins the retailer's run [150, 160) on its left: one run, no stock left.
      await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 160, 1000, 150);
      expect((await registry.batchOf(batchId)).stockStart).to.equal(1000n);
      expect(await runOf(registry, batchId, 150)).to.deep.equal({
        holder: retailer.address,
        end: 1000,
        flags: 0,
        revokeReason: 0,
      });
      await expect(registry.runAt(batchId, 160))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(batchId, 160);
      await expect(registry.runAt(batchId, 1000))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(batchId, 1000);
    });

    it("splits a run in three when the lot is in its middle", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 200, 300, 0);
      expect(await runOf(registry, batchId, 0)).to.deep.equal({
        holder: issuer.address,
        end: 200,
        flags: 0,
        revokeReason: 0,
      });
      expect(await runOf(registry, batchId, 200)).to.deep.equal({
        holder: distributor.address,
        end: 300,
        flags: 0,
        revokeReason: 0,
      });
      expect(await runOf(registry, batchId, 300)).to.deep.equal({
        holder: issuer.address,
        end: 1000,
        flags: 0,
        revokeReason: 0,
      });
    });

    it("moves a suffix and a whole run", async function () {
      const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 900, 1000, 0);
      expect(await runOf(registry, batchId, 0)).to.deep.equal({
        holder: issuer.address,
        end: 900,
        flags: 0,
        revokeReason: 0,
      });
      await registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 900, 1000, 0);
      expect(await runOf(registry, batchId, 900)).to.deep.equal({
        holder: retailer.address,
        end: 1000,
        flags: 0,
        revokeReason: 0,
      });
    });

    it("lets an operator approved for the batch or for all batches move the holder's lot", async function () {
      const { registry, issuer, distributor, operator, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).setApprovalForBatch(batchId, operator.address, true))
        .to.emit(registry, "ApprovalForBatch")
        .withArgs(issuer.address, batchId, operator.address, true);
      expect(await registry.isApprovedOperator(issuer.address, batchId, operator.address)).to.equal(true);
      await expect(registry.connect(operator).transferLot(batchId, issuer.address, distributor.address, 0, 10, 0))
        .to.emit(registry, "LotTransferred")
        .withArgs(
          batchId,
          issuer.address,
          distributor.address,
          0,
          10,
          operator.address,
          2,
          (h: string) => h.length === 66,
        );

      await registry.connect(issuer).setApprovalForBatch(batchId, operator.address, false);
      await expect(registry.connect(issuer).setApprovalForAll(operator.address, true))
        .to.emit(registry, "ApprovalForAll")
        .withArgs(issuer.address, operator.address, true);
      await registry.connect(operator).transferLot(batchId, issuer.address, distributor.address, 10, 20, 0);
      await registry.connect(issuer).setApprovalForAll(operator.address, false);
      expect(await registry.isApprovedOperator(issuer.address, batchId, operator.address)).to.equal(false);
      await expect(registry.connect(operator).transferLot(batchId, issuer.address, distributor.address, 20, 30, 20))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotHolderOrOperator")
        .withArgs(batchId, issuer.address, operator.address);
    });

    it("rejects approving the zero address or oneself", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).setApprovalForBatch(batchId, ethers.ZeroAddress, true))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidOperator")
        .withArgs(ethers.ZeroAddress);
      await expect(registry.connect(issuer).setApprovalForAll(issuer.address, true))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidOperator")
        .withArgs(issuer.address);
    });

    it("rejects a lot the named sender does not hold", async function () {
      const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotNotHeld")
        .withArgs(batchId, 0, issuer.address);
    });

    it("rejects a caller that is neither holder nor operator", async function () {
      const { registry, issuer, stranger, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(stranger).transferLot(batchId, issuer.address, stranger.address, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotHolderOrOperator")
        .withArgs(batchId, issuer.address, stranger.address);
    });

    it("rejects the zero address and the holder itself as recipient", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, ethers.ZeroAddress, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidRecipient")
        .withArgs(ethers.ZeroAddress);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, issuer.address, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidRecipient")
        .withArgs(issuer.address);
    });

    it("rejects an empty lot", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 10, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryEmptyLot")
        .withArgs(batchId, 10, 10);
    });

    it("rejects a hint that is not a run start", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 10, 20, 5))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(batchId, 5);
    });

    it("rejects a hint that does not name the run before the lot, and a lot past the batch", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 100, 200, 0);
      // [50, 150) crosses the distributor's run: the walk finds a run the issuer does not hold.
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 50, 150, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotNotHeld")
        .withArgs(batchId, 100, distributor.address);
      // The hint must be the run containing start - 1 (here 0), not the run starting at the lot.
      await expect(
        registry.connect(distributor).transferLot(batchId, distributor.address, issuer.address, 100, 150, 100),
      )
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotHintMismatch")
        .withArgs(batchId, 100, 100, 200);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 10, 100))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotHintMismatch")
        .withArgs(batchId, 0, 100, 200);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 900, 1001, 200))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotOutOfRange")
        .withArgs(batchId, 900, 1001, 1000);
    });

    it("rejects an unknown batch", async function () {
      const { registry, issuer, distributor } = await networkHelpers.loadFixture(fixture);
      const unknown = makeBatchId(1, 2);
      await expect(registry.connect(issuer).transferLot(unknown, issuer.address, distributor.address, 0, 1, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
    });

    it("rejects moving revoked stock", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).revokeLot(batchId, 0, 50, 0, STOLEN);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotRevoked")
        .withArgs(batchId, 0, STOLEN);
    });

    it("rejects moving expired stock", async function () {
      const { registry, issuer, distributor, batchId, expiresAt } = await networkHelpers.loadFixture(fixture);
      await networkHelpers.time.increaseTo(expiresAt);
      await expect(registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 10, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryBatchExpired")
        .withArgs(batchId, expiresAt);
    });

    it("is blocked while paused", async function () {
      const { registry, pauser, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(pauser).pause();
      await expect(
        registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 10, 0),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });

    it("keeps the activation of a lot that changes hands", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).activateLot(batchId, 0, 100, 0);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 10, 20, 0);
      expect(await runOf(registry, batchId, 10)).to.deep.equal({
        holder: distributor.address,
        end: 20,
        flags: 1,
        revokeReason: 0,
      });
      expect(await runOf(registry, batchId, 20)).to.deep.equal({
        holder: issuer.address,
        end: 100,
        flags: 1,
        revokeReason: 0,
      });
    });
  });

  describe("activateLot", function () {
    it("activates a lot at the point of sale", async function () {
      const { registry, issuer, retailer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 0, 100, 0);
      const before = await registry.batchOf(batchId);
      const head = computeNextHead(before.head as `0x${string}`, {
        kind: "LotActivated",
        batchId,
        holder: retailer.address as `0x${string}`,
        start: 10,
        end: 11,
        operator: retailer.address as `0x${string}`,
        seq: 3n,
        head: before.head as `0x${string}`,
      });
      expect((await registry.statusOf(batchId, 10, 0))[0]).to.equal(Status.Inactive);
      await expect(registry.connect(retailer).activateLot(batchId, 10, 11, 0))
        .to.emit(registry, "LotActivated")
        .withArgs(batchId, retailer.address, 10, 11, retailer.address, 3, head);
      expect(await registry.statusOf(batchId, 10, 10)).to.deep.equal([Status.Active, retailer.address]);
      expect((await registry.statusOf(batchId, 11, 11))[0]).to.equal(Status.Inactive);
    });

    it("lets an approved operator activate", async function () {
      const { registry, issuer, operator, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).setApprovalForAll(operator.address, true);
      await expect(registry.connect(operator).activateLot(batchId, 0, 5, 0))
        .to.emit(registry, "LotActivated")
        .withArgs(batchId, issuer.address, 0, 5, operator.address, 2, (h: string) => h.length === 66);
    });

    it("rejects a caller that is neither holder nor operator", async function () {
      const { registry, issuer, stranger, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(stranger).activateLot(batchId, 0, 5, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotHolderOrOperator")
        .withArgs(batchId, issuer.address, stranger.address);
    });

    it("rejects activating twice", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).activateLot(batchId, 0, 5, 0);
      await expect(registry.connect(issuer).activateLot(batchId, 1, 3, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotAlreadyActivated")
        .withArgs(batchId, 0);
    });

    it("rejects revoked and expired stock", async function () {
      const { registry, issuer, batchId, expiresAt } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).revokeLot(batchId, 0, 5, 0, STOLEN);
      await expect(registry.connect(issuer).activateLot(batchId, 0, 5, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotRevoked")
        .withArgs(batchId, 0, STOLEN);
      await networkHelpers.time.increaseTo(expiresAt);
      await expect(registry.connect(issuer).activateLot(batchId, 5, 10, 5))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryBatchExpired")
        .withArgs(batchId, expiresAt);
    });

    it("rejects an empty lot, a bad hint and an unknown batch", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).activateLot(batchId, 5, 4, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryEmptyLot")
        .withArgs(batchId, 5, 4);
      await expect(registry.connect(issuer).activateLot(batchId, 5, 6, 3))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(batchId, 3);
      const unknown = makeBatchId(1, 3);
      await expect(registry.connect(issuer).activateLot(unknown, 0, 1, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
    });

    it("is blocked while paused", async function () {
      const { registry, pauser, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(pauser).pause();
      await expect(registry.connect(issuer).activateLot(batchId, 0, 1, 0)).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
    });
  });

  describe("revokeLot", function () {
    it("freezes a lot held by someone else, with a reason", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 500, 0);
      const before = await registry.batchOf(batchId);
      const head = computeNextHead(before.head as `0x${string}`, {
        kind: "LotRevoked",
        batchId,
        start: 100,
        end: 200,
        reason: STOLEN,
        seq: 3n,
        head: before.head as `0x${string}`,
      });
      await expect(registry.connect(issuer).revokeLot(batchId, 100, 200, 0, STOLEN))
        .to.emit(registry, "LotRevoked")
        .withArgs(batchId, 100, 200, STOLEN, 3, head);
      expect(await runOf(registry, batchId, 100)).to.deep.equal({
        holder: distributor.address,
        end: 200,
        flags: 2,
        revokeReason: STOLEN,
      });
      expect(await registry.statusOf(batchId, 150, 100)).to.deep.equal([Status.Revoked, distributor.address]);
      expect((await registry.statusOf(batchId, 200, 200))[0]).to.equal(Status.Inactive);
    });

    it("works while paused, since freezing stock only protects", async function () {
      const { registry, pauser, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(pauser).pause();
      await expect(registry.connect(issuer).revokeLot(batchId, 0, 10, 0, STOLEN)).to.emit(registry, "LotRevoked");
    });

    it("rejects anyone but the batch issuer", async function () {
      const { registry, stranger, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(stranger).revokeLot(batchId, 0, 10, 0, STOLEN))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotBatchIssuer")
        .withArgs(batchId, stranger.address);
    });

    it("rejects reason code 0", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).revokeLot(batchId, 0, 10, 0, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidRevokeReason")
        .withArgs(0);
    });

    it("rejects revoking a revoked lot again", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).revokeLot(batchId, 0, 10, 0, STOLEN);
      await expect(registry.connect(issuer).revokeLot(batchId, 2, 5, 0, 2))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotRevoked")
        .withArgs(batchId, 0, STOLEN);
    });

    it("rejects a lot outside the hinted run and an unknown batch", async function () {
      const { registry, issuer, batchId } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(issuer).revokeLot(batchId, 990, 1010, 0, STOLEN))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryLotOutOfRange")
        .withArgs(batchId, 990, 1010, 1000);
      const unknown = makeBatchId(1, 9);
      await expect(registry.connect(issuer).revokeLot(unknown, 0, 1, 0, STOLEN))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
    });
  });

  describe("finding runs without a hint", function () {
    it("finds the run of any serial after many splits", async function () {
      const { registry, issuer, distributor, retailer, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 100, 400, 0);
      await registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 150, 160, 100);
      await registry.connect(issuer).transferLot(batchId, issuer.address, retailer.address, 999, 1000, 400);
      const starts = [0, 100, 150, 160, 400, 999];
      for (const serial of [0, 1, 99, 100, 149, 150, 155, 159, 160, 399, 400, 700, 998, 999]) {
        const expected = starts.filter((s) => s <= serial).at(-1);
        expect(Number(await registry.runStartOf(batchId, serial)), `serial ${serial}`).to.equal(expected);
      }
      expect(await registry.lookupStatus(batchId, 155)).to.deep.equal([Status.Inactive, retailer.address, 150n]);
    });

    it("reports Unknown for a serial past the batch, and reverts runStartOf for it", async function () {
      const { registry, batchId } = await networkHelpers.loadFixture(fixture);
      expect(await registry.lookupStatus(batchId, 1000)).to.deep.equal([Status.Unknown, ethers.ZeroAddress, 0n]);
      expect(await registry.statusOf(batchId, 1000, 0)).to.deep.equal([Status.Unknown, ethers.ZeroAddress]);
      await expect(registry.runStartOf(batchId, 1000))
        .to.be.revertedWithCustomError(registry, "VoucherRegistrySerialOutsideRun")
        .withArgs(batchId, 1000, 0, 1000);
    });

    it("rejects a status query whose hint does not cover the serial", async function () {
      const { registry, issuer, distributor, batchId } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(batchId, issuer.address, distributor.address, 0, 10, 0);
      await expect(registry.statusOf(batchId, 20, 0))
        .to.be.revertedWithCustomError(registry, "VoucherRegistrySerialOutsideRun")
        .withArgs(batchId, 20, 0, 10);
      await expect(registry.statusOf(batchId, 20, 7))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(batchId, 7);
    });

    it("reports Expired once the batch expires", async function () {
      const { registry, batchId, expiresAt, issuer } = await networkHelpers.loadFixture(fixture);
      await networkHelpers.time.increaseTo(expiresAt);
      expect(await registry.statusOf(batchId, 3, 0)).to.deep.equal([Status.Expired, issuer.address]);
    });
  });
});
