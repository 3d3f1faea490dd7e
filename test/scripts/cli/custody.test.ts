import { expect } from "chai";
import { getAddress } from "viem";

import { issueCliBatch, type CliBatch } from "../../helpers/cliBatch.js";
import { HARDHAT_KEYS, startCliChain, type CliChain } from "../../helpers/cliHarness.js";

/** Runs signed by Hardhat account `index`: 0 admin, 1 issuer, 2 distributor, 3 retailer, 4 redeemer. */
const as = (index: 0 | 1 | 2 | 3 | 4) => ({ env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[index] } });

describe("cardproof lot, batch redeemer and status (custody)", function () {
  let chain: CliChain;
  let batch: CliBatch;
  let id: string;
  let issuer: string;
  let distributor: string;
  let retailer: string;
  let redeemer: string;

  before(async function () {
    chain = await startCliChain();
    [, issuer, distributor, retailer, redeemer] = chain.accounts.map((account) => getAddress(account)) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const deploy = await chain.cardproof(["deploy", "--quiet"], as(0));
    expect(deploy.code, deploy.stderr).to.equal(0);
    const register = await chain.cardproof(["issuer", "register", issuer, "--name", "Acme Game Cards"], as(0));
    expect(register.code, register.stderr).to.equal(0);
    batch = await issueCliBatch(chain, { number: 1, count: 200, activationRequired: true });
    id = String(batch.batchId);
  });

  after(async function () {
    await chain.close();
  });

  it("transfers a lot out of the issuer's stock and status shows the new holder", async function () {
    const run = await chain.cardproof(["lot", "transfer", id, "0-99", "--to", distributor, "--json"], as(1));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.include({
      batchId: id,
      serials: "0-99",
      start: 0,
      end: 100,
      count: 100,
      from: issuer,
      to: distributor,
    });

    const status = await chain.cardproof(["status", `${id}/50`, "--json"]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.json()).to.deep.include({ status: "Inactive", holder: distributor, activated: false });
    expect(status.json<{ run: unknown }>().run).to.deep.equal({ start: 0, end: 100, lot: "0-99" });
  });

  it("names the holder when the signer does not hold the lot", async function () {
    const [notHeld, notOperator] = await Promise.all([
      chain.cardproof(["lot", "transfer", id, "100-149", "--to", retailer], as(2)),
      chain.cardproof(["lot", "transfer", id, "0-9", "--to", retailer, "--from", distributor], as(3)),
    ]);
    expect(notHeld.code).to.equal(1);
    expect(notHeld.stderr).to.contain(`cards 100-149 of batch ${id} are held by ${issuer}, not by ${distributor}`);
    expect(notHeld.stderr).to.match(/sign with the holder's key/);
    expect(notOperator.code).to.equal(1);
    expect(notOperator.stderr).to.match(
      new RegExp(`${retailer} neither holds these cards .* nor operates for their holder ${distributor}`),
    );
  });

  it("refuses a range with two holders and says where to split it", async function () {
    const run = await chain.cardproof(["lot", "transfer", id, "90-109", "--to", retailer], as(2));
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(
      `cards 90-109 of batch ${id} have more than one holder: cards 90-99 are held by ${distributor}, cards from 100 by ${issuer}`,
    );
    expect(run.stderr).to.contain("split the range at 100");
  });

  it("passes on as one lot two lots bought separately (runs merge, a lot spans runs)", async function () {
    for (const serials of ["120-129", "130-139"]) {
      const bought = await chain.cardproof(["lot", "transfer", id, serials, "--to", distributor], as(1));
      expect(bought.code, bought.stderr).to.equal(0);
    }
    const merged = await chain.cardproof(["status", `${id}/125`, "--json"]);
    expect(merged.json<{ run: unknown }>().run).to.deep.equal({ start: 120, end: 140, lot: "120-139" });
    const resold = await chain.cardproof(["lot", "transfer", id, "115-139", "--to", retailer], as(2));
    expect(resold.code).to.equal(1);
    const whole = await chain.cardproof(["lot", "transfer", id, "120-139", "--to", retailer, "--json"], as(2));
    expect(whole.code, whole.stderr).to.equal(0);
    expect(whole.json()).to.deep.include({ serials: "120-139", count: 20, to: retailer });
    const status = await chain.cardproof(["status", `${id}/139`, "--json"]);
    expect(status.json<{ run: unknown }>().run).to.deep.equal({ start: 120, end: 140, lot: "120-139" });
  });

  it("activates a lot at the point of sale, once", async function () {
    const transfer = await chain.cardproof(["lot", "transfer", id, "0-9", "--to", retailer], as(2));
    expect(transfer.code, transfer.stderr).to.equal(0);
    expect(transfer.stdout).to.match(/transferred 10 cards \(0-9\) of batch \d+ to 0x/);
    const activate = await chain.cardproof(["lot", "activate", id, "0-9", "--json"], as(3));
    expect(activate.code, activate.stderr).to.equal(0);
    expect(activate.json()).to.deep.include({ serials: "0-9", count: 10, holder: retailer });

    const [active, inactive, again] = await Promise.all([
      chain.cardproof(["status", `${id}/5`]),
      chain.cardproof(["status", `${id}/20`, "--json"]),
      chain.cardproof(["lot", "activate", id, "3-5"], as(3)),
    ]);
    expect(active.code, active.stderr).to.equal(0);
    expect(active.stdout.split("\n")[0]).to.equal(`Active — genuine, unused, held by ${retailer}`);
    expect(active.stdout).to.contain('issuer #1 "Acme Game Cards"').and.contain("10.00 USD");
    expect(inactive.json()).to.deep.include({ status: "Inactive", holder: distributor });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain(`cards 3-5 of batch ${id} are already activated`);
  });

  it("revokes a lot with a named reason that status and later commands show", async function () {
    const [notIssuer, badReason] = await Promise.all([
      chain.cardproof(["lot", "revoke", id, "150-159", "--reason", "stolen"], as(2)),
      chain.cardproof(["lot", "revoke", id, "150-159", "--reason", "misplaced"], as(1)),
    ]);
    expect(notIssuer.code).to.equal(1);
    expect(notIssuer.stderr).to.contain(`only batch ${id}'s issuer ${issuer} can revoke its cards`);
    expect(badReason.code).to.equal(2);
    expect(badReason.stderr).to.match(/stolen, lost, damaged, fraud, recalled, other/);

    const revoke = await chain.cardproof(["lot", "revoke", id, "150-159", "--reason", "stolen", "--json"], as(1));
    expect(revoke.code, revoke.stderr).to.equal(0);
    expect(revoke.json()).to.deep.include({ serials: "150-159", reason: 1, reasonName: "stolen", holder: issuer });

    const [human, json, move] = await Promise.all([
      chain.cardproof(["status", `${id}/155`]),
      chain.cardproof(["status", `${id}/155`, "--json"]),
      chain.cardproof(["lot", "transfer", id, "150-159", "--to", retailer], as(1)),
    ]);
    expect(human.stdout.split("\n")[0]).to.equal("Revoked — frozen by its issuer (stolen): do not accept it");
    expect(json.json()).to.deep.include({
      status: "Revoked",
      revoked: true,
      revokeReason: 1,
      revokeReasonName: "stolen",
    });
    expect(move.code).to.equal(1);
    expect(move.stderr).to.contain(`cards 150-159 of batch ${id} are revoked (stolen): they can no longer move`);
  });

  it("names and removes a redeemer, and sends nothing when nothing changes", async function () {
    const add = await chain.cardproof(["batch", "redeemer", id, "--add", redeemer, "--json"], as(1));
    expect(add.code, add.stderr).to.equal(0);
    expect(add.json()).to.deep.include({ redeemer, allowed: true, changed: true });
    const [again, notIssuer] = await Promise.all([
      chain.cardproof(["batch", "redeemer", id, "--add", redeemer], as(1)),
      chain.cardproof(["batch", "redeemer", id, "--remove", redeemer], as(2)),
    ]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain(`${redeemer} is already a redeemer of batch ${id}: nothing to do`);
    expect(notIssuer.code).to.equal(1);
    expect(notIssuer.stderr).to.contain(`only batch ${id}'s issuer ${issuer} names its redeemers`);
    const remove = await chain.cardproof(["batch", "redeemer", id, "--remove", redeemer, "--json"], as(1));
    expect(remove.json()).to.deep.include({ allowed: false, changed: true });
  });

  it("rejects malformed lots and batch ids with exit code 2", async function () {
    const [backwards, missing, pastEnd] = await Promise.all([
      chain.cardproof(["lot", "activate", id, "9-3"], as(3)),
      chain.cardproof(["lot", "transfer", id, "0-9"], as(3)),
      chain.cardproof(["lot", "activate", id, "190-209"], as(1)),
    ]);
    expect(backwards.code).to.equal(2);
    expect(backwards.stderr).to.contain("ends before it starts");
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("missing --to");
    expect(pastEnd.code).to.equal(2);
    expect(pastEnd.stderr).to.contain(`batch ${id} has 200 cards (serials 0-199): 190-209 runs past its end`);
  });

  it("revokes a range across custody runs of different holders in one command", async function () {
    const before = await Promise.all(
      [97, 102].map(async (serial) =>
        (await chain.cardproof(["status", `${id}/${serial}`, "--json"])).json<{ holder: string }>(),
      ),
    );
    expect(before[0]!.holder, "the range crosses a holder boundary").to.not.equal(before[1]!.holder);
    const revoke = await chain.cardproof(["lot", "revoke", id, "97-102", "--reason", "lost", "--json"], as(1));
    expect(revoke.code, revoke.stderr).to.equal(0);
    for (const serial of [97, 100, 102]) {
      const status = await chain.cardproof(["status", `${id}/${serial}`, "--json"]);
      expect(status.json(), String(serial)).to.deep.include({ status: "Revoked", revokeReasonName: "lost" });
    }
    const outside = await chain.cardproof(["status", `${id}/103`, "--json"]);
    expect(outside.json<{ revoked: boolean }>().revoked).to.equal(false);
  });
});
