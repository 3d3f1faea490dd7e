import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress } from "viem";

import { issueCliBatch } from "../../helpers/cliBatch.js";
import { HARDHAT_KEYS, startCliChain, type CliChain } from "../../helpers/cliHarness.js";

/** Signed by Hardhat account `index`: 0 admin and arbiter, 1 supplier (issuer), 2 buyer, 3 a buyer without money. */
const as = (index: 0 | 1 | 2 | 3) => ({ env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[index] } });

type Opened = { orderId: string; amount: string };

describe("cardproof order and token", function () {
  let chain: CliChain;
  let id: string;
  let supplier: string;
  let buyer: string;

  /** `cardproof … --json` as account `index`, expected to succeed. */
  async function ok<T = Record<string, unknown>>(index: 0 | 1 | 2 | 3, args: string[]): Promise<T> {
    const run = await chain.cardproof([...args, "--json"], as(index));
    expect(run.code, `cardproof ${args.join(" ")}: ${run.stderr}`).to.equal(0);
    return run.json<T>();
  }

  const open = (extra: string[] = []) =>
    ok<Opened>(2, ["order", "open", "--supplier", supplier, "--batch-id", id, ...extra]);

  before(async function () {
    chain = await startCliChain();
    supplier = getAddress(chain.accounts[1]!);
    buyer = getAddress(chain.accounts[2]!);
    await ok(0, ["deploy"]);
    await ok(0, ["issuer", "register", supplier, "--name", "Acme Game Cards"]);
    id = String((await issueCliBatch(chain, { number: 1, count: 300 })).batchId);
  });

  after(async function () {
    await chain.close();
  });

  it("mints test stablecoins and shows an account's balance", async function () {
    expect(await ok(0, ["token", "mint", "--to", buyer, "--amount", "1000"])).to.deep.include({
      to: buyer,
      amount: "1000000000",
      symbol: "tUSD",
    });
    expect(await ok(0, ["token", "balance", buyer])).to.deep.include({ balanceText: "1000 tUSD", escrowCredit: "0" });
  });

  it("opens, delivers, confirms and pays out an order, moving the lot and the money", async function () {
    const opened = await open(["--quantity", "100", "--unit-price", "0.5", "--ref", "PO-1"]);
    expect(opened.orderId).to.match(/^0x[0-9a-f]{64}$/);
    expect(opened).to.deep.include({ amount: "50000000", quantity: 100, buyer, supplier });
    expect(await ok(0, ["token", "balance", buyer])).to.deep.include({ balanceText: "950 tUSD" });

    const fulfill = await chain.cardproof(["order", "fulfill", opened.orderId, "--start", "0"], as(1));
    expect(fulfill.code, fulfill.stderr).to.equal(0);
    expect(fulfill.stderr).to.contain(`approving the escrow as your operator for batch ${id}`);
    expect(fulfill.stdout).to.contain(`delivered cards 0-99 of batch ${id} to ${buyer} for order ${opened.orderId}`);
    expect(await ok(0, ["status", `${id}/99`])).to.deep.include({ holder: buyer });

    expect(await ok(2, ["order", "confirm", opened.orderId])).to.deep.include({
      status: "Released",
      supplierAmount: "49500000", // 50 tUSD less the 1% fee
      platformFee: "400000",
      fundFee: "100000",
    });
    expect(await ok(1, ["order", "withdraw"])).to.deep.include({ amount: "49500000", amountText: "49.5 tUSD" });
    expect(await ok(0, ["token", "balance", supplier])).to.deep.include({ balance: "49500000", escrowCredit: "0" });

    const shown = await ok<Record<string, unknown>>(0, ["order", "show", opened.orderId]);
    expect(shown).to.deep.include({ status: "Released", buyerRefText: "PO-1", amountText: "50 tUSD" });
    expect(shown.lot).to.deep.equal({ start: 0, end: 100, serials: "0-99" });
    const human = await chain.cardproof(["order", "show", opened.orderId]);
    expect(human.stdout.split("\n")[0]).to.equal(`order ${opened.orderId}: Released`);
    expect(human.stdout).to.contain('(ref "PO-1")').and.contain("delivered cards 0-99");
  });

  it("says what the buyer holds and needs before sending anything", async function () {
    const args = ["order", "open", "--supplier", supplier, "--batch-id", id, "--quantity", "10", "--unit-price", "1"];
    const [poor, noApproval] = await Promise.all([
      chain.cardproof(args, as(3)),
      chain.cardproof([...args, "--no-approve"], as(2)),
    ]);
    expect(poor.code).to.equal(1);
    expect(poor.stderr).to.contain(
      `${getAddress(chain.accounts[3]!)} holds 0 tUSD, needs 10 tUSD for 10 cards at 1 tUSD`,
    );
    expect(poor.stderr).to.contain("cardproof token mint --to");
    expect(noApproval.code).to.equal(1);
    expect(noApproval.stderr).to.contain("the escrow may take only 0 tUSD of your tUSD, the order needs 10 tUSD");
  });

  it("lets the buyer dispute a delivery and the arbiter split the amount", async function () {
    const { orderId } = await open(["--quantity", "50", "--unit-price", "0.5"]);
    const fulfill = await chain.cardproof(["order", "fulfill", orderId, "--start", "100"], as(1));
    expect(fulfill.code, fulfill.stderr).to.equal(0);
    expect(fulfill.stderr).not.to.contain("approving the escrow");

    const disputed = await ok(2, ["order", "dispute", orderId, "--reason", "cards 120-129 were already used"]);
    expect(disputed).to.deep.include({ status: "Disputed" });
    // A refund needs the cards back: the buyer returns 20 of them (10 tUSD worth) through the escrow.
    const returned = await chain.cardproof(["order", "return", orderId, "--start", "130"], as(2));
    expect(returned.code, returned.stderr).to.equal(0);
    expect(returned.stderr).to.contain(`approving the escrow as your operator for batch ${id}`);
    expect(returned.stdout).to.contain(`returned cards 130-149 of batch ${id} to ${supplier}`);
    expect(await ok(0, ["status", `${id}/130`])).to.deep.include({ holder: supplier });
    const twice = await chain.cardproof(["order", "return", orderId, "--start", "120", "--end", "130"], as(2));
    expect(twice.code).to.equal(2);
    expect(twice.stderr).to.contain("are not a part of the delivered lot still to return, [150, 150)");
    const notArbiter = await chain.cardproof(["order", "resolve", orderId, "--buyer-share-bps", "2500"], as(2));
    expect(notArbiter.code).to.equal(1);
    expect(notArbiter.stderr).to.contain(`is not the arbiter of order ${orderId}`);
    expect(await ok(0, ["order", "resolve", orderId, "--buyer-share-bps", "2500"])).to.deep.include({
      status: "Resolved",
      buyerAmount: "6250000", // 25% of 25 tUSD
      supplierAmount: "18562500", // the rest, less the 1% fee
    });
    expect(await ok(0, ["order", "show", orderId])).to.deep.include({
      status: "Resolved",
      returned: 20,
      credits: { buyer: "6250000", supplier: "18562500" },
    });
  });

  it("ends a dispute nobody rules on by the policy's rule, refunding only the cards that came back", async function () {
    const { orderId } = await open(["--quantity", "10", "--unit-price", "1", "--min-validity", "30d"]);
    expect(await ok(0, ["order", "show", orderId])).to.deep.include({ minValidity: 2_592_000, acceptActivated: false });
    expect((await chain.cardproof(["order", "fulfill", orderId, "--start", "200"], as(1))).code).to.equal(0);
    await ok(2, ["order", "dispute", orderId, "--reason", "half of them do not work"]);
    expect(await ok(2, ["order", "return", orderId, "--start", "200", "--end", "204"])).to.deep.include({
      returned: 4,
    });
    const early = await chain.cardproof(["order", "end-dispute", orderId], as(3));
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain(`the arbiter may still rule on order ${orderId} until`);

    await chain.provider.request({ method: "evm_increaseTime", params: [14 * 86_400] });
    await chain.provider.request({ method: "evm_mine", params: [] });
    const shown = await chain.cardproof(["order", "show", orderId]);
    expect(shown.stdout).to.contain(
      `anyone ends it by the policy's rule with \`cardproof order end-dispute ${orderId}\``,
    );
    // Policy 1's rule refunds the buyer in full, capped by the 4 cards it returned.
    expect(await ok(3, ["order", "end-dispute", orderId])).to.deep.include({
      status: "Resolved",
      buyerAmount: "4000000",
      supplierAmount: "5940000", // 6 tUSD less the 1% fee
    });
  });

  it("refunds an order the supplier did not deliver by its deadline", async function () {
    const { orderId, amount } = await open(["--quantity", "10", "--unit-price", "2", "--deadline", "+1h"]);
    const [early, undelivered] = await Promise.all([
      chain.cardproof(["order", "cancel", orderId], as(2)),
      chain.cardproof(["order", "confirm", orderId], as(2)),
    ]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain(`order ${orderId} can be delivered until`);
    expect(undelivered.code).to.equal(1);
    expect(undelivered.stderr).to.contain(
      `order ${orderId} is Open: only Fulfilled or Disputed orders can be confirmed`,
    );
    expect(undelivered.stderr).to.contain("next: the supplier delivers with `cardproof order fulfill");

    await chain.provider.request({ method: "evm_increaseTime", params: [7_200] });
    await chain.provider.request({ method: "evm_mine", params: [] });
    const [late, shown] = await Promise.all([
      chain.cardproof(["order", "fulfill", orderId, "--start", "150"], as(1)),
      chain.cardproof(["order", "show", orderId]),
    ]);
    expect(late.code).to.equal(1);
    expect(late.stderr).to.contain(`order ${orderId}'s delivery deadline passed`);
    expect(shown.stdout).to.contain(`anyone can refund the buyer with \`cardproof order refund ${orderId}\``);

    expect(await ok(3, ["order", "refund", orderId])).to.deep.include({ status: "Refunded", buyerAmount: amount });
    const credit = (await ok<{ escrowCredit: string }>(0, ["token", "balance", buyer])).escrowCredit;
    expect(BigInt(credit)).to.equal(BigInt(amount) + 6_250_000n + 4_000_000n);
    // A payee can have its credit paid to another address (a token that blocklists it, say).
    const other = getAddress(chain.accounts[3]!);
    expect(await ok(2, ["order", "withdraw", "--to", other])).to.deep.include({ amount: credit, to: other });
    expect(await ok(0, ["token", "balance", other])).to.deep.include({ balance: credit });
  });

  it("explains unknown and malformed order ids, and a deployment without a test stablecoin", async function () {
    const deployment = JSON.parse(await readFile(join(chain.workdir, ".cardproof/deployment.json"), "utf8"));
    delete deployment.testStablecoin;
    await writeFile(join(chain.workdir, "no-stablecoin.json"), JSON.stringify(deployment));
    const unknownId = `0x${"ab".repeat(32)}`;
    const [unknown, malformed, noToken, nothing] = await Promise.all([
      chain.cardproof(["order", "show", unknownId]),
      chain.cardproof(["order", "confirm", "0x1234"]),
      chain.cardproof(["token", "mint", "--amount", "5", "--deployment", "no-stablecoin.json"]),
      chain.cardproof(["order", "withdraw"], as(3)),
    ]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain(`order ${unknownId} does not exist on the escrow`);
    expect(malformed.code).to.equal(2);
    expect(malformed.stderr).to.contain("the order id must be 0x followed by 64 hex digits");
    expect(noToken.code).to.equal(1);
    expect(noToken.stderr).to.contain("this deployment has no test stablecoin");
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr).to.contain("has no tUSD credit in the escrow");
  });

  it("refuses an order the supplier holds no cards for, unless --without-stock says it will have them", async function () {
    const stranger = getAddress(chain.accounts[3]!);
    const before = Number(await chain.provider.request({ method: "eth_blockNumber" }));
    const args = ["order", "open", "--supplier", stranger, "--batch-id", id, "--quantity", "5", "--unit-price", "1"];
    const refused = await chain.cardproof(args, as(2));
    expect(refused.code).to.equal(1);
    expect(refused.stderr)
      .to.include(`${stranger} holds 0 deliverable cards of batch ${id}, fewer than the 5 ordered`)
      .and.include("would stay locked in the escrow until")
      .and.include("--without-stock");
    expect(Number(await chain.provider.request({ method: "eth_blockNumber" }))).to.equal(before);

    const opened = await ok<Opened>(2, [...args, "--without-stock"]);
    expect(opened.orderId).to.match(/^0x[0-9a-f]{64}$/);
  });
});
