import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

import type { MerkleTree } from "./buildMerkleTree.js";
import { PROOF_SHARD_BITS, PROOF_SHARD_VERSION, encodeProofShard, proofShardBatchPath } from "./proofShardFormat.js";
import { proofShardsFromTree, type ProofShardBatch } from "./proofShardsFromTree.js";

/** The file beside a batch's shards that says which batch (and root) they are: for people and re-publishing. */
export const PROOF_SHARD_INDEX_FILE = "index.json";

/** What {@link writeProofShards} did. */
export type ProofShardWrite =
  | {
      /** `written`: the folder is new; `unchanged`: it already held these very shards (re-publishing). */
      status: "written" | "unchanged";
      /** The batch's shard folder: `<dir>/<chainId>/<registry>/<batchId>`. */
      folder: string;
      /** Shard files, without the index. */
      shards: number;
      /** Bytes of the shard files and the index. */
      bytes: number;
    }
  | {
      /** The folder holds shards of another batch with the same ids (another root): nothing was written. */
      status: "conflict";
      folder: string;
      /** The root the folder's index names, if it has a readable one. */
      existingRoot: string | undefined;
    };

/**
 * Writes a batch's proof shards under `dir` (layout in {@link proofShardBatchPath}), all or nothing:
 * into a hidden temporary folder beside the batch's, each file flushed, then renamed into place,
 * so a static host never serves half a batch.
 *
 * Never overwrites: when the batch's folder exists and its index is the one these shards would
 * get (same batch, count, root and shard size), nothing is written (`unchanged`); otherwise it is
 * left alone (`conflict`), e.g. another deployment's batch with the same ids on a restarted dev chain.
 *
 * @dev `tree` must be the tree of `batch.cardKeys`, checked against the on-chain root by the caller.
 */
export async function writeProofShards(
  dir: string,
  batch: ProofShardBatch,
  tree: MerkleTree,
  { shardBits = PROOF_SHARD_BITS, onProgress }: { shardBits?: number; onProgress?: (cards: number) => void } = {},
): Promise<ProofShardWrite> {
  const parent = join(dir, ...proofShardBatchPath(batch).split("/").slice(0, 2));
  const folder = join(parent, String(batch.batchId));
  const index = encodeIndex(batch, tree, shardBits);

  const existing = await compareExisting(folder, index);
  if (existing !== undefined) return existing;

  await mkdir(parent, { recursive: true });
  const temporary = join(parent, `.${batch.batchId}.tmp-${randomBytes(6).toString("hex")}`);
  await mkdir(temporary);
  let shards = 0;
  let bytes = 0;
  try {
    let cards = 0;
    for (const shard of proofShardsFromTree(batch, tree, shardBits)) {
      bytes += await writeFlushed(join(temporary, `${shard.shard}.json`), encodeProofShard(shard));
      shards++;
      cards += shard.cardKeys.length / 20;
      onProgress?.(cards);
    }
    bytes += await writeFlushed(join(temporary, PROOF_SHARD_INDEX_FILE), index);
    try {
      await rename(temporary, folder);
    } catch (error) {
      // Another publisher got there first: the same shards are as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      await rm(temporary, { recursive: true, force: true });
      return (await compareExisting(folder, index))!;
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  return { status: "written", folder, shards, bytes };
}

/** `undefined` when `folder` does not exist, else whether it holds these shards or another batch's. */
async function compareExisting(folder: string, index: string): Promise<ProofShardWrite | undefined> {
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (names === undefined) return undefined;
  const found = await readFile(join(folder, PROOF_SHARD_INDEX_FILE), "utf8").catch(() => undefined);
  if (found !== index) {
    let existingRoot: string | undefined;
    try {
      const root = (JSON.parse(found ?? "") as { root?: unknown }).root;
      existingRoot = typeof root === "string" ? root : undefined;
    } catch {
      existingRoot = undefined;
    }
    return { status: "conflict", folder, existingRoot };
  }
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(folder, name))).size;
  return { status: "unchanged", folder, shards: names.length - 1, bytes };
}

function encodeIndex(batch: ProofShardBatch, tree: MerkleTree, shardBits: number): string {
  const shards = Math.ceil(tree.leafCount / 2 ** shardBits);
  return `${JSON.stringify(
    {
      format: "cardproof-proof-shards",
      version: PROOF_SHARD_VERSION,
      chainId: String(batch.chainId),
      registry: batch.registry.toLowerCase(),
      batchId: String(batch.batchId),
      count: tree.leafCount,
      root: tree.root,
      shardBits,
      shards,
    },
    null,
    2,
  )}\n`;
}

/** Writes a new file and flushes it to disk; returns its size in bytes. */
async function writeFlushed(path: string, text: string): Promise<number> {
  const data = new TextEncoder().encode(text);
  const file = await open(path, "wx", 0o644);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  return data.length;
}
