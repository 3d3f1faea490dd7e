import { expect } from "chai";
import { network } from "hardhat";

import { CHANGE_DELAY, DAY, FUND_CAP, deployEscrow, type OrderTerms } from "../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

type Fixture = Awaited<ReturnType<typeof deployEscrow>>;

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const FUND_PERIOD = 30 * DAY;
/** Fund part of the fee of the fixture's default 10-card order (1% fee, 20% of it to the fund). */
const FUND_FEE = 95_000n;

/** Opens `count` default orders, delivers and confirms them, so the fund holds `count * FUND_FEE`. */
async function fillFund(f: Fixture, count: number) {
  for (let i = 0; i < count; i += 1) {
    const order: OrderTerms = await f.orderFor();
    await f.escrow.connect(f.buyer).open(order);
    await f.escrow.connect(f.supplier).fulfill(order, i * 10, await f.lotHint(i * 10));
    await f.escrow.connect(f.buyer).confirm(order);
  }
}

describe("SettlementEscrow: changes that move money wait for everyone to see them", function () {
  async function fundedFixture() {
    const f = await deployEscrow(ethers);
    await fillFund(f, 2);
    return f;
  }

  describe("the protection fund", function () {
    it("cannot be paid to the admin in two transactions", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, admin, token } = f;
      // Naming itself arbiter of a new policy gives the admin new orders' disputes, not the fund.
      await escrow.connect(admin).setPolicy(admin.address, 100, 2_000, 14 * DAY, 10_000);
      await expect(escrow.connect(admin).payFromFund(token, admin.address, FUND_FEE, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotFundArbiter")
        .withArgs(admin.address);

      // Replacing the fund's arbiter is scheduled, in public, and takes effect only after the delay.
      const scheduledAt = (await f.now()) + 1;
      await networkHelpers.time.setNextBlockTimestamp(scheduledAt);
      await expect(escrow.connect(admin).scheduleArbiter(0, admin.address))
        .to.emit(escrow, "ArbiterChangeScheduled")
        .withArgs(0, admin.address, scheduledAt + CHANGE_DELAY);
      expect(await escrow.pendingArbiter(0)).to.deep.equal([admin.address, BigInt(scheduledAt + CHANGE_DELAY)]);
      await expect(escrow.connect(admin).payFromFund(token, admin.address, FUND_FEE, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotFundArbiter")
        .withArgs(admin.address);
      await networkHelpers.time.setNextBlockTimestamp(scheduledAt + CHANGE_DELAY - 1);
      await expect(escrow.connect(admin).applyArbiterChange(0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowChangeNotReady")
        .withArgs(scheduledAt + CHANGE_DELAY, scheduledAt + CHANGE_DELAY - 1);
      expect(await escrow.fundArbiter()).to.equal(f.arbiter.address);
    });

    it("pays out at most its cap per token per period, and the cap changes only after the delay", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, admin, arbiter, buyer, token } = f;
      expect(await escrow.fundCapOf(token)).to.deep.equal([FUND_CAP, 0n]);
      const cap = 100_000n;
      const scheduledAt = (await f.now()) + 1;
      await networkHelpers.time.setNextBlockTimestamp(scheduledAt);
      await expect(escrow.connect(admin).scheduleFundCap(token, cap))
        .to.emit(escrow, "FundCapChangeScheduled")
        .withArgs(token, cap, scheduledAt + CHANGE_DELAY);
      await expect(escrow.connect(f.stranger).applyFundCapChange(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowChangeNotReady")
        .withArgs(scheduledAt + CHANGE_DELAY, scheduledAt + 1);
      await networkHelpers.time.increaseTo(scheduledAt + CHANGE_DELAY);
      await expect(escrow.connect(f.stranger).applyFundCapChange(token))
        .to.emit(escrow, "FundCapUpdated")
        .withArgs(token, cap);
      expect(await escrow.pendingFundCap(token)).to.deep.equal([0n, 0n]);

      // Start the test at the beginning of a period so both payouts below fall in it.
      const periodStart = (Math.floor((await f.now()) / FUND_PERIOD) + 1) * FUND_PERIOD;
      await networkHelpers.time.setNextBlockTimestamp(periodStart);
      await escrow.connect(arbiter).payFromFund(token, buyer.address, 60_000n, ethers.ZeroHash);
      await expect(escrow.connect(arbiter).payFromFund(token, buyer.address, 40_001n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowFundCapExceeded")
        .withArgs(token, 40_001n, 40_000n);
      await escrow.connect(arbiter).payFromFund(token, buyer.address, 40_000n, ethers.ZeroHash);
      expect(await escrow.fundCapOf(token)).to.deep.equal([cap, cap]);

      // The next period opens a new allowance.
      await networkHelpers.time.setNextBlockTimestamp(periodStart + FUND_PERIOD);
      await escrow.connect(arbiter).payFromFund(token, buyer.address, 2n * FUND_FEE - cap, ethers.ZeroHash);
      expect(await escrow.creditOf(buyer.address, token)).to.equal(2n * FUND_FEE);
      expect((await escrow.poolOf(token))[0]).to.equal(0n);
    });

    it("pays nothing from a fund whose cap is 0, the state of every token governance never capped", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, admin, arbiter, buyer, token } = f;
      await escrow.connect(admin).scheduleFundCap(token, 0n);
      await networkHelpers.time.increase(CHANGE_DELAY);
      await escrow.applyFundCapChange(token);
      await expect(escrow.connect(arbiter).payFromFund(token, buyer.address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowFundCapExceeded")
        .withArgs(token, 1n, 0n);
      const other = await ethers.deployContract("MockStablecoin", ["Other USD", "oUSD"]);
      expect(await escrow.fundCapOf(await other.getAddress())).to.deep.equal([0n, 0n]);
    });
  });

  describe("arbiter replacement", function () {
    it("replaces an order's arbiter only after the delay, applied by anyone", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, admin, arbiter, newArbiter, stranger } = f;
      const order = await f.orderFor();
      await escrow.connect(f.buyer).open(order);
      const orderId = await f.orderIdOf(order);
      await escrow.connect(f.supplier).fulfill(order, 100, await f.lotHint(100));
      await escrow.connect(f.buyer).dispute(order, ethers.ZeroHash);

      const readyAt = (await f.now()) + 1 + CHANGE_DELAY;
      await expect(escrow.connect(admin).scheduleArbiter(1, newArbiter.address))
        .to.emit(escrow, "ArbiterChangeScheduled")
        .withArgs(1, newArbiter.address, readyAt);
      await expect(escrow.connect(newArbiter).resolve(order, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotArbiter")
        .withArgs(orderId, newArbiter.address);

      await networkHelpers.time.increaseTo(readyAt);
      await expect(escrow.connect(stranger).applyArbiterChange(1))
        .to.emit(escrow, "ArbiterReplaced")
        .withArgs(1, arbiter.address, newArbiter.address);
      expect((await escrow.policyOf(1)).arbiter).to.equal(newArbiter.address);
      expect((await escrow.currentPolicy())[1].arbiter).to.equal(newArbiter.address);
      // The fund's arbiter is a separate seat.
      expect(await escrow.fundArbiter()).to.equal(arbiter.address);
      await expect(escrow.connect(arbiter).resolve(order, 0))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNotArbiter")
        .withArgs(orderId, arbiter.address);
      await expect(escrow.connect(newArbiter).resolve(order, 0)).to.emit(escrow, "OrderResolved");
      await expect(escrow.connect(stranger).applyArbiterChange(1))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNoArbiterChange")
        .withArgs(1);
    });

    it("lets only the admin schedule or withdraw a change, for a policy that exists", async function () {
      const f = await networkHelpers.loadFixture(fundedFixture);
      const { escrow, admin, newArbiter, stranger, token } = f;
      for (const send of [
        () => escrow.connect(stranger).scheduleArbiter(1, stranger.address),
        () => escrow.connect(stranger).cancelArbiterChange(1),
        () => escrow.connect(stranger).scheduleFundCap(token, 1n),
        () => escrow.connect(stranger).cancelFundCapChange(token),
      ]) {
        await expect(send())
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      }
      await expect(escrow.connect(admin).scheduleArbiter(2, newArbiter.address))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowUnknownPolicy")
        .withArgs(2);
      await expect(escrow.connect(admin).scheduleArbiter(1, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowInvalidArbiter")
        .withArgs(ethers.ZeroAddress);

      await escrow.connect(admin).scheduleArbiter(1, newArbiter.address);
      await expect(escrow.connect(admin).cancelArbiterChange(1)).to.emit(escrow, "ArbiterChangeCancelled").withArgs(1);
      await escrow.connect(admin).scheduleFundCap(token, 0n);
      await expect(escrow.connect(admin).cancelFundCapChange(token))
        .to.emit(escrow, "FundCapChangeCancelled")
        .withArgs(token);
      await networkHelpers.time.increase(CHANGE_DELAY);
      await expect(escrow.applyArbiterChange(1))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNoArbiterChange")
        .withArgs(1);
      await expect(escrow.applyFundCapChange(token))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNoFundCapChange")
        .withArgs(token);
      await expect(escrow.connect(admin).cancelArbiterChange(1))
        .to.be.revertedWithCustomError(escrow, "SettlementEscrowNoArbiterChange")
        .withArgs(1);
      expect((await escrow.policyOf(1)).arbiter).to.equal(f.arbiter.address);
      expect(await escrow.fundCapOf(token)).to.deep.equal([FUND_CAP, 0n]);
    });
  });
});
