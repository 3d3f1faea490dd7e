import { readFile } from "node:fs/promises";

import { expect } from "chai";
import {
  compactSignatureToSignature,
  decodeFunctionData,
  getAddress,
  hexToNumber,
  recoverTypedDataAddress,
  stringToHex,
  type Hex,
} from "viem";

import { formatCode } from "../../../scripts/lib/formatCode.js";
import { redemptionTypedData } from "../../../scripts/lib/redemptionTypedData.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { encodeSecretPayload } from "../../../scripts/lib/secretPayload.js";
import { createApi } from "../../../server/api/createApi.js";
import { startHttpServer } from "../../../server/api/startHttpServer.js";
import { createManifestStore } from "../../../server/store/createManifestStore.js";
import { TEST_API_OPTIONS, upload } from "../../helpers/apiFixture.js";
import { issueCliBatch, type CliBatch } from "../../helpers/cliBatch.js";
import { HARDHAT_KEYS, startCliChain, type CliChain, type CliRun } from "../../helpers/cliHarness.js";
import { startFaultyRpcProxy } from "../../helpers/faultyRpcProxy.js";
import { createTestIndexer, syncToHead } from "../../helpers/testIndexer.js";

/** Signed by Hardhat account `index`: 0 admin, 1 issuer, 2 distributor, 3 retailer, 4 redeemer. */
const as = (index: 0 | 1 | 2 | 3 | 4) => ({ CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[index] });

