import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";
import { decodeFunctionResult, encodeFunctionData, getAddress, type Address, type Hex } from "viem";

import { defaultBatchFolder } from "../../../scripts/cli/batchPlan.js";
import { readDeployment } from "../../../scripts/cli/deploymentFile.js";
import { makeBatchId } from "../../../scripts/lib/batchId.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { readCodesFile } from "../../../scripts/mint/codesFile.js";
import { HARDHAT_KEYS, runCardproof, startCliChain, type CliChain } from "../../helpers/cliHarness.js";
import { startFaultyRpcProxy } from "../../helpers/faultyRpcProxy.js";

/** The fields of `batch.json` these tests read. */
type Plan = {
  batchId: string;
  state: string;
  redeemers: string[];
  deployBlockHash?: Hex;
  params: { merkleRoot: Hex };
};

const PASSPHRASE = "correct horse battery staple";
const BATCHES = ".cardproof/batches";
const TERMS = ["--count", "20", "--face-value", "5", "--currency", "USD"];

/** `batch mint` never loses or overwrites a batch's files, and never resumes other terms silently. */
describe("cardproof batch mint: files of live batches are never lost", function () {
  let chain: CliChain;
  let registry: Address;
  let issuer: Address;
  const asIssuer = { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[1], CARDPROOF_CODES_PASSPHRASE: PASSPHRASE };
  const asAdmin = { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] };

  const cardproof = (args: string[], env: Record<string, string> = asIssuer) => chain.cardproof(args, { env });
  const batchesDir = () => join(chain.workdir, BATCHES);
  const locksDir = () => join(chain.workdir, ".cardproof/locks");
  const lockPath = () => join(locksDir(), `mint-31337-${registry}-${issuer}.lock`.toLowerCase());

  async function rootOnChain(batchId: bigint): Promise<Hex> {
    const data = encodeFunctionData({ abi: voucherRegistryAbi, functionName: "batchOf", args: [batchId] });
    const answer = (await chain.provider.request({
      method: "eth_call",
      params: [{ to: registry, data }, "latest"],
    })) as Hex;
    return decodeFunctionResult({ abi: voucherRegistryAbi, functionName: "batchOf", data: answer }).merkleRoot;
  }

  async function plans(): Promise<{ name: string; plan: Plan }[]> {
    const names = await readdir(batchesDir()).catch(() => []);
    const out = [];
    for (const name of names) {
      const text = await readFile(join(batchesDir(), name, "batch.json"), "utf8").catch(() => undefined);
      if (text !== undefined) out.push({ name, plan: JSON.parse(text) as Plan });
    }
    return out;
  }

  async function setPaused(paused: boolean) {
    const data = encodeFunctionData({ abi: voucherRegistryAbi, functionName: paused ? "pause" : "unpause" });
    await chain.provider.request({
      method: "eth_sendTransaction",
      params: [{ from: chain.accounts[0], to: registry, data }],
    });
  }

  before(async function () {
    chain = await startCliChain();
    registry = (await cardproof(["deploy", "--json"], asAdmin)).json<{ registry: Address }>().registry;
    issuer = chain.accounts[1]!;
    const registered = await cardproof(["issuer", "register", issuer, "--name", "Acme Game Cards"], asAdmin);
    expect(registered.code, registered.stderr).to.equal(0);
  });

  after(async function () {
    await chain.close();
  });

  it("leaves a folder it did not create untouched, and takes the next batch id", async function () {
    const deployment = await readDeployment(join(chain.workdir, ".cardproof/deployment.json"));
    const foreign = join(chain.workdir, defaultBatchFolder(deployment, makeBatchId(1, 1)));
    await mkdir(foreign, { recursive: true });
    await writeFile(join(foreign, "codes.cpcodes"), "another run's codes, being written");

    const run = await cardproof(["batch", "mint", ...TERMS, "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json<{ batchId: string }>().batchId).to.equal(String(makeBatchId(1, 2)));
    expect(await readFile(join(foreign, "codes.cpcodes"), "utf8")).to.equal("another run's codes, being written");

    const out = join(chain.workdir, "mine");
    await mkdir(out);
    await writeFile(join(out, "notes.txt"), "keep me");
    const refused = await cardproof(["batch", "mint", ...TERMS, "--out", out]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/mine already exists: batch mint writes only into a folder it creates/);
    expect(await readdir(out)).to.deep.equal(["notes.txt"]);
  });

  it("runs two mints of one issuer started together without losing either batch's files", async function () {
    this.timeout(180_000);
    const before = new Set((await plans()).map(({ name }) => name));
    const args = ["batch", "mint", "--count", "20000", "--face-value", "4", "--currency", "USD", "--json"];
    const runs = await Promise.all([cardproof(args), cardproof(args)]);
    const succeeded = runs.filter((run) => run.code === 0);
    expect(succeeded.length, runs.map((run) => run.stderr).join("\n")).to.be.at.least(1);
    for (const run of runs.filter((run) => run.code !== 0)) {
      expect(run.stderr).to.match(/another `batch mint` of issuer 0x[0-9a-fA-F]{40} is running/);
      expect(run.stderr).to.match(/wait for it to finish, then run this command again/);
    }
    // Every batch that reached the chain has its folder: the plan, and codes that decrypt to its count.
    const issued = (await plans()).filter(({ name }) => !before.has(name));
    expect(issued.map(({ plan }) => plan.batchId).sort()).to.deep.equal(
      succeeded.map((run) => run.json<{ batchId: string }>().batchId).sort(),
    );
    for (const { name, plan } of issued) {
      expect(plan.state).to.equal("issued");
      expect(await rootOnChain(BigInt(plan.batchId as string))).to.equal(plan.params.merkleRoot);
      const codes = await readCodesFile(join(batchesDir(), name, "codes.cpcodes"), PASSPHRASE);
      expect(codes.header.count).to.equal(20000);
    }
  });

  it("refuses while another mint of the issuer holds the lock, and takes over a lock whose process is gone", async function () {
    await mkdir(locksDir(), { recursive: true });
    const live = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    await writeFile(lockPath(), JSON.stringify(live));
    const refused = await cardproof(["batch", "mint", ...TERMS]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include(`(process ${process.pid} on ${hostname()}`);

    const exited = spawnSync(process.execPath, ["-e", "0"]).pid!;
    await writeFile(lockPath(), JSON.stringify({ ...live, pid: exited }));
    const run = await cardproof(["batch", "mint", ...TERMS]);
    expect(run.code, run.stderr).to.equal(0);
    expect(await readdir(locksDir())).to.deep.equal([]);
  });

  it("resumes a prepared batch only with the same terms: other terms are refused with the difference", async function () {
    const redeemer = getAddress(chain.accounts[4]!);
    await setPaused(true);
    const failed = await cardproof(["batch", "mint", ...TERMS, "--expires", "+30d", "--redeemer", redeemer]);
    await setPaused(false);
    expect(failed.code).to.equal(1);
    const prepared = (await plans()).find(({ plan }) => plan.state === "prepared")!;
    expect(prepared.plan.redeemers).to.deep.equal([redeemer]);

    // Without the --redeemer the prepared batch would be issued with one anyway (or, before, dropped one).
    const differs = await cardproof(["batch", "mint", ...TERMS, "--expires", "+30d"]);
    expect(differs.code).to.equal(1);
    expect(differs.stderr)
      .to.include(`batch ${prepared.plan.batchId} in`)
      .and.include(`--redeemer none → ${redeemer}`)
      .and.include("--resume")
      .and.include("--new-batch");
    const expiry = await cardproof(["batch", "mint", ...TERMS, "--expires", "+31d", "--redeemer", redeemer]);
    expect(expiry.code).to.equal(1);
    expect(expiry.stderr).to.include("--expires +31d → +30d");
    expect((await plans()).find(({ name }) => name === prepared.name)!.plan).to.deep.equal(prepared.plan);

    const fresh = await cardproof(["batch", "mint", ...TERMS, "--expires", "+30d", "--new-batch", "--json"]);
    expect(fresh.code, fresh.stderr).to.equal(0);
    expect(fresh.json<{ batchId: string; redeemers: string[] }>()).to.deep.include({ redeemers: [] });
    expect(fresh.json<{ batchId: string }>().batchId).to.not.equal(prepared.plan.batchId);

    const resumed = await cardproof(["batch", "mint", ...TERMS, "--expires", "+30d", "--redeemer", redeemer, "--json"]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.json()).to.deep.include({ batchId: prepared.plan.batchId, redeemers: [redeemer] });
  });

  it("keeps a prepared batch and says how to resume when the node goes away as the batch is sent", async function () {
    const proxy = await startFaultyRpcProxy({
      target: chain.rpcUrl,
      faults: ({ method }) => (method.startsWith("eth_send") ? { type: "reset" } : undefined),
    });
    try {
      const args = ["batch", "mint", "--count", "30", "--face-value", "2", "--currency", "EUR"];
      const lost = await chain.cardproof(args, { env: { ...asIssuer, CARDPROOF_RPC_URL: proxy.url } });
      expect(lost.code).to.equal(1);
      expect(lost.stderr).to.not.include("unexpected failure");
      expect(lost.stderr).to.match(/error: cannot reach the chain at http:\/\/127\.0\.0\.1:\d+/);
      const folder = /keeps its codes and files in (\S+) \(state: prepared\)/.exec(lost.stderr)?.[1];
      expect(folder, lost.stderr).to.be.a("string");
      expect(lost.stderr).to.include(`cardproof batch mint --resume ${folder}`);

      const resumed = await cardproof([...args, "--json"]);
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(resolve(chain.workdir, folder!)).to.equal(resumed.json<{ folder: string }>().folder);
    } finally {
      await proxy.close();
    }
  });

  it("on Ctrl-C while preparing, removes the unfinished folder and says nothing reached the chain", async function () {
    this.timeout(180_000);
    const before = (await readdir(batchesDir())).sort();
    const run = await runCardproof(["batch", "mint", "--count", "1000000", "--face-value", "1", "--currency", "USD"], {
      cwd: chain.workdir,
      env: { CARDPROOF_RPC_URL: chain.rpcUrl, ...asIssuer },
      // The batch's folder exists (claimed), its plan not yet: the 1,000,000 cards take seconds to prepare.
      interruptWhen: () => readdirSync(batchesDir()).some((name) => !before.includes(name)),
    });
    expect(run.code, run.stderr).to.equal(130);
    expect(run.stderr).to.match(
      /interrupted: nothing was sent to the chain; batch \d+ was being prepared: its unfinished folder \S+ is removed/,
    );
    expect((await readdir(batchesDir())).sort()).to.deep.equal(before);
    expect(await readdir(join(chain.workdir, ".cardproof/locks"))).to.deep.equal([]);
  });

  it("on Ctrl-C while the issuance hangs, keeps the prepared batch and says how to resume it", async function () {
    const proxy = await startFaultyRpcProxy({
      target: chain.rpcUrl,
      faults: ({ method }) => (method.startsWith("eth_send") ? { type: "hang" } : undefined),
    });
    try {
      const run = await runCardproof(["batch", "mint", ...TERMS], {
        cwd: chain.workdir,
        env: { CARDPROOF_RPC_URL: proxy.url, ...asIssuer },
        interruptWhen: () => proxy.calls.some(({ method }) => method.startsWith("eth_send")),
      });
      expect(run.code, run.stderr).to.equal(130);
      const folder = /batch \d+ stays prepared in (\S+): run the same command again/.exec(run.stderr)?.[1];
      expect(folder, run.stderr).to.be.a("string");
      expect(run.stderr).to.include("interrupted: nothing was sent to the chain");
      expect(JSON.parse(await readFile(join(chain.workdir, folder!, "batch.json"), "utf8")).state).to.equal("prepared");
      // The same command finishes it against a node that answers.
      const resumed = await cardproof(["batch", "mint", ...TERMS, "--json"]);
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(resumed.json<{ folder: string }>().folder).to.equal(resolve(chain.workdir, folder!));
    } finally {
      await proxy.close();
    }
  });

  it("checks what the chain would refuse before writing a file: another issuer's id, an expiry behind the chain's clock", async function () {
    const names = async () => (await readdir(batchesDir())).sort();
    const before = await names();

    const foreignId = makeBatchId(2, 1);
    const notMine = await cardproof(["batch", "mint", ...TERMS, "--batch-id", String(foreignId)]);
    expect(notMine.code).to.equal(1);
    expect(notMine.stderr).to.include(`batch id ${foreignId} belongs to issuer #2, and you are issuer #1`);

    // The chain's clock runs two days ahead of this machine's: tomorrow is already past there.
    await chain.provider.request({ method: "evm_increaseTime", params: [2 * 86_400] });
    await chain.provider.request({ method: "evm_mine", params: [] });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const past = await cardproof(["batch", "mint", ...TERMS, "--expires", tomorrow]);
    expect(past.code).to.equal(1);
    expect(past.stderr).to.match(new RegExp(`--expires ${tomorrow} is not after the chain's clock`));
    expect(await names()).to.deep.equal(before);
  });

  it("keys batch folders by deployment: a restarted chain at the same address meets none of the old batches", async function () {
    this.timeout(120_000);
    const old = (await plans()).find(({ plan }) => plan.state === "issued")!;
    const fresh = await startCliChain();
    try {
      // The same working folder against a fresh node: the registry lands at the same address.
      const here = (args: string[], env: Record<string, string> = asIssuer) =>
        runCardproof(args, { cwd: chain.workdir, env: { CARDPROOF_RPC_URL: fresh.rpcUrl, ...env } });
      // Two in-process chains started alike mine identical blocks; a restarted node starts at another time.
      const later = Math.floor(Date.now() / 1000) + 3_600;
      await fresh.provider.request({ method: "evm_setNextBlockTimestamp", params: [later] });
      const deployed = await here(["deploy", "--force", "--json"], asAdmin);
      expect(deployed.code, deployed.stderr).to.equal(0);
      expect(deployed.json<{ registry: Address }>().registry).to.equal(registry);

      const stale = await here(["batch", "print", join(batchesDir(), old.name), "--serials", "0-0"]);
      expect(stale.code).to.equal(1);
      expect(stale.stderr).to.include(`was minted on an earlier deployment of registry ${getAddress(registry)}`);
      const missing = await here(["batch", "print", old.plan.batchId, "--serials", "0-0"]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.include(`no folder of batch ${old.plan.batchId} under .cardproof/batches`);

      expect((await here(["issuer", "register", issuer, "--name", "Acme Game Cards"], asAdmin)).code).to.equal(0);
      const minted = await here(["batch", "mint", ...TERMS, "--json"]);
      expect(minted.code, minted.stderr).to.equal(0);
      // The first batch id again (the README's examples hold on any fresh chain), in a folder of its own.
      const first = String(makeBatchId(1, 1));
      expect(minted.json<{ batchId: string }>().batchId).to.equal(first);
      const printed = await here(["batch", "print", first, "--serials", "0-1", "--format", "svg", "--json"]);
      expect(printed.code, printed.stderr).to.equal(0);
      expect(printed.json()).to.deep.include({ cards: 2, svg: 2 });
      const now = await readDeployment(join(chain.workdir, ".cardproof/deployment.json"));
      expect(minted.json<{ folder: string }>().folder).to.equal(
        resolve(chain.workdir, defaultBatchFolder(now, makeBatchId(1, 1))),
      );
      expect(defaultBatchFolder(now, 1n)).to.not.equal(
        defaultBatchFolder({ ...now, deployBlockHash: old.plan.deployBlockHash! }, 1n),
      );
    } finally {
      await fresh.close();
    }
  });
});
