import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { HARDHAT_KEYS, startCliChain, type CliChain } from "../../helpers/cliHarness.js";

describe("cardproof deploy and issuer register", function () {
  let chain: CliChain;

  before(async function () {
    chain = await startCliChain();
  });

  after(async function () {
    await chain.close();
  });

  it("deploys both contracts with a test stablecoin and writes the deployment file", async function () {
    const run = await chain.cardproof(["deploy", "--json"], { env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] } });
    expect(run.code, run.stderr).to.equal(0);
    const result = run.json<{ registry: string; escrow: string; testStablecoin: string; deployBlock: string }>();
    const file = JSON.parse(await readFile(join(chain.workdir, ".cardproof/deployment.json"), "utf8"));
    expect(file).to.include({ version: 1, chainId: "31337", registry: result.registry, escrow: result.escrow });
    expect(file.deployer.toLowerCase()).to.equal(chain.accounts[0]!.toLowerCase());
    expect(file.testStablecoin).to.equal(result.testStablecoin);
    expect(BigInt(result.deployBlock) > 0n).to.equal(true);
  });

  it("refuses to replace a live deployment without --force", async function () {
    const run = await chain.cardproof(["deploy"], { env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] } });
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(/already names a live deployment/)
      .and.match(/--force/);
  });

  it("registers an issuer under its display name", async function () {
    const supplier = chain.accounts[1]!;
    const run = await chain.cardproof([
      "issuer",
      "register",
      supplier,
      "--name",
      "Acme Game Cards",
      "--json",
      "--account-index",
      "0",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.include({ issuerId: 1, name: "Acme Game Cards" });
  });

  it("moves an issuer to a new key, and the old key can no longer act for it", async function () {
    const [, supplier, , , , , , , newKey] = chain.accounts;
    const run = await chain.cardproof(["issuer", "rotate", "1", "--to", newKey!, "--json", "--account-index", "0"]);
    expect(run.code, run.stderr).to.equal(0);
    const moved = run.json<{ issuerId: number; previousAccount: string; newAccount: string }>();
    expect(moved.issuerId).to.equal(1);
    expect(moved.previousAccount.toLowerCase()).to.equal(supplier!.toLowerCase());
    expect(moved.newAccount.toLowerCase()).to.equal(newKey!.toLowerCase());
    // Rotating to an account that already is an issuer is refused in plain words.
    const again = await chain.cardproof(["issuer", "rotate", "1", "--to", newKey!, "--account-index", "0"]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/could not move issuer #1/);
    // Back to the supplier's key, so later tests keep their issuer.
    const back = await chain.cardproof(["issuer", "rotate", "1", "--to", supplier!, "--account-index", "0"]);
    expect(back.code, back.stderr).to.equal(0);
  });

  it("never renames an issuer or reuses another's name by accident", async function () {
    const admin = ["--account-index", "0"];
    const supplier = chain.accounts[1]!;
    const blockNumber = async () => Number(await chain.provider.request({ method: "eth_blockNumber" }));
    const before = await blockNumber();

    const same = await chain.cardproof(["issuer", "register", supplier, "--name", "Acme Game Cards", ...admin]);
    expect(same.code, same.stderr).to.equal(0);
    expect(same.stdout).to.match(/is issuer #1 "Acme Game Cards" already: nothing to do/);
    const rename = await chain.cardproof(["issuer", "register", supplier, "--name", "Acme Cards Ltd", ...admin]);
    expect(rename.code).to.equal(1);
    expect(rename.stderr)
      .to.include('is issuer #1 "Acme Game Cards" already: registering it again renames it to "Acme Cards Ltd"')
      .and.include("--rename");
    const namesake = await chain.cardproof([
      "issuer",
      "register",
      chain.accounts[4]!,
      "--name",
      "ACME game cards",
      ...admin,
    ]);
    expect(namesake.code).to.equal(1);
    expect(namesake.stderr).to.include("issuer #1 (").and.include('already goes by "Acme Game Cards"');
    expect(await blockNumber(), "nothing was sent").to.equal(before);

    const renamed = await chain.cardproof([
      "issuer",
      "register",
      supplier,
      "--name",
      "Acme Cards Ltd",
      "--rename",
      ...admin,
    ]);
    expect(renamed.code, renamed.stderr).to.equal(0);
    expect(renamed.stdout).to.include('renamed issuer #1 to "Acme Cards Ltd"');
    const allowed = await chain.cardproof([
      "issuer",
      "register",
      chain.accounts[4]!,
      "--name",
      "Acme Cards Ltd",
      "--allow-duplicate-name",
      ...admin,
    ]);
    expect(allowed.code, allowed.stderr).to.equal(0);
    // Back to the name later tests expect.
    const back = await chain.cardproof([
      "issuer",
      "register",
      supplier,
      "--name",
      "Acme Game Cards",
      "--rename",
      ...admin,
    ]);
    expect(back.code, back.stderr).to.equal(0);
  });

  it("explains a call the contract refuses, with the reason and what to do", async function () {
    // Account 2 is not the registry admin.
    const run = await chain.cardproof(["issuer", "register", chain.accounts[3]!, "--name", "Mallory"], {
      env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[2] },
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/could not register .* as an issuer: .* lacks the admin role/);
    expect(run.stderr).to.match(/sign with the admin's key/);
  });

  it("says the chain is unreachable and how to start one", async function () {
    const run = await chain.cardproof(["issuer", "register", chain.accounts[1]!, "--name", "X"], {
      env: { CARDPROOF_RPC_URL: "http://127.0.0.1:9" },
    });
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(/cannot reach the chain at http:\/\/127\.0\.0\.1:9/)
      .and.match(/npm start/);
  });

  it("rejects an unknown option with exit code 2 and points to the help", async function () {
    const run = await chain.cardproof(["deploy", "--fee", "1"]);
    expect(run.code).to.equal(2);
    expect(run.stderr)
      .to.match(/--fee/)
      .and.match(/cardproof deploy --help/);
  });

  it("rejects a malformed private key without echoing it", async function () {
    const run = await chain.cardproof(["issuer", "register", chain.accounts[1]!, "--name", "X"], {
      env: { CARDPROOF_PRIVATE_KEY: "0xnotakey-secret" },
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/CARDPROOF_PRIVATE_KEY from the environment is not a private key/);
    expect(run.stderr).not.to.contain("notakey-secret");
  });
});
