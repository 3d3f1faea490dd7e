import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

import { expect } from "chai";
import { bytesToHex, getAddress, keccak256, type Address } from "viem";
import { privateKeyToAddress } from "viem/accounts";

import { makeBatchId } from "../../../scripts/lib/batchId.js";
import { decodeBatchManifest, hashBatchManifest } from "../../../scripts/lib/batchManifest.js";
import { buildMerkleTree } from "../../../scripts/lib/buildMerkleTree.js";
import { deriveCardKey, deriveCardSecret } from "../../../scripts/lib/deriveCardKey.js";
import { createLeafHasher } from "../../../scripts/lib/hashLeaf.js";
import { isCanonicalCode } from "../../../scripts/lib/isCanonicalCode.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";
import { CARDS_PER_TASK } from "../../../scripts/mint/createTaskRunner.js";
import {
  MAX_BATCH_CARDS,
  prepareBatch,
  type BatchPreparationInput,
  type PreparationStage,
  type PreparedBatch,
} from "../../../scripts/mint/prepareBatch.js";

const REPO = resolve(import.meta.dirname, "../../..");
const BATCH = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
  batchId: makeBatchId(7, 1),
};

/** The error `promise` rejects with (fails when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/**
 * The batch's leaves and tree rebuilt with the protocol library, one thread, from its card keys:
 * what prepareBatch must equal. The card keys themselves are checked by {@link expectCardKeys}.
 */
