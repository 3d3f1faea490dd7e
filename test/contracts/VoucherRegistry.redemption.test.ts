import { expect } from "chai";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { bytesToHex, stringToHex, type Address } from "viem";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { deriveCardSecret } from "../../scripts/lib/deriveCardKey.js";
import { computeNextHead } from "../../scripts/lib/provenanceChain.js";
import { signRedemption } from "../../scripts/lib/redemptionTypedData.js";
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
      const { sigR, sigVs, proof } = await open.redemptionOf(7, redeemer.address);
      const before = await registry.batchOf(open.batchId);
      const head = computeNextHead(before.head as `0x${string}`, {
        kind: "VoucherRedeemed",
        batchId: open.batchId,
        serial: 7,
        redeemer: redeemer.address as Address,
        cardKey: open.cardKeys[7]!,
        seq: before.seq + 1n,
        head: before.head as `0x${string}`,
      });
      await expect(registry.connect(redeemer).redeem(open.batchId, 7, 0, sigR, sigVs, proof))
        .to.emit(registry, "VoucherRedeemed")
        .withArgs(open.batchId, 7, redeemer.address, open.cardKeys[7], before.seq + 1n, head);
      expect(await registry.isRedeemed(open.batchId, 7)).to.equal(true);
      expect(await registry.isRedeemed(open.batchId, 6)).to.equal(false);
      expect(await registry.statusOf(open.batchId, 7, 0)).to.deep.equal([Status.Redeemed, issuer.address]);
      const after = await registry.batchOf(open.batchId);
      expect([after.seq, after.head]).to.deep.equal([before.seq + 1n, head]);
    });

    it("rejects a second redemption of the same card", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const { sigR, sigVs, proof } = await open.redemptionOf(3, redeemer.address);
      await registry.connect(redeemer).redeem(open.batchId, 3, 0, sigR, sigVs, proof);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryAlreadyRedeemed")
        .withArgs(open.batchId, 3);
    });

    it("rejects a caller that is not a redeemer of the batch, even with the right code", async function () {
      const { registry, redeemer, stranger, open } = await networkHelpers.loadFixture(fixture);
      const { sigR, sigVs, proof } = await open.redemptionOf(3, redeemer.address);
      await expect(registry.connect(stranger).redeem(open.batchId, 3, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotRedeemer")
        .withArgs(open.batchId, stranger.address);
    });

    it("rejects a wrong code, another card's key, a signature for another serial and a proof for another serial", async function () {
      const { registry, redeemer, open, chainId, registryAddress } = await networkHelpers.loadFixture(fixture);
      const proof = open.proofOf(3);
      // A well-formed code that is not this card's derives another key: the leaf does not match.
      const wrong = await signRedemption(
        deriveCardSecret({
          chainId,
          registry: registryAddress,
          batchId: open.batchId,
          serial: 3,
          code: open.codes[4]!,
        }),
        { chainId, registry: registryAddress, batchId: open.batchId, serial: 3, redeemer: redeemer.address as Address },
      );
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, wrong.sigR, wrong.sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      const otherKey = await open.signatureOf(3, redeemer.address, 4);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, otherKey.sigR, otherKey.sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      // Card 3's key, but signing for serial 4: the digest for serial 3 recovers another address.
      const otherSerial = await open.signatureOf(4, redeemer.address, 3);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, otherSerial.sigR, otherSerial.sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      const four = await open.redemptionOf(4, redeemer.address);
      await expect(registry.connect(redeemer).redeem(open.batchId, 3, 0, four.sigR, four.sigVs, four.proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
    });

    it("rejects a proof made for another batch", async function () {
      const { registry, redeemer, open, gated, issuer } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).activateLot(gated.batchId, 0, 40, 0);
      const { sigR, sigVs, proof } = await open.redemptionOf(1, redeemer.address);
      await expect(registry.connect(redeemer).redeem(gated.batchId, 1, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(gated.batchId, 1);
    });

    it("rejects a card of an activation-gated batch until it is activated", async function () {
      const { registry, redeemer, issuer, retailer, gated } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(gated.batchId, issuer.address, retailer.address, 0, 10, 0);
      const { sigR, sigVs, proof } = await gated.redemptionOf(5, redeemer.address);
      await expect(registry.connect(redeemer).redeem(gated.batchId, 5, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotActivated")
        .withArgs(gated.batchId, 5);
      await registry.connect(retailer).activateLot(gated.batchId, 5, 6, 0);
      await expect(registry.connect(redeemer).redeem(gated.batchId, 5, 5, sigR, sigVs, proof)).to.emit(
        registry,
        "VoucherRedeemed",
      );
    });

    it("rejects a revoked card and keeps a redeemed card Redeemed after revocation", async function () {
      const { registry, redeemer, issuer, open } = await networkHelpers.loadFixture(fixture);
      const one = await open.redemptionOf(1, redeemer.address);
      await registry.connect(redeemer).redeem(open.batchId, 1, 0, one.sigR, one.sigVs, one.proof);
      await registry.connect(issuer).revokeLot(open.batchId, 0, 10, 0, 3);
      const two = await open.redemptionOf(2, redeemer.address);
      await expect(registry.connect(redeemer).redeem(open.batchId, 2, 0, two.sigR, two.sigVs, two.proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryVoucherRevoked")
        .withArgs(open.batchId, 2, 3);
      expect((await registry.statusOf(open.batchId, 1, 0))[0]).to.equal(Status.Redeemed);
      expect((await registry.statusOf(open.batchId, 2, 0))[0]).to.equal(Status.Revoked);
    });

    it("rejects an expired card", async function () {
      const { registry, redeemer, open, expiresAt } = await networkHelpers.loadFixture(fixture);
      await networkHelpers.time.increaseTo(expiresAt);
      const { sigR, sigVs, proof } = await open.redemptionOf(1, redeemer.address);
      await expect(registry.connect(redeemer).redeem(open.batchId, 1, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryBatchExpired")
        .withArgs(open.batchId, expiresAt);
    });

    it("rejects a hint that does not cover the serial", async function () {
      const { registry, redeemer, issuer, distributor, open } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).transferLot(open.batchId, issuer.address, distributor.address, 0, 5, 0);
      const { sigR, sigVs, proof } = await open.redemptionOf(8, redeemer.address);
      await expect(registry.connect(redeemer).redeem(open.batchId, 8, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistrySerialOutsideRun")
        .withArgs(open.batchId, 8, 0, 5);
      await expect(registry.connect(redeemer).redeem(open.batchId, 8, 6, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidHint")
        .withArgs(open.batchId, 6);
      await expect(registry.connect(redeemer).redeem(open.batchId, 2, 5, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistrySerialOutsideRun")
        .withArgs(open.batchId, 2, 5, 40);
    });

    it("rejects an unknown batch and is blocked while paused", async function () {
      const { registry, redeemer, pauser, open } = await networkHelpers.loadFixture(fixture);
      const { sigR, sigVs, proof } = await open.redemptionOf(1, redeemer.address);
      const unknown = makeBatchId(1, 77);
      await expect(registry.connect(redeemer).redeem(unknown, 1, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryUnknownBatch")
        .withArgs(unknown);
      await registry.connect(pauser).pause();
      await expect(
        registry.connect(redeemer).redeem(open.batchId, 1, 0, sigR, sigVs, proof),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });

    it("stops a removed redeemer", async function () {
      const { registry, redeemer, issuer, open } = await networkHelpers.loadFixture(fixture);
      await registry.connect(issuer).setRedeemer(open.batchId, redeemer.address, false);
      const { sigR, sigVs, proof } = await open.redemptionOf(1, redeemer.address);
      await expect(registry.connect(redeemer).redeem(open.batchId, 1, 0, sigR, sigVs, proof))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotRedeemer")
        .withArgs(open.batchId, redeemer.address);
    });
  });

  describe("front-running and leaks (the code never reaches the chain)", function () {
    /** A second redeemer of the batch that watches the mempool. */
    async function watcherFixture() {
      const base = await fixture();
      await base.registry.connect(base.issuer).setRedeemer(base.open.batchId, base.stranger.address, true);
      return base;
    }

    afterEach(async function () {
      await ethers.provider.send("evm_setAutomine", [true]);
    });

    const overpaying = { gasLimit: 400_000n, maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 20_000_000_000n };
    const normal = { gasLimit: 400_000n, maxFeePerGas: 5_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };

    it("gives a second redeemer that replays a pending redemption with more gas nothing", async function () {
      const { registry, redeemer, stranger, open } = await networkHelpers.loadFixture(watcherFixture);
      await ethers.provider.send("evm_setAutomine", [false]);
      const { sigR, sigVs, proof } = await open.redemptionOf(7, redeemer.address);
      const honest = await registry.connect(redeemer).redeem(open.batchId, 7, 0, sigR, sigVs, proof, normal);

      // The watcher copies the pending transaction's arguments and outbids it.
      const pending = await ethers.provider.getTransaction(honest.hash);
      const copied = registry.interface.decodeFunctionData("redeem", pending!.data);
      const stolen = await registry
        .connect(stranger)
        .redeem(copied[0], copied[1], copied[2], copied[3], copied[4], [...copied[5]], overpaying);
      await networkHelpers.mine();

      const stolenReceipt = await ethers.provider.getTransactionReceipt(stolen.hash);
      const honestReceipt = await ethers.provider.getTransactionReceipt(honest.hash);
      expect(stolenReceipt!.index, "the watcher's transaction was mined first").to.be.lessThan(honestReceipt!.index);
      expect(stolenReceipt!.status).to.equal(0);
      expect(honestReceipt!.status).to.equal(1);
      const [event] = await registry.queryFilter(registry.filters.VoucherRedeemed(open.batchId, 7));
      expect(event!.args.redeemer).to.equal(redeemer.address);
      // The watcher's call reverts because the signature binds the honest redeemer.
      await expect(
        registry
          .connect(stranger)
          .redeem.staticCall(copied[0], copied[1], copied[2], copied[3], copied[4], [...copied[5]]),
      )
        .to.be.revertedWithCustomError(registry, "VoucherRegistryAlreadyRedeemed")
        .withArgs(open.batchId, 7);
    });

    it("leaves nothing another redeemer can use after a redemption reverts", async function () {
      const { registry, redeemer, stranger, issuer, distributor, open } =
        await networkHelpers.loadFixture(watcherFixture);
      await ethers.provider.send("evm_setAutomine", [false]);
      const { sigR, sigVs, proof } = await open.redemptionOf(8, redeemer.address);
      const honest = await registry.connect(redeemer).redeem(open.batchId, 8, 0, sigR, sigVs, proof, normal);
      // The holder splits the card's run while the redemption is pending: its hint goes stale.
      await registry
        .connect(issuer)
        .transferLot(open.batchId, issuer.address, distributor.address, 0, 5, 0, overpaying);
      await networkHelpers.mine();
      await ethers.provider.send("evm_setAutomine", [true]);
      expect((await ethers.provider.getTransactionReceipt(honest.hash))!.status).to.equal(0);

      // Everything the failed transaction made public, with the right hint, is useless to another account.
      const failed = registry.interface.decodeFunctionData(
        "redeem",
        (await ethers.provider.getTransaction(honest.hash))!.data,
      );
      await expect(registry.connect(stranger).redeem(open.batchId, 8, 5, failed[3], failed[4], [...failed[5]]))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 8);
      // The card is still live, and its rightful redeemer can retry.
      await expect(registry.connect(redeemer).redeem(open.batchId, 8, 5, sigR, sigVs, proof))
        .to.emit(registry, "VoucherRedeemed")
        .withArgs(open.batchId, 8, redeemer.address, open.cardKeys[8], anyValue, anyValue);
    });

    it("never puts the code or the card secret in calldata, logs or storage", async function () {
      const { registry, redeemer, open, chainId, registryAddress } = await networkHelpers.loadFixture(fixture);
      const serials = [3, 4];
      const single = await open.redemptionOf(2, redeemer.address);
      const txs = [
        await registry.connect(redeemer).redeem(open.batchId, 2, 0, single.sigR, single.sigVs, single.proof),
        await registry.connect(redeemer).redeemMany(
          open.batchId,
          await Promise.all(
            serials.map(async (serial) => ({
              serial,
              hint: 0,
              ...(await open.redemptionOf(serial, redeemer.address)),
            })),
          ),
        ),
      ];
      const secrets = [2, 3, 4].flatMap((serial) => {
        const code = open.codes[serial]!;
        const secret = deriveCardSecret({ chainId, registry: registryAddress, batchId: open.batchId, serial, code });
        // The code as ASCII, and the card secret: neither may appear anywhere the chain keeps.
        return [stringToHex(code).slice(2), bytesToHex(secret).slice(2)];
      });
      for (const tx of txs) {
        const receipt = await tx.wait();
        const seen = [tx.data, ...receipt!.logs.flatMap((log) => [log.data, ...log.topics])];
        const trace = (await ethers.provider.send("debug_traceTransaction", [tx.hash])) as {
          structLogs: { op: string; stack?: string[] }[];
        };
        const stores = trace.structLogs.filter((step) => step.op === "SSTORE");
        expect(stores.length).to.be.greaterThan(0);
        for (const step of stores) seen.push(...(step.stack ?? []).slice(-2));
        const everything = seen.join("").toLowerCase();
        for (const secret of secrets) expect(everything).to.not.include(secret.toLowerCase());
      }
    });
  });

  describe("redeemMany", function () {
    const items = (
      batch: Awaited<ReturnType<typeof fixture>>["open"],
      serials: number[],
      redeemer: { address: string },
      hint = 0,
    ) =>
      Promise.all(
        serials.map(async (serial) => ({ serial, hint, ...(await batch.redemptionOf(serial, redeemer.address)) })),
      );

    it("redeems many cards in one transaction, one event and one chain link each", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const serials = [0, 5, 9, 39];
      const before = await registry.batchOf(open.batchId);
      let head = before.head as `0x${string}`;
      let seq = before.seq;
      const tx = registry.connect(redeemer).redeemMany(open.batchId, await items(open, serials, redeemer));
      for (const serial of serials) {
        seq += 1n;
        head = computeNextHead(head, {
          kind: "VoucherRedeemed",
          batchId: open.batchId,
          serial,
          redeemer: redeemer.address as Address,
          cardKey: open.cardKeys[serial]!,
          seq,
          head,
        });
        await expect(tx)
          .to.emit(registry, "VoucherRedeemed")
          .withArgs(open.batchId, serial, redeemer.address, open.cardKeys[serial], seq, head);
      }
      const after = await registry.batchOf(open.batchId);
      expect([after.seq, after.head]).to.deep.equal([seq, head]);
      for (const serial of serials) expect(await registry.isRedeemed(open.batchId, serial)).to.equal(true);
    });

    it("redeems nothing when one card fails", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      const batchItems = await items(open, [1, 2, 3], redeemer);
      batchItems[2] = { ...batchItems[2]!, ...(await open.signatureOf(3, redeemer.address, 4)) };
      await expect(registry.connect(redeemer).redeemMany(open.batchId, batchItems))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryInvalidProof")
        .withArgs(open.batchId, 3);
      expect(await registry.isRedeemed(open.batchId, 1)).to.equal(false);
    });

    it("rejects the same card twice in one call", async function () {
      const { registry, redeemer, open } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(redeemer).redeemMany(open.batchId, await items(open, [6, 6], redeemer)))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryAlreadyRedeemed")
        .withArgs(open.batchId, 6);
    });

    it("rejects an empty list, a non-redeemer and a paused registry", async function () {
      const { registry, redeemer, stranger, pauser, open } = await networkHelpers.loadFixture(fixture);
      await expect(registry.connect(redeemer).redeemMany(open.batchId, [])).to.be.revertedWithCustomError(
        registry,
        "VoucherRegistryNoRedemptions",
      );
      await expect(registry.connect(stranger).redeemMany(open.batchId, await items(open, [1], redeemer)))
        .to.be.revertedWithCustomError(registry, "VoucherRegistryNotRedeemer")
        .withArgs(open.batchId, stranger.address);
      await registry.connect(pauser).pause();
      await expect(
        registry.connect(redeemer).redeemMany(open.batchId, await items(open, [1], redeemer)),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
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
        await Promise.all(
          REDEEMED.map(async (serial) => ({
            serial,
            hint: 0,
            ...(await large.redemptionOf(serial, base.redeemer.address)),
          })),
        ),
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
