import { expect } from "chai";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { encodeFunctionData, type Address, type Hex } from "viem";

import { decodeBatchManifest } from "../../../scripts/lib/batchManifest.js";
import { hashLeaf } from "../../../scripts/lib/hashLeaf.js";
import { proofShardCardProof } from "../../../scripts/lib/proofShardCardProof.js";
import { decodeProofShard, proofShardOf, proofShardPath } from "../../../scripts/lib/proofShardFormat.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { createLogger } from "../../../server/internal/createLogger.js";
import { DEFAULT_CONFIG } from "../../../server/internal/loadConfig.js";
import { startServer } from "../../../server/startServer.js";
import { HARDHAT_KEYS, startCliChain, type CliChain } from "../../helpers/cliHarness.js";

const PASSPHRASE = "correct horse battery staple";

type MintResult = { batchId: string; folder: string; merkleRoot: Hex; count: number };
type PublishResult = {
  batchId: string;
  static: { dir: string; folder: string; status: string; shards: number; bytes: number; cardsPerShard: number };
};

describe("cardproof batch publish --static", function () {
  let chain: CliChain;
  let registry: Address;
  let minted: MintResult;
  let batchCard: { chainId: bigint; registry: Address; batchId: bigint };
  const asIssuer = { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[1], CARDPROOF_CODES_PASSPHRASE: PASSPHRASE };

  async function sendAsAdmin(functionName: "pause" | "unpause") {
    const data = encodeFunctionData({ abi: voucherRegistryAbi, functionName });
    await chain.provider.request({
      method: "eth_sendTransaction",
      params: [{ from: chain.accounts[0], to: registry, data }],
    });
  }

  /** Every file under `dir`, relative, with its bytes. */
  async function snapshot(dir: string): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files.set(path.slice(dir.length + 1), await readFile(path, "utf8"));
    }
    return files;
  }

  before(async function () {
    chain = await startCliChain();
    const deployed = await chain.cardproof(["deploy", "--json"], { env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] } });
    registry = deployed.json<{ registry: Address }>().registry;
    await chain.cardproof(["issuer", "register", chain.accounts[1]!, "--name", "Acme Game Cards"], {
      env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] },
    });
    // 2,100 cards: two full shards of 1,024 and a short last one of 52.
    const run = await chain.cardproof(
      ["batch", "mint", "--count", "2100", "--face-value", "10", "--currency", "USD", "--json"],
      { env: asIssuer },
    );
    expect(run.code, run.stderr).to.equal(0);
    minted = run.json<MintResult>();
    batchCard = { chainId: 31_337n, registry, batchId: BigInt(minted.batchId) };
  });

  after(async function () {
    await chain.close();
  });

  it("writes shards from which every sampled card gets a proof that verifies against the on-chain root", async function () {
    const dir = join(chain.workdir, "shards");
    const run = await chain.cardproof(["batch", "publish", minted.folder, "--static", dir, "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const result = run.json<PublishResult>();
    const batchId = BigInt(minted.batchId);
    expect(result.static).to.deep.include({
      dir,
      folder: join(dir, "31337", registry.toLowerCase(), minted.batchId),
      status: "written",
      shards: 3,
      cardsPerShard: 1024,
    });
    const files = await readdir(result.static.folder);
    expect(files.sort()).to.deep.equal(["0.json", "1.json", "2.json", "index.json"]);
    expect(JSON.parse(await readFile(join(result.static.folder, "index.json"), "utf8"))).to.deep.include({
      root: minted.merkleRoot,
      count: 2100,
      shards: 3,
    });
    // No temporary folder is left beside the batch's.
    expect(await readdir(join(dir, "31337", registry.toLowerCase()))).to.deep.equal([minted.batchId]);

    const manifest = decodeBatchManifest(await readFile(join(minted.folder, "manifest.json")));
    for (const serial of [0, 1, 1023, 1024, 1500, 2047, 2048, 2099]) {
      const card = { chainId: 31337n, registry, batchId, serial };
      const raw = JSON.parse(await readFile(join(dir, proofShardPath(card)), "utf8")) as unknown;
      const shard = decodeProofShard(raw, { ...card, shard: proofShardOf(serial) });
      const { cardKey, proof } = proofShardCardProof(shard, serial);
      expect(cardKey).to.equal(
        `0x${Buffer.from(manifest.cardKeys.subarray(20 * serial, 20 * serial + 20)).toString("hex")}`,
      );
      expect(verifyMerkleProof(proof, minted.merkleRoot, hashLeaf({ ...card, cardKey })), `serial ${serial}`).to.equal(
        true,
      );
    }
  });

  it("changes nothing when the same batch is published again", async function () {
    const dir = join(chain.workdir, "shards");
    const before = await snapshot(dir);
    const modified = (await stat(join(dir, "31337", registry.toLowerCase(), minted.batchId, "0.json"))).mtimeMs;
    const run = await chain.cardproof(["batch", "publish", minted.folder, "--static", dir]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/already in .*: nothing changed/);
    expect(await snapshot(dir)).to.deep.equal(before);
    expect((await stat(join(dir, "31337", registry.toLowerCase(), minted.batchId, "0.json"))).mtimeMs).to.equal(
      modified,
    );
  });

  it("says where it wrote, how to serve the folder and the config entry to add", async function () {
    const dir = join(chain.workdir, "shards-human");
    const run = await chain.cardproof(["batch", "publish", minted.folder, "--static", dir]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout)
      .to.contain(`proof shards of batch ${minted.batchId} written to ${join(dir, "31337", registry.toLowerCase())}`)
      .and.contain("Access-Control-Allow-Origin")
      .and.contain(`"proofSources": ["indexer", "<URL serving ${dir}>/"]`)
      .and.contain("CARDPROOF_PROOF_SHARDS_URL");
  });

  it("refuses to overwrite a folder that holds another batch's shards with the same ids", async function () {
    const dir = join(chain.workdir, "shards-taken");
    const folder = join(dir, "31337", registry.toLowerCase(), minted.batchId);
    await mkdir(folder, { recursive: true });
    const otherIndex = JSON.stringify({ format: "cardproof-proof-shards", root: `0x${"ab".repeat(32)}` });
    await writeFile(join(folder, "index.json"), otherIndex);
    await writeFile(join(folder, "0.json"), "from another deployment");

    const run = await chain.cardproof(["batch", "publish", minted.folder, "--static", dir]);
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.contain(`already holds proof shards of another batch ${minted.batchId} (root 0x${"ab".repeat(32)})`)
      .and.match(/nothing was written: publish into another --static folder/);
    expect(await readdir(folder)).to.have.members(["index.json", "0.json"]);
    expect(await readFile(join(folder, "0.json"), "utf8")).to.equal("from another deployment");
    expect(await readdir(join(dir, "31337", registry.toLowerCase()))).to.deep.equal([minted.batchId]);
  });

  it("refuses a batch that is prepared but not issued, and writes nothing", async function () {
    await sendAsAdmin("pause");
    try {
      const failed = await chain.cardproof(
        ["batch", "mint", "--count", "5", "--face-value", "1", "--currency", "USD", "--json"],
        { env: asIssuer },
      );
      expect(failed.code).to.equal(1);
    } finally {
      await sendAsAdmin("unpause");
    }
    const batches = join(chain.workdir, ".cardproof/batches");
    const pending = (await readdir(batches)).map((name) => join(batches, name)).find((path) => path !== minted.folder)!;
    expect(JSON.parse(await readFile(join(pending, "batch.json"), "utf8")).state).to.equal("prepared");

    const dir = join(chain.workdir, "shards-pending");
    const run = await chain.cardproof(["batch", "publish", pending, "--static", dir]);
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(/is not issued yet/)
      .and.match(/cardproof batch mint --resume/);
    expect(await readdir(dir).catch(() => [])).to.deep.equal([]);
  });

  it("refuses a manifest that is not the one the batch was issued with", async function () {
    const copy = join(chain.workdir, "batch-copy");
    await mkdir(copy, { recursive: true });
    await writeFile(join(copy, "batch.json"), await readFile(join(minted.folder, "batch.json")));
    const manifest = await readFile(join(minted.folder, "manifest.json"), "latin1");
    // Swap two card keys: still a canonical manifest, but not the committed one.
    const keys = manifest.match(/0x[0-9a-f]{40}/g)!;
    await writeFile(
      join(copy, "manifest.json"),
      manifest.replace(keys[1]!, "KEY").replace(keys[2]!, keys[1]!).replace("KEY", keys[2]!),
    );

    const run = await chain.cardproof(["batch", "publish", copy, "--static", join(chain.workdir, "shards-bad")]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(`is not the manifest batch ${minted.batchId} was issued with`);
  });

  it("with --indexer-url too, writes the shards and uploads the manifest to the indexer", async function () {
    const indexer = await startServer({
      config: {
        ...DEFAULT_CONFIG,
        rpcUrls: [chain.rpcUrl],
        chainId: 31_337,
        registryAddress: registry.toLowerCase() as Address,
        pollIntervalMs: 20,
        finality: "depth",
        dbPath: ":memory:",
        apiPort: 0,
        verifierDir: join(chain.workdir, "no-page"),
      },
      logger: createLogger({ level: "silent" }),
    });
    try {
      const dir = join(chain.workdir, "shards-and-indexer");
      const run = await chain.cardproof([
        "batch",
        "publish",
        minted.folder,
        "--static",
        dir,
        "--indexer-url",
        indexer.url,
        "--json",
      ]);
      expect(run.code, run.stderr).to.equal(0);
      const result = run.json<PublishResult & { manifestUrl: string }>();
      expect(result.static.status).to.equal("written");
      expect(result.manifestUrl).to.equal(`${indexer.url}/v1/batches/${minted.batchId}/manifest`);
      const proof = await fetch(`${indexer.url}/v1/batches/${minted.batchId}/cards/1500/proof`);
      expect(proof.status).to.equal(200);
      const shard = decodeProofShard(
        JSON.parse(await readFile(join(dir, proofShardPath({ ...batchCard, serial: 1500 })), "utf8")),
        { ...batchCard, shard: 1 },
      );
      expect(proofShardCardProof(shard, 1500).proof).to.deep.equal(
        ((await proof.json()) as { data: { proof: Hex[] } }).data.proof,
      );

      // Publishing the same manifest again is a no-op; another manifest for the batch is refused.
      const again = await chain.cardproof(["batch", "publish", minted.folder, "--indexer-url", indexer.url]);
      expect(again.code, again.stderr).to.equal(0);
      const other = join(chain.workdir, "batch-other-manifest");
      await mkdir(other, { recursive: true });
      await writeFile(join(other, "batch.json"), await readFile(join(minted.folder, "batch.json")));
      const manifest = await readFile(join(minted.folder, "manifest.json"), "latin1");
      const keys = manifest.match(/0x[0-9a-f]{40}/g)!;
      await writeFile(join(other, "manifest.json"), manifest.replace(keys[1]!, keys[2]!));
      const refused = await chain.cardproof(["batch", "publish", other, "--indexer-url", indexer.url]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain(
        `already holds a verified manifest of batch ${minted.batchId}, and it is not this one`,
      );
      expect(refused.stdout).to.not.contain("published");
    } finally {
      await indexer.stop();
    }
  });

  it("keeps the shards and says so when the indexer cannot be reached", async function () {
    const dir = join(chain.workdir, "shards-no-indexer");
    const run = await chain.cardproof([
      "batch",
      "publish",
      minted.folder,
      "--static",
      dir,
      "--indexer-url",
      "http://127.0.0.1:9/",
    ]);
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.contain(`proof shards of batch ${minted.batchId} written to`)
      .and.contain("cannot reach the indexer at http://127.0.0.1:9/");
    expect(await readdir(join(dir, "31337", registry.toLowerCase(), minted.batchId))).to.include("0.json");
  });

  it("asks for --indexer-url or --static when given neither", async function () {
    const run = await chain.cardproof(["batch", "publish", minted.folder]);
    expect(run.code).to.equal(2);
    expect(run.stderr)
      .to.match(/missing --indexer-url or --static/)
      .and.match(/--static \.\/proof-shards/);
  });
});
