import { expect } from "chai";
import { getAddress, type Address } from "viem";

import { HARDHAT_KEYS, startCliChain, type CliChain } from "../../helpers/cliHarness.js";

/** Write commands say who signs before they act, and never pick the node's admin account by themselves. */
describe("cardproof: the signer of write commands", function () {
  let chain: CliChain;

  before(async function () {
    chain = await startCliChain();
    const deployed = await chain.cardproof(["deploy", "--account-index", "0"]);
    expect(deployed.code, deployed.stderr).to.equal(0);
  });

  after(async function () {
    await chain.close();
  });

  const blockNumber = async () => Number(await chain.provider.request({ method: "eth_blockNumber" }));

  it("refuses to sign without a key or --account-index, sending nothing, and says how to choose", async function () {
    const before = await blockNumber();
    const run = await chain.cardproof(["issuer", "register", chain.accounts[1]!, "--name", "Acme Game Cards"]);
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.include("no signer chosen: write commands never sign as the node's account 0 by default")
      .and.include("CARDPROOF_PRIVATE_KEY")
      .and.include("--account-index N signs with its unlocked account N (0 to 19)");
    expect(await blockNumber()).to.equal(before);
  });

  it("prints the signer's address, where its key came from and its roles before writing", async function () {
    const admin = getAddress(chain.accounts[0]!);
    const issuer: Address = getAddress(chain.accounts[1]!);
    const register = await chain.cardproof([
      "issuer",
      "register",
      issuer,
      "--name",
      "Acme Game Cards",
      "--account-index",
      "0",
    ]);
    expect(register.code, register.stderr).to.equal(0);
    expect(register.stderr).to.include(`signing as ${admin} (the node's unlocked account; registry admin)`);

    const mint = await chain.cardproof(["batch", "mint", "--count", "5", "--face-value", "1", "--currency", "USD"], {
      env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[1], CARDPROOF_CODES_PASSPHRASE: "correct horse battery staple" },
    });
    expect(mint.code, mint.stderr).to.equal(0);
    expect(mint.stderr).to.include(`signing as ${issuer} (key from CARDPROOF_PRIVATE_KEY; issuer #1)`);

    const stranger = getAddress(chain.accounts[3]!);
    const refused = await chain.cardproof([
      "issuer",
      "register",
      chain.accounts[4]!,
      "--name",
      "X",
      "--account-index",
      "3",
    ]);
    expect(refused.stderr).to.include(`signing as ${stranger} (the node's unlocked account; no role on the registry)`);
  });
});
