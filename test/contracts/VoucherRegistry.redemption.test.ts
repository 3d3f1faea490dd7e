import { expect } from "chai";
import { network } from "hardhat";
import { stringToHex } from "viem";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { computeNextHead } from "../../scripts/lib/provenanceChain.js";
import { deployRegistry } from "../helpers/registryFixture.js";

const { ethers, networkHelpers } = await network.create();

const Status = { Unknown: 0n, Active: 1n, Inactive: 2n, Redeemed: 3n, Revoked: 4n, Expired: 5n } as const;

describe("VoucherRegistry: redemption", function () {
  async function fixture() {
    const base = await deployRegistry(ethers);
    const expiresAt = (await networkHelpers.time.latest()) + 30 * 86_400;
    const open = base.prepareBatch(1, { count: 40, expiresAt });
    const gated = base.prepareBatch(2, { count: 40, activationRequired: true });
    await base.registry.connect(base.issuer).issueBatch(open.batchId, open.params);
    await base.registry.connect(base.issuer).issueBatch(gated.batchId, gated.params);
    await base.registry.connect(base.issuer).setRedeemer(open.batchId, base.redeemer.address, true);
    await base.registry.connect(base.issuer).setRedeemer(gated.batchId, base.redeemer.address, true);
    return { ...base, open, gated, expiresAt };
  }

  describe("redeem", function () {
    it("redeems a card once with its code and proof", async function () {
      const { registry, redeemer, issuer, open } = await networkHelpers.loadFixture(fixture);
      const { code, proof } = open.redemptionOf(7);
      const before = await registry.batchOf(open.batchId);
      const head = computeNextHead(before.head as `0x${string}`, {
        kind: "VoucherRedeemed",
        batchId: open.batchId,
        serial: 7,
        redeemer: redeemer.address as `0x${string}`,
        codeHash: open.codeHashes[7]!,
        seq: before.seq + 1n,
        head: before.head as `0x${string}`,
      });
      await expect(registry.connect(redeemer).redeem(open.batchId, 7, 0, code, proof))
        .to.emit(registry, "VoucherRedeemed")
        .withArgs(open.batchId, 7, redeemer.address, open.codeHashes[7], before.seq + 1n, head);
      expect(await registry.isRedeemed(open.batchId, 7)).to.equal(true);
      expect(await registry.isRedeemed(open.batchId, 6)).to.equal(false);
      expect(await registry.statusOf(open.batchId, 7, 0)).to.deep.equal([Status.Redeemed, issuer.address]);
      const after = await registry.batchOf(open.batchId);
      expect([after.seq, after.head]).to.deep.equal([before.seq + 1n, head]);
    });

    it("rejects a second redemption of the same card", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const { code, proof } = open.redemptionOf(3);
      await registry.connect(redeemer).redeem(open.batchId, 3, 0, code, proof);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryAlreadyRedeemed")
        .withArgs(open.batchId, 3);
    });

    it("rejects a caller that is not a redeemer of the batch, even with the right code", async function () {
      const { registry, stranger, open } = await networkHelpers.loadFixture(fixture);
      const { code, proof } = open.redemptionOf(3);
      await expect(registry.connect(stranger).redeem(open.batchId, 3, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotRedeemer")
        .withArgs(open.batchId, stranger.address);
    });

    it("rejects a wrong code, another card's code and a proof for another serial", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const { proof } = open.redemptionOf(3);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, stringToHex("00000000000000000000"), proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, open.redemptionOf(4).code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      const four = open.redemptionOf(4);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, four.code, four.proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
    });

    it("rejects a proof made for another batch", async function () {
      const { registry, redeemer, open, gated, issuer } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).activateLot(gated.batchId, 0, 40, 0);
      const { code, proof } = open.redemptionOf(1);
      await expect(registry.connect(redeemer).redeem(gated.batchId, 1, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(gated.batchId, 1);
    });

    it("rejects a card of an activation-gated batch until it is activated", async function () {
      const { registry, redeemer, issuer, retailer, gated } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(gated.batchId, issuer.address, retailer.address, 0, 10, 0);
      const { code, proof } = gated.redemptionOf(5);
      await expect(registry.connect(redeemer).redeem(gated.batchId, 5, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotActivated")
        .withArgs(gated.batchId, 5);
      await registry.connect(retailer).activateLot(gated.batchId, 5, 6, 0);
      await expect(registry.connect(redeemer).redeem(gated.batchId, 5, 5, code, proof)).to.emit(
        registry,
        "VoucherRedeemed",
      );
    });

    it("rejects a revoked card and keeps a redeemed card Redeemed after revocation", async function () {
      const { registry, redeemer, issuer, open } = await networkHelpers.loadFixture(fixture);
      const one = open.redemptionOf(1);
      await registry.connect(redeemer).redeem(open.batchId, 1, 0, one.code, one.proof);
      await registry.connect(issuer).revokeLot(open.batchId, 0, 10, 0, 3);
      const two = open.redemptionOf(2);
      await expect(registry.connect(redeemer).redeem(open.batchId, 2, 0, two.code, two.proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryVoucherRevoked")
        .withArgs(open.batchId, 2, 3);
      expect((await registry.statusOf(open.batchId, 1, 0))[0]).to.equal(Status.Redeemed);
      expect((await registry.statusOf(open.batchId, 2, 0))[0]).to.equal(Status.Revoked);
    });

    it("rejects an expired card", async function () {
      const { registry, redeemer, open, expiresAt } = await networkHelpers.loadFixture(fixture);
      await networkHelpers.time.increaseTo(expiresAt);
      const { code, proof } = open.redemptionOf(1);
      await expect(registry.connect(redeemer).redeem(open.batchId, 1, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryBatchExpired")
        .withArgs(open.batchId, expiresAt);
    });

    it("rejects a hint that does not cover the serial", async function () {
      const { registry, redeemer, issuer, distributor, open } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(open.batchId, issuer.address, distributor.address, 0, 5, 0);
      const { code, proof } = open.redemptionOf(8);
      await expect(registry.connect(redeemer).redeem(open.batchId, 8, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistrySerialOutsideRun")
        .withArgs(open.batchId, 8, 0, 5);
      await expect(registry.connect(redeemer).redeem(open.batchId, 8, 6, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(open.batchId, 6);
      await expect(registry.connect(redeemer).redeem(open.batchId, 2, 5, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistrySerialOutsideRun")
        .withArgs(open.batchId, 2, 5, 40);
    });

    it("rejects an unknown batch and is blocked while paused", async function () {
      const { registry, redeemer, pauser, open } = await networkHelpers.loadFixture(fixture);
      const { code, proof } = open.redemptionOf(1);
      const unknown = makeBatchId(1, 77);
      await expect(registry.connect(redeemer).redeem(unknown, 1, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
      await registry.connect(pauser).pause();
      await expect(registry.connect(redeemer).redeem(open.batchId, 1, 0, code, proof)).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
    });

    it("stops a removed redeemer", async function () {
      const { registry, redeemer, issuer, open } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).setRedeemer(open.batchId, redeemer.address, false);
      const { code, proof } = open.redemptionOf(1);
      await expect(registry.connect(redeemer).redeem(open.batchId, 1, 0, code, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotRedeemer")
        .withArgs(open.batchId, redeemer.address);
    });
  });

  describe("redeemMany", function () {
    const items = (batch: Awaited<ReturnType<typeof fixture>>["open"], serials: number[], hint = 0) =>
      serials.map((serial) => ({ serial, hint, ...batch.redemptionOf(serial) }));

    it("redeems many cards in one transaction, one event and one chain link each", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const serials = [0, 5, 9, 39];
      const before = await registry.batchOf(open.batchId);
      let head = before.head as `0x${string}`;
      let seq = before.seq;
      const tx = registry.connect(redeemer).redeemMany(open.batchId, items(open, serials));
      for (const serial of serials) {
        seq += 1n;
        head = computeNextHead(head, {
          kind: "VoucherRedeemed",
          batchId: open.batchId,
          serial,
          redeemer: redeemer.address as `0x${string}`,
          codeHash: open.codeHashes[serial]!,
          seq,
          head,
        });
        await expect(tx)
          .to.emit(registry, "VoucherRedeemed")
          .withArgs(open.batchId, serial, redeemer.address, open.codeHashes[serial], seq, head);
      }
      const after = await registry.batchOf(open.batchId);
      expect([after.seq, after.head]).to.deep.equal([seq, head]);
      for (const serial of serials) expect(await registry.isRedeemed(open.batchId, serial)).to.equal(true);
    });

    it("redeems nothing when one card fails", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const batchItems = items(open, [1, 2, 3]);
      batchItems[2] = { ...batchItems[2]!, code: open.redemptionOf(4).code };
      await expect(registry.connect(redeemer).redeemMany(open.batchId, batchItems))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      expect(await registry.isRedeemed(open.batchId, 1)).to.equal(false);
    });

    it("rejects the same card twice in one call", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(redeemer).redeemMany(open.batchId, items(open, [6, 6])))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryAlreadyRedeemed")
        .withArgs(open.batchId, 6);
    });

    it("rejects an empty list, a non-redeemer and a paused registry", async function () {
      const { registry, redeemer, stranger, pauser, open } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(redeemer).redeemMany(open.batchId, [])).to.be.revertedWithCustomError(
        registry,
        "VoucherRegistryNoRedemptions",
      );
      await expect(registry.connect(stranger).redeemMany(open.batchId, items(open, [1])))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotRedeemer")
        .withArgs(open.batchId, stranger.address);
      await registry.connect(pauser).pause();
      await expect(registry.connect(redeemer).redeemMany(open.batchId, items(open, [1]))).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
    });
  });

  describe("findRedeemed", function () {
    // 70,000 cards span two summary words (65,536 cards each) and 274 bitmap words.
    const COUNT = 70_000;
    const REDEEMED = [0, 255, 256, 300, 511, 65_535, 65_536, 65_800, 69_999];

    async function largeFixture() {
      const base = await deployRegistry(ethers);
      const large = base.prepareBatch(3, { count: COUNT });
      await base.registry.connect(base.issuer).issueBatch(large.batchId, large.params);
      await base.registry.connect(base.issuer).setRedeemer(large.batchId, base.redeemer.address, true);
      await base.registry.connect(base.redeemer).redeemMany(
        large.batchId,
        REDEEMED.map((serial) => ({ serial, hint: 0, ...large.redemptionOf(serial) })),
      );
      return { ...base, large };
    }

    const expected = (start: number, end: number) => {
      const hit = REDEEMED.find((serial) => serial >= start && serial < end);
      return hit === undefined ? [false, 0n] : [true, BigInt(hit)];
    };

    it("finds the lowest redeemed serial of a lot, at word and summary boundaries", async function () {
      const { registry, large } = await networkHelpers.loadFixture(largeFixture);
      const lots: Array<[number, number]> = [
        [0, 1],
        [1, 255],
        [1, 256],
        [257, 300],
        [257, 301],
        [301, 511],
        [512, 65_535],
        [512, 65_536],
        [65_537, 65_800],
        [65_537, 65_801],
        [65_801, 69_999],
        [65_801, 70_000],
        [0, 70_000],
        [1_000, 60_000],
      ];
      for (const [start, end] of lots) {
        expect(await registry.findRedeemed(large.batchId, start, end), `[${start}, ${end})`).to.deep.equal(
          expected(start, end),
        );
      }
    });

    it("agrees with the bitmap on random lots", async function () {
      const { registry, large } = await networkHelpers.loadFixture(largeFixture);
      let seed = 0x5eed;
      const next = (limit: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % limit;
      };
      for (let i = 0; i < 40; i++) {
        const start = next(COUNT);
        const end = start + 1 + next(COUNT - start);
        expect(await registry.findRedeemed(large.batchId, start, end), `[${start}, ${end})`).to.deep.equal(
          expected(start, end),
        );
      }
    });

    it("reports nothing for a batch without redemptions and rejects an empty lot", async function () {
      const { registry, open } = await networkHelpers.loadFixture(fixture);
      expect(await registry.findRedeemed(open.batchId, 0, 40)).to.deep.equal([false, 0n]);
      await expect(registry.findRedeemed(open.batchId, 5, 5))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryEmptyLot")
        .withArgs(open.batchId, 5, 5);
    });
  });
});
