import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress, hexToNumber, type Address, type Hex } from "viem";

import { cardUrl, encodeCardPayload } from "../../../scripts/lib/cardPayload.js";
import { computeDecimalCheck } from "../../../scripts/lib/decimalCheckDigits.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { issueCliBatch, type CliBatch } from "../../helpers/cliBatch.js";
import { HARDHAT_KEYS, startCliChain, type CliChain } from "../../helpers/cliHarness.js";

const asAdmin = { env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] } };

describe("cardproof status", function () {
  let chain: CliChain;
  let batch: CliBatch;
  let id: string;
  let issuer: Address;
  let registry: Address;

  const payloadOf = (serial: number, registryAddress: Address = registry) =>
    encodeCardPayload({
      chainId: 31_337n,
      registry: registryAddress,
      batchId: batch.batchId,
      serial,
      cardKey: batch.cardKeys[serial]!,
    });

  before(async function () {
    chain = await startCliChain();
    issuer = getAddress(chain.accounts[1]!);
    expect((await chain.cardproof(["deploy", "-q"], asAdmin)).code).to.equal(0);
    expect((await chain.cardproof(["issuer", "register", issuer, "--name", "Acme Game Cards"], asAdmin)).code).to.equal(
      0,
    );
    registry = JSON.parse(await readFile(join(chain.workdir, ".cardproof/deployment.json"), "utf8")).registry;
    batch = await issueCliBatch(chain, { number: 1, count: 25, faceValue: 5_000n, currency: "JPY" });
    id = String(batch.batchId);
  });

  after(async function () {
    await chain.close();
  });

  it("reads a card by its link, its QR digits or batch-id/serial, verdict first", async function () {
    const link = cardUrl("https://verify.cardproof.example/", payloadOf(7));
    const [byLink, byPayload, byPair] = await Promise.all([
      chain.cardproof(["status", link]),
      chain.cardproof(["status", payloadOf(7)]),
      chain.cardproof(["status", `${id}/7`]),
    ]);
    for (const run of [byLink, byPayload, byPair]) {
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.equal(byPair.stdout);
    }
    const lines = byPair.stdout.split("\n");
    expect(lines[0]).to.equal(`Active — genuine, unused, held by ${issuer}`);
    expect(lines[1]).to.equal(`  card 7 of batch ${id} (of 25), 5,000 JPY`);
    expect(lines[2]).to.equal(`  issuer #1 "Acme Game Cards" (${issuer})`);
    expect(byPair.stdout).to.contain("expires never");
  });

  it("gives every field with --json", async function () {
    const run = await chain.cardproof(["status", `${id}/24`, "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.equal({
      batchId: id,
      serial: 24,
      status: "Active",
      verdict: `Active — genuine, unused, held by ${issuer}`,
      holder: issuer,
      run: { start: 0, end: 25, lot: "0-24" },
      redeemed: false,
      activationRequired: false,
      activated: false,
      revoked: false,
      revokeReason: 0,
      revokeReasonName: null,
      redemption: null,
      batch: {
        count: 25,
        faceValue: "5000",
        currency: "JPY",
        faceValueText: "5,000 JPY",
        expiresAt: null,
        merkleRoot: batch.root,
      },
      issuer: { account: issuer, issuerId: 1, name: "Acme Game Cards" },
      registry,
      chainId: "31337",
    });
  });

  it("says Unknown for a card no batch has, and refuses another registry's card", async function () {
    const lookalike = getAddress(`0x${"ab".repeat(20)}`);
    const [pastEnd, noBatch, foreign] = await Promise.all([
      chain.cardproof(["status", `${id}/25`]),
      chain.cardproof(["status", "4294967299/0", "--json"]),
      chain.cardproof(["status", payloadOf(3, lookalike)]),
    ]);
    expect(pastEnd.code, pastEnd.stderr).to.equal(0);
    expect(pastEnd.stdout).to.equal(`Unknown — no such card: batch ${id} has 25 cards. Do not accept it.\n`);
    expect(noBatch.json()).to.deep.include({ status: "Unknown", batchId: "4294967299" });
    expect(foreign.code).to.equal(1);
    expect(foreign.stderr).to.contain(`this card was issued on the registry 0xabababababababab… on chain 31337`);
  });

  it("refuses a secret code pasted by mistake without repeating it", async function () {
    const code = formatCode(batch.codes[2]!);
    const [secret, garbage] = await Promise.all([
      chain.cardproof(["status", code]),
      chain.cardproof(["status", "22345"]),
    ]);
    expect(secret.code).to.equal(1);
    expect(secret.stderr).to.contain("this is the card's secret code, not its public QR code");
    expect(`${secret.stdout}${secret.stderr}`).not.to.contain(code).and.not.to.contain(batch.codes[2]!);
    expect(garbage.code).to.equal(1);
    expect(garbage.stderr).to.match(/cannot read the card: the card data has 5 digits/);
  });

  it("says a card printed for CardProof v1 (public payload version 1) must be replaced", async function () {
    const v2 = payloadOf(2);
    const body = `1${v2.slice(1, -5)}`;
    const v1 = body + computeDecimalCheck(body, 5);
    const run = await chain.cardproof(["status", v1]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("the card was printed for CardProof v1");
  });

  it("says Expired once the chain's clock passes the batch's expiry", async function () {
    const latest = await chain.provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] });
    const now = hexToNumber((latest as { timestamp: Hex }).timestamp);
    const expiring = await issueCliBatch(chain, { number: 2, count: 5, expiresAt: now + 3_600 });
    await chain.provider.request({ method: "evm_increaseTime", params: [7_200] });
    await chain.provider.request({ method: "evm_mine", params: [] });
    const run = await chain.cardproof(["status", `${expiring.batchId}/1`, "--json"]);
    expect(run.json()).to.deep.include({ status: "Expired" });
    expect(run.json<{ verdict: string }>().verdict).to.match(/^Expired — the batch expired at \d{4}-/);
  });
});