describe("cardproof redeem", function () {
  let chain: CliChain;
  let batch: CliBatch;
  let other: CliBatch;
  let id: string;
  let redeemer: string;
  /** Every form a secret code could take in an output: canonical, printed, lower-case, calldata hex. */
  let secretForms: string[];

  /** Runs `cardproof`, then checks that nothing it printed holds a secret code of either batch. */
  async function cardproof(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
    const run = await chain.cardproof(args, { env, ...(input === undefined ? {} : { input }) });
    const printed = `${run.stdout}\n${run.stderr}`.toLowerCase();
    for (const form of secretForms) expect(printed, `cardproof ${args[0]} printed a secret code`).not.to.contain(form);
    return run;
  }

  const blockNumber = async () => hexToNumber((await chain.provider.request({ method: "eth_blockNumber" })) as Hex);

  before(async function () {
    chain = await startCliChain();
    const issuer = getAddress(chain.accounts[1]!);
    redeemer = getAddress(chain.accounts[4]!);
    const retailer = getAddress(chain.accounts[3]!);
    expect((await chain.cardproof(["deploy", "-q"], { env: as(0) })).code).to.equal(0);
    expect((await chain.cardproof(["issuer", "register", issuer, "--name", "Acme"], { env: as(0) })).code).to.equal(0);
    batch = await issueCliBatch(chain, { number: 1, count: 40, activationRequired: true });
    other = await issueCliBatch(chain, { number: 2, count: 40 });
    id = String(batch.batchId);
    secretForms = [...batch.codes, ...other.codes].flatMap((code) =>
      [code, formatCode(code), stringToHex(code).slice(2)].map((form) => form.toLowerCase()),
    );
    for (const args of [
      ["batch", "redeemer", id, "--add", redeemer],
      ["lot", "transfer", id, "0-19", "--to", retailer],
    ]) {
      const run = await cardproof(args, as(1));
      expect(run.code, run.stderr).to.equal(0);
    }
    const activate = await cardproof(["lot", "activate", id, "0-9"], as(3));
    expect(activate.code, activate.stderr).to.equal(0);
  });

  after(async function () {
    await chain.close();
  });

  it("redeems a card by its typed code from standard input, with the proof from the manifest", async function () {
    const typed = `  ${formatCode(batch.codes[3]!).toLowerCase()}\n`;
    const run = await cardproof(
      ["redeem", "-", "--batch-id", id, "--serial", "3", "--manifest", batch.manifestPath, "--json"],
      as(4),
      typed,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.include({ batchId: id, serial: 3, redeemer });

    const status = await cardproof(["status", `${id}/3`, "--json"]);
    expect(status.json()).to.deep.include({ status: "Redeemed", redeemed: true });
    expect(status.json<{ redemption: { redeemer: string } }>().redemption.redeemer).to.equal(redeemer);
    const human = await cardproof(["status", `${id}/3`]);
    expect(human.stdout.split("\n")[0]).to.match(/^Redeemed — already used on \d{4}-\d{2}-\d{2}: do not accept it$/);
    expect(human.stdout).to.contain(`redeemed by ${redeemer}`);
  });

  it("sends no form of the code: calldata and logs hold only a card signature bound to the sending redeemer", async function () {
    const run = await cardproof(
      ["redeem", "-", "--batch-id", id, "--serial", "1", "--manifest", batch.manifestPath, "--json"],
      as(4),
      batch.codes[1],
    );
    expect(run.code, run.stderr).to.equal(0);
    const hash = run.json<{ transaction: Hex }>().transaction;
    const tx = (await chain.provider.request({ method: "eth_getTransactionByHash", params: [hash] })) as {
      input: Hex;
      from: string;
      to: string;
    };
    const receipt = (await chain.provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
      logs: { data: Hex; topics: Hex[] }[];
    };
    const code = batch.codes[1]!;
    const onChain = [tx.input, ...receipt.logs.flatMap((log) => [log.data, ...log.topics])].join("\n").toLowerCase();
    for (const form of [code, formatCode(code), stringToHex(code).slice(2), stringToHex(formatCode(code)).slice(2)]) {
      expect(onChain, "a form of the code on chain").not.to.contain(form.toLowerCase());
    }
    // The calldata is redeem(batchId, serial, hint, sigR, sigVs, proof); its signature recovers the
    // card key the manifest commits to only with the sender as redeemer.
    const { functionName, args } = decodeFunctionData({ abi: voucherRegistryAbi, data: tx.input });
    expect(functionName).to.equal("redeem");
    const [batchId, serial, , sigR, sigVs] = args as readonly [bigint, number, number, Hex, Hex, readonly Hex[]];
    const signature = compactSignatureToSignature({ r: sigR, yParityAndS: sigVs });
    const card = { chainId: 31337n, registry: getAddress(tx.to), batchId, serial };
    const signer = await recoverTypedDataAddress({
      ...redemptionTypedData({ ...card, redeemer: getAddress(tx.from) }),
      signature,
    });
    expect(signer.toLowerCase()).to.equal(batch.cardKeys[1]);
    const forOther = await recoverTypedDataAddress({
      ...redemptionTypedData({ ...card, redeemer: getAddress(chain.accounts[2]!) }),
      signature,
    });
    expect(forOther.toLowerCase()).not.to.equal(batch.cardKeys[1]);
  });

  it("refuses a CardProof v1 redemption QR code (CPS1) with a clear error and no transaction", async function () {
    const before = await blockNumber();
    const v2 = encodeSecretPayload({ code: batch.codes[5]!, batchId: batch.batchId, serial: 5 });
    const run = await cardproof(["redeem", "-", "--manifest", batch.manifestPath], as(4), `CPS1${v2.slice(4)}`);
    expect(run.code).not.to.equal(0);
    expect(run.stderr).to.contain("printed for CardProof v1 (CPS1), which registry v2 cannot redeem");
    expect(await blockNumber()).to.equal(before);
  });

  it("redeems a card by the text of its scanned redemption QR code", async function () {
    const payload = encodeSecretPayload({ code: batch.codes[4]!, batchId: batch.batchId, serial: 4 });
    const run = await cardproof(["redeem", payload, "--manifest", batch.manifestPath], as(4));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`redeemed card 4 of batch ${id}`);
  });

  it("refuses a card already redeemed without sending a transaction", async function () {
    const before = await blockNumber();
    const run = await cardproof(
      ["redeem", batch.codes[3]!, "--batch-id", id, "--serial", "3", "--manifest", batch.manifestPath],
      as(4),
    );
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(`card 3 of batch ${id} is already redeemed: do not hand over its value again`);
    expect(await blockNumber()).to.equal(before);
  });

  it("refuses another card's code without a transaction and without printing the code", async function () {
    const before = await blockNumber();
    const [wrongCard, typo] = await Promise.all([
      cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "6", "--manifest", batch.manifestPath],
        as(4),
        batch.codes[5],
      ),
      // One character changed: the check character catches it before anything is read from the chain.
      cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "7", "--manifest", batch.manifestPath],
        as(4),
        mistype(batch.codes[7]!),
      ),
    ]);
    expect(wrongCard.code).to.equal(1);
    expect(wrongCard.stderr).to.contain(`this code does not belong to card 6 of batch ${id}`);
    expect(wrongCard.stderr).to.contain("no transaction was sent");
    expect(typo.code).to.equal(1);
    expect(typo.stderr).to.contain("the code is not valid: the check character does not match");
    expect(await blockNumber()).to.equal(before);
  });

  it("says why a card cannot be redeemed: not activated, not a redeemer, another batch's manifest", async function () {
    const [inactive, stranger, wrongManifest, noSource] = await Promise.all([
      cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "15", "--manifest", batch.manifestPath],
        as(4),
        batch.codes[15],
      ),
      cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "5", "--manifest", batch.manifestPath],
        as(2),
        batch.codes[5],
      ),
      cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "5", "--manifest", other.manifestPath],
        as(4),
        batch.codes[5],
      ),
      cardproof(["redeem", "-", "--batch-id", id, "--serial", "5"], as(4), batch.codes[5]),
    ]);
    expect(inactive.code).to.equal(1);
    expect(inactive.stderr).to.contain(`card 15 of batch ${id} was never activated at a point of sale`);
    expect(inactive.stderr).to.contain(`cardproof lot activate ${id} 15`);
    expect(stranger.code).to.equal(1);
    expect(stranger.stderr).to.contain(`may not redeem cards of batch ${id}`);
    expect(stranger.stderr).to.contain(`cardproof batch redeemer ${id} --add`);
    expect(wrongManifest.code).to.equal(1);
    expect(wrongManifest.stderr).to.contain(`is the manifest of batch ${other.batchId}, not batch ${id}`);
    expect(noSource.code).to.equal(2);
    expect(noSource.stderr).to.contain("--manifest <file> or an --indexer-url");
  });

  it("finds the batch's manifest hash and the redemption behind a provider that caps log ranges", async function () {
    const proxy = await startFaultyRpcProxy({
      target: chain.rpcUrl,
      rangeLimit: { maxBlocks: 2, dialect: "maxRange" },
    });
    try {
      const viaProxy = ["--rpc-url", proxy.url];
      const redeemed = await cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "2", "--manifest", batch.manifestPath, ...viaProxy],
        as(4),
        batch.codes[2],
      );
      expect(redeemed.code, redeemed.stderr).to.equal(0);
      expect(redeemed.stderr).not.to.contain("found no BatchIssued log");
      const status = await cardproof(["status", `${id}/2`, "--json", ...viaProxy]);
      expect(status.json<{ redemption: { redeemer: string } }>().redemption.redeemer).to.equal(redeemer);
      expect(proxy.calls.some((call) => call.fault === "range")).to.equal(true);
      expect(proxy.servedLogRanges.every(([from, to]) => to - from < 2)).to.equal(true);
    } finally {
      await proxy.close();
    }
  });

  it("redeems with a proof from the indexer, which it checks against the chain", async function () {
    const deployment = JSON.parse(await readFile(`${chain.workdir}/.cardproof/deployment.json`, "utf8")) as {
      registry: string;
    };
    const indexer = createTestIndexer({ rpcUrls: [chain.rpcUrl], registry: deployment.registry });
    const api = createApi({
      store: indexer.store,
      manifests: createManifestStore(indexer.db),
      logger: indexer.logger,
      metrics: indexer.metrics,
      options: TEST_API_OPTIONS,
      probeHead: async () => await blockNumber(),
    });
    const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
    try {
      await syncToHead(indexer.engine);
      const missing = await cardproof(
        ["redeem", "-", "--batch-id", id, "--serial", "8", "--indexer-url", http.url],
        as(4),
        batch.codes[8],
      );
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/the indexer at .* has no proof for card 8 of batch \d+: no verified manifest/);

      expect((await upload(http.url, batch.batchId, await readFile(batch.manifestPath))).status).to.equal(201);
      const [wrongCode, redeemed] = await Promise.all([
        cardproof(["redeem", "-", "--batch-id", id, "--serial", "9", "--indexer-url", http.url], as(4), batch.codes[8]),
        cardproof(
          ["redeem", "-", "--batch-id", id, "--serial", "8", "--indexer-url", http.url, "--json"],
          as(4),
          batch.codes[8],
        ),
      ]);
      expect(wrongCode.code).to.equal(1);
      expect(wrongCode.stderr).to.contain(`this code does not belong to card 9 of batch ${id}`);
      expect(redeemed.code, redeemed.stderr).to.equal(0);
      expect(redeemed.json()).to.deep.include({ serial: 8, redeemer });
    } finally {
      await http.close(100);
      await api.close();
      indexer.close();
    }
  });
});

/** The code with its first character replaced by another of the alphabet. */
function mistype(code: string): string {
  return (code[0] === "A" ? "B" : "A") + code.slice(1);
}
