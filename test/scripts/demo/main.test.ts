import { expect } from "chai";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { bytesToHex, type Hex } from "viem";

import { DEMO_PASSPHRASE } from "../../../scripts/demo/runDemo.js";
import { decodeBatchManifest } from "../../../scripts/lib/batchManifest.js";
import { decodeCardPayload } from "../../../scripts/lib/cardPayload.js";
import { CODE_LENGTH } from "../../../scripts/lib/codeAlphabet.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { hashLeaf } from "../../../scripts/lib/hashLeaf.js";
import { proofShardCardProof } from "../../../scripts/lib/proofShardCardProof.js";
import { decodeProofShard, proofShardPath } from "../../../scripts/lib/proofShardFormat.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";
import { readCodesFile } from "../../../scripts/mint/codesFile.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(REPO, "scripts/demo/main.ts");

/** `npm start` as a child process: `node --import tsx scripts/demo/main.ts`, on free ports, in `dir`. */
function startDemo(dir: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("CARDPROOF_")));
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: REPO,
    env: {
      ...inherited,
      NO_COLOR: "1",
      CARDPROOF_DEMO_RPC_PORT: "0",
      CARDPROOF_DEMO_API_PORT: "0",
      CARDPROOF_DEMO_DIR: dir,
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves once stdout matches `pattern`; rejects if the process exits first. */
    async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      for (;;) {
        const match = stdout.match(pattern);
        if (match !== null) return match;
        if (child.exitCode !== null)
          throw new Error(`demo exited (${child.exitCode}) before ${pattern}:\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** The summary's card blocks: serial, verifier link, API link and the status the API gave. */
function summaryCards(stdout: string) {
  const pattern = /^card (\d+): .*\n {2}verifier {2}(\S+)\n {2}API {7}(\S+)\n {2}the API says: (\w+)/gm;
  return [...stdout.matchAll(pattern)].map(([, serial, url, apiUrl, status]) => ({
    serial: Number(serial),
    url: url!,
    apiUrl: apiUrl!,
    status: status!,
  }));
}

async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function kill(child: ChildProcessWithoutNullStreams) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

describe("npm start (scripts/demo)", function () {
  this.timeout(120_000);
  let dir: string;
  let demo: ReturnType<typeof startDemo> | undefined;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "cardproof-demo-"));
  });

  afterEach(async function () {
    if (demo !== undefined) kill(demo.child);
    demo = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("runs every step, prints links to a genuine, a redeemed and a revoked card, and exits 0 with --exit-when-ready", async function () {
    demo = startDemo(dir, ["--exit-when-ready"]);
    const code = await demo.exited;
    const { stdout, stderr } = demo;
    expect(code, `${stdout}\n${stderr}`).to.equal(0);
    expect(stdout).to.match(/starting clean: the local chain keeps no state between runs/);
    expect(stdout).to.match(/^ready in [\d.]+ s$/m);
    expect(stdout).to.match(/^stopped$/m);
    // Every step ran, the last being the audit of chain, contracts and indexer (exit 0 = consistent).
    expect(stdout).to.match(/^\[18\/18\] an auditor replays every log/m);
    expect(stdout).to.match(/^\$ cardproof batch publish \S+ --static \S+proof-shards$/m);

    const manifest = decodeBatchManifest(new Uint8Array(await readFile(join(dir, "batch/manifest.json"))));
    const cards = summaryCards(stdout);
    expect(cards.map(({ serial, status }) => [serial, status])).to.deep.equal([
      [5, "Active"],
      [3, "Redeemed"],
      [5000, "Revoked"],
    ]);
    for (const card of cards) {
      const payload = decodeCardPayload(card.url.slice(card.url.indexOf("#") + 1));
      expect(payload.serial).to.equal(card.serial);
      expect(payload.batchId).to.equal(manifest.batchId);
      expect(payload.chainId).to.equal(manifest.chainId);
      expect(manifest.registry.startsWith(payload.registryPrefix)).to.equal(true);
      const cardKey = bytesToHex(manifest.cardKeys.subarray(card.serial * 20, card.serial * 20 + 20));
      expect(cardKey.startsWith(payload.cardKeyPrefix)).to.equal(true);
      expect(card.apiUrl).to.match(new RegExp(`/v1/batches/${manifest.batchId}/cards/${card.serial}$`));
    }
    // Cards 0-5 printed: an A4 PDF sheet, and one PNG and one SVG per card.
    expect((await readdir(join(dir, "cards"))).some((name) => name.endsWith(".pdf"))).to.equal(true);
    expect((await readdir(join(dir, "cards/png"))).filter((name) => name.endsWith(".png"))).to.have.length(6);
    expect((await readdir(join(dir, "cards/svg"))).filter((name) => name.endsWith(".svg"))).to.have.length(6);

    // No secret code reaches the terminal or the indexer's log, in canonical or printed form.
    const { codes } = await readCodesFile(join(dir, "batch/codes.cpcodes"), DEMO_PASSPHRASE);
    const output = stdout + stderr + (await readFile(join(dir, "indexer.log"), "utf8"));
    const text = new TextDecoder().decode(codes);
    for (let serial = 0; serial < manifest.count; serial++) {
      const code = text.slice(serial * CODE_LENGTH, (serial + 1) * CODE_LENGTH);
      if (output.includes(code) || output.includes(formatCode(code))) expect.fail(`card ${serial}'s code was printed`);
    }
  });

  it("keeps serving until SIGINT, then stops the API, the indexer and the chain and exits 0", async function () {
    demo = startDemo(dir);
    await demo.waitFor(/Press Ctrl-C to stop\./);
    const rpcPort = Number(demo.stdout.match(/^local chain: http:\/\/127\.0\.0\.1:(\d+)/m)?.[1]);
    const apiPort = Number(demo.stdout.match(/^indexer \+ API: http:\/\/127\.0\.0\.1:(\d+)/m)?.[1]);
    const [card] = summaryCards(demo.stdout);

    const answer = (await (await fetch(card!.apiUrl)).json()) as { data: { serial: number; status: string } };
    expect(answer.data).to.include({ serial: 5, status: "Active" });
    const chainId = await fetch(`http://127.0.0.1:${rpcPort}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    expect(((await chainId.json()) as { result: string }).result).to.equal("0x7a69");

    // The batch's proof shards are served on their own port, to any origin, and card 5's proof from
    // its shard verifies against the batch's root.
    const shardsBase = demo.stdout.match(/^ {2}proof shards (http:\/\/127\.0\.0\.1:\d+\/)/m)![1]!;
    const manifest = decodeBatchManifest(new Uint8Array(await readFile(join(dir, "batch/manifest.json"))));
    const card5 = { chainId: manifest.chainId, registry: manifest.registry, batchId: manifest.batchId, serial: 5 };
    const shardAnswer = await fetch(new URL(proofShardPath(card5), shardsBase));
    expect(shardAnswer.status).to.equal(200);
    expect(shardAnswer.headers.get("access-control-allow-origin")).to.equal("*");
    const shard = decodeProofShard(await shardAnswer.json(), { ...card5, shard: 0 });
    const { cardKey, proof } = proofShardCardProof(shard, 5);
    expect(cardKey).to.equal(bytesToHex(manifest.cardKeys.subarray(100, 120)));
    const plan = JSON.parse(await readFile(join(dir, "batch/batch.json"), "utf8")) as { params: { merkleRoot: Hex } };
    expect(verifyMerkleProof(proof, plan.params.merkleRoot, hashLeaf({ ...card5, cardKey }))).to.equal(true);
    const shardsPort = Number(new URL(shardsBase).port);

    demo.child.kill("SIGINT");
    const code = await demo.exited;
    expect(code, `${demo.stdout}\n${demo.stderr}`).to.equal(0);
    expect(demo.stdout).to.match(/API and indexer stopped\n {2}local chain stopped\nstopped\n$/);
    expect(await isPortFree(rpcPort)).to.equal(true);
    expect(await isPortFree(apiPort)).to.equal(true);
    expect(await isPortFree(shardsPort)).to.equal(true);
  });

  it("names the busy port and the setting to change instead of starting, and leaves the demo folder alone", async function () {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      demo = startDemo(join(dir, "demo"), [], { CARDPROOF_DEMO_API_PORT: String(port) });
      const code = await demo.exited;
      expect(code).to.equal(1);
      expect(demo.stderr).to.include(`port ${port} on 127.0.0.1 is in use`);
      expect(demo.stderr).to.include("--api-port");
      expect(demo.stderr).not.to.match(/\n\s+at /); // no stack trace
      expect(existsSync(join(dir, "demo"))).to.equal(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
