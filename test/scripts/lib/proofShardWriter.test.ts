import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { keccak256, toHex, type Address } from "viem";

import { buildMerkleTree } from "../../../scripts/lib/buildMerkleTree.js";
import { createLeafHasher } from "../../../scripts/lib/hashLeaf.js";
import { writeProofShards } from "../../../scripts/lib/proofShardWriter.js";

const context = {
  chainId: 31337n,
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Address,
  batchId: (1n << 32n) | 9n,
};

/** A batch of `count` cards whose keys depend on `seed`, and its tree. */
function batchOf(count: number, seed: string) {
  const cardKeys = new Uint8Array(20 * count);
  const leaves = new Uint8Array(32 * count);
  const leafOf = createLeafHasher(context);
  for (let serial = 0; serial < count; serial++) {
    cardKeys.set(keccak256(toHex(`${seed}/${serial}`), "bytes").subarray(0, 20), 20 * serial);
    leafOf(serial, cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
  }
  return { batch: { ...context, cardKeys }, tree: buildMerkleTree(leaves) };
}

describe("writeProofShards", function () {
  let dir: string;
  const parent = () => join(dir, "31337", context.registry);

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "cardproof-shard-writer-"));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("lets one of two racing publishers of the same batch write, and the other find it done", async function () {
    const { batch, tree } = batchOf(3_000, "a");
    const results = await Promise.all([
      writeProofShards(dir, batch, tree, { shardBits: 4 }),
      writeProofShards(dir, batch, tree, { shardBits: 4 }),
    ]);
    expect(results.map((result) => result.status).sort()).to.deep.equal(["unchanged", "written"]);
    expect(await readdir(parent())).to.deep.equal([String(context.batchId)]);
    expect(await readdir(join(parent(), String(context.batchId)))).to.have.length(Math.ceil(3_000 / 16) + 1);
  });

  it("keeps the first of two racing batches with the same ids, refusing the second, and leaves no temporary folder", async function () {
    const first = batchOf(3_000, "a");
    const second = batchOf(3_000, "b");
    const results = await Promise.all([
      writeProofShards(dir, first.batch, first.tree, { shardBits: 4 }),
      writeProofShards(dir, second.batch, second.tree, { shardBits: 4 }),
    ]);
    expect(results.map((result) => result.status).sort()).to.deep.equal(["conflict", "written"]);
    const winner = results.findIndex((result) => result.status === "written");
    const index = JSON.parse(await readFile(join(parent(), String(context.batchId), "index.json"), "utf8"));
    expect(index.root).to.equal([first, second][winner]!.tree.root);
    expect(results[1 - winner]).to.deep.include({ existingRoot: index.root });
    expect(await readdir(parent())).to.deep.equal([String(context.batchId)]);
  });
});