function reference(batch: PreparedBatch) {
  const hashLeafInto = createLeafHasher(BATCH);
  const leaves = new Uint8Array(32 * batch.count);
  for (let serial = 0; serial < batch.count; serial++) {
    hashLeafInto(serial, batch.cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
  }
  return { tree: buildMerkleTree(leaves) };
}

/**
 * Checks card keys against `deriveCardKey` (pure JS) and viem's `privateKeyToAddress`: every card of
 * a small batch; of a large one, the probe serials and 300 random ones (pure JS costs ~0.2 ms a key).
 */
function expectCardKeys(batch: PreparedBatch): void {
  const serials =
    batch.count <= 1_000
      ? Array.from({ length: batch.count }, (_, serial) => serial)
      : [...probeSerials(batch.count), ...Array.from({ length: 300 }, () => Math.floor(Math.random() * batch.count))];
  for (const serial of serials) {
    const card = { ...BATCH, serial, code: batch.codeAt(serial) };
    const expected = deriveCardKey(card);
    expect(bytesToHex(batch.cardKeys.subarray(20 * serial, 20 * serial + 20)), `card key ${serial}`).to.equal(expected);
    if (serial < 20) expect(getAddress(expected)).to.equal(privateKeyToAddress(bytesToHex(deriveCardSecret(card))));
  }
}

/** Serials worth a proof: both ends, both sides of every task boundary, a few in between. */
function probeSerials(count: number): number[] {
  const serials = new Set([0, 1, count - 2, count - 1, Math.floor(count / 2)]);
  for (let boundary = CARDS_PER_TASK; boundary < count; boundary += CARDS_PER_TASK) {
    serials.add(boundary - 1).add(boundary);
  }
  return [...serials].filter((serial) => serial >= 0 && serial < count);
}

describe("prepareBatch", function () {
  // Sizes: one card, odd and even tiny trees, one task, and 70,001 cards = 4 full tasks + 1 card.
  const cases: { count: number; workers?: number; label: string }[] = [
    { count: 1, label: "in the calling thread" },
    { count: 2, workers: 1, label: "on one worker thread" },
    { count: 3, label: "in the calling thread" },
    { count: 1_000, workers: 2, label: "on a worker thread" },
    { count: 70_001, workers: 2, label: "on two worker threads" },
    { count: 70_001, workers: 0, label: "in the calling thread" },
  ];
  for (const { count, workers, label } of cases) {
    it(`prepares ${count} cards ${label} exactly as the protocol library does`, async function () {
      this.timeout(60_000);
      const batch = await prepareBatch({ ...BATCH, count }, workers === undefined ? {} : { workers });
      expect(batch.count).to.equal(count);
      expect(batch.codes.length).to.equal(20 * count);
      expect(batch.cardKeys.length).to.equal(20 * count);

      const codes = Array.from({ length: count }, (_, serial) => batch.codeAt(serial));
      expect(codes.every(isCanonicalCode), "every code is canonical").to.equal(true);
      expect(new Set(codes).size, "codes are unique").to.equal(count);
      expect(Buffer.from(batch.codes).toString("latin1")).to.equal(codes.join(""));

      const expected = reference(batch);
      expectCardKeys(batch);
      expect(batch.tree.root).to.equal(expected.tree.root);
      expect(batch.tree.leafCount).to.equal(count);
      expect(batch.tree.layers).to.have.length(expected.tree.layers.length);
      batch.tree.layers.forEach((layer, level) => {
        expect(Buffer.from(layer).equals(Buffer.from(expected.tree.layers[level]!)), `layer ${level}`).to.equal(true);
      });

      for (const serial of probeSerials(count)) {
        const leaf = bytesToHex(expected.tree.layers[0]!.subarray(32 * serial, 32 * serial + 32));
        expect(verifyMerkleProof(batch.tree.getProof(serial), batch.tree.root, leaf), `proof of ${serial}`).to.equal(
          true,
        );
      }

      const manifest = decodeBatchManifest(batch.manifest);
      expect(manifest).to.deep.include({ chainId: BATCH.chainId, batchId: BATCH.batchId, count });
      expect(manifest.registry).to.equal(BATCH.registry.toLowerCase());
      expect(Buffer.from(manifest.cardKeys).equals(Buffer.from(batch.cardKeys))).to.equal(true);
      expect(batch.manifestHash).to.equal(hashBatchManifest(batch.manifest));
      expect(batch.manifestHash).to.equal(keccak256(batch.manifest));
    });
  }

  it("returns ordinary (not shared) arrays that TextDecoder accepts", async function () {
    const batch = await prepareBatch({ ...BATCH, count: 40_000 }, { workers: 2 });
    for (const array of [batch.codes, batch.cardKeys, ...batch.tree.layers, batch.manifest]) {
      expect(array.buffer).to.be.instanceOf(ArrayBuffer);
    }
    expect(new TextDecoder().decode(batch.codes.subarray(0, 20))).to.equal(batch.codeAt(0));
  });

  it("derives the card keys with the native secp256k1 binding after npm ci, and in pure JS on request", async function () {
    const native = await prepareBatch({ ...BATCH, count: 300 });
    expect(native.backend).to.equal("native");
    expectCardKeys(native);
    const warnings: string[] = [];
    const noble = await prepareBatch(
      { ...BATCH, count: 300 },
      { backend: "noble", onWarning: (m) => warnings.push(m) },
    );
    expect(noble.backend).to.equal("noble");
    expectCardKeys(noble);
    expect(warnings).to.deep.equal([]);
  });

  it("draws different codes on every run", async function () {
    const first = await prepareBatch({ ...BATCH, count: 20_000 }, { workers: 2 });
    const second = await prepareBatch({ ...BATCH, count: 20_000 }, { workers: 2 });
    const firstCodes = new Set(Array.from({ length: 20_000 }, (_, serial) => first.codeAt(serial)));
    const shared = Array.from({ length: 20_000 }, (_, serial) => second.codeAt(serial)).filter((code) =>
      firstCodes.has(code),
    );
    expect(shared).to.deep.equal([]);
    expect(second.tree.root).to.not.equal(first.tree.root);
  });

  it("reports each stage in order, from 0 to the card count, at most 16,384 cards apart but the manifest", async function () {
    const count = 50_000;
    const events: { stage: PreparationStage; done: number; total: number }[] = [];
    await prepareBatch(
      { ...BATCH, count },
      { workers: 2, onProgress: (stage, done, total) => events.push({ stage, done, total }) },
    );
    const stages: PreparationStage[] = ["codes", "keys", "tree", "manifest"];
    expect([...new Set(events.map((event) => event.stage))]).to.deep.equal(stages);
    for (const stage of stages) {
      const steps = events.filter((event) => event.stage === stage);
      expect(steps[0]!.done, stage).to.equal(0);
      expect(steps.at(-1)!.done, stage).to.equal(count);
      expect(steps.every((step) => step.total === count)).to.equal(true);
      for (let i = 1; i < steps.length; i++) {
        expect(steps[i]!.done).to.be.greaterThan(steps[i - 1]!.done);
        // The manifest is one step: encoded and hashed at once.
        if (stage !== "manifest") expect(steps[i]!.done - steps[i - 1]!.done).to.be.at.most(CARDS_PER_TASK);
      }
    }
    // Stages do not overlap: each starts after the previous one ended.
    const firstIndex = stages.map((stage) => events.findIndex((event) => event.stage === stage));
    const lastIndex = stages.map((stage) => events.findLastIndex((event) => event.stage === stage));
    for (let i = 1; i < stages.length; i++) expect(firstIndex[i]).to.be.greaterThan(lastIndex[i - 1]!);
  });

  it("rejects when a progress callback throws, stops its worker threads, and the next batch prepares", async function () {
    const threads = () => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);
    const linux = process.platform === "linux";
    const before = linux ? threads() : 0;
    const failing = prepareBatch(
      { ...BATCH, count: 40_000 },
      {
        workers: 2,
        onProgress(stage, done) {
          if (stage === "keys" && done > 0) throw new Error("stop here");
        },
      },
    );
    expect((await rejectionOf(failing)).message).to.equal("stop here");
    // The two worker threads are gone once prepareBatch has rejected.
    if (linux) expect(threads()).to.be.at.most(before);
    const batch = await prepareBatch({ ...BATCH, count: 40_000 }, { workers: 2 });
    expect(batch.tree.root).to.equal(reference(batch).tree.root);
  });

  for (const count of [0, -1, 1.5, Number.NaN, MAX_BATCH_CARDS + 1]) {
    it(`rejects a count of ${count} before doing any work`, async function () {
      const error = await rejectionOf(prepareBatch({ ...BATCH, count }));
      expect(error).to.be.instanceOf(RangeError);
      expect(error.message).to.match(
        /a batch holds 1 to 1,000,000 cards, got .*: prepare a larger run as several batches/,
      );
    });
  }

  it("rejects batch fields outside their Solidity types and a bad worker count", async function () {
    const bad: [Partial<BatchPreparationInput> & { workers?: number }, RegExp][] = [
      [{ batchId: 1n << 64n }, /batchId .* is not a uint64/],
      [{ batchId: -1n }, /batchId .* is not a uint64/],
      [{ chainId: -1n }, /chainId .* is not a uint256/],
      [{ registry: "0x1234" as Address }, /registry 0x1234 is not an address/],
      [{ workers: -1 }, /workers must be a non-negative integer/],
      [{ workers: 1.5 }, /workers must be a non-negative integer/],
    ];
    for (const [{ workers, ...fields }, message] of bad) {
      const input = { ...BATCH, count: 10, ...fields };
      const error = await rejectionOf(prepareBatch(input, workers === undefined ? {} : { workers }));
      expect(error, String(message)).to.be.instanceOf(RangeError);
      expect(error.message).to.match(message);
    }
  });

  it("throws RangeError from codeAt for a serial outside the batch, without naming any code", async function () {
    const batch = await prepareBatch({ ...BATCH, count: 3 });
    for (const serial of [-1, 3, 1.5]) {
      expect(() => batch.codeAt(serial)).to.throw(RangeError, /outside the batch: it has 3 cards \(0 to 2\)/);
    }
  });

  it("starts its worker threads from a fresh process whose working directory is elsewhere", async function () {
    this.timeout(60_000);
    const moduleUrl = new URL("../../../scripts/mint/prepareBatch.ts", import.meta.url).href;
    const script = `
      const { prepareBatch } = await import(${JSON.stringify(moduleUrl)});
      const batch = await prepareBatch(
        { chainId: 1n, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", batchId: 5n, count: 40000 },
        { workers: 2 },
      );
      process.stdout.write(JSON.stringify({ count: batch.count, root: batch.tree.root }));
    `;
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), "--input-type=module", "--eval", script],
        { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", fail);
      child.on("exit", (code) => done({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr.slice(-2_000)).to.equal(0);
    const result = JSON.parse(run.stdout) as { count: number; root: string };
    expect(result.count).to.equal(40_000);
    expect(result.root).to.match(/^0x[0-9a-f]{64}$/);
    expect(REPO).to.not.equal(tmpdir());
  });
});
