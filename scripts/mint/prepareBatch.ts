import { availableParallelism } from "node:os";

import type { Address, Hex } from "viem";

import { encodeBatchManifest, hashBatchManifest } from "../lib/batchManifest.js";
import { buildMerkleTree, restoreMerkleTree, type MerkleTree } from "../lib/buildMerkleTree.js";
import { CODE_LENGTH } from "../lib/codeAlphabet.js";
import { createLeafHasher } from "../lib/hashLeaf.js";
import { loadPublicKeyDeriver, nativePublicKeyLoadError, type PublicKeyBackend } from "./loadPublicKeyDeriver.js";
import { createTaskPool } from "./createTaskPool.js";
import { CARDS_PER_TASK, TASK_TREE_LEVELS, type PreparationBuffers, type PreparationTask } from "./createTaskRunner.js";

/**
 * Most cards one batch preparation takes. The registry's own limit is `type(uint32).max` cards
 * (`BatchParams.count` is a `uint32`; see {@link REGISTRY_MAX_BATCH_CARDS}); this one bounds the
 * supplier's memory and time (1,000,000 cards: about 0.5 GB and a few seconds) and the size of one
 * print run. Issue larger runs as several batches.
 */
export const MAX_BATCH_CARDS = 1_000_000;

/** The registry's limit on a batch's card count: `BatchParams.count` is a `uint32`. */
export const REGISTRY_MAX_BATCH_CARDS = 2 ** 32 - 1;

/** The batch to prepare: the fields every leaf commits to, and the number of cards. */
export type BatchPreparationInput = { chainId: bigint; registry: Address; batchId: bigint; count: number };

/** The stages of {@link prepareBatch}, in the order they run. */
export type PreparationStage = "codes" | "keys" | "tree" | "manifest";

/** A batch ready to issue and print; see {@link prepareBatch}. */
export type PreparedBatch = {
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  count: number;
  /** Canonical codes, flat ASCII, 20 bytes per card (serial i at 20*i). Secret. */
  codes: Uint8Array;
  /** Card keys (addresses of the code-derived keys), 20 bytes per card. Public. */
  cardKeys: Uint8Array;
  /** The secp256k1 implementation that derived the card keys. */
  backend: PublicKeyBackend;
  /** The batch's Merkle tree; its `root` is what `issueBatch` commits. */
  tree: MerkleTree;
  /** encodeBatchManifest bytes (public: card keys only). */
  manifest: Uint8Array;
  /** keccak256 of manifest, what `issueBatch` commits as `manifestHash`. */
  manifestHash: Hex;
  /**
   * The canonical code of `serial` (a secret: never log it).
   *
   * @throws {RangeError} when `serial` is not in `[0, count)`.
   */
  codeAt(serial: number): string;
};

/** Options of {@link prepareBatch}. */
export type PrepareBatchOptions = {
  /**
   * Called at the start and end of each stage and after each 16,384 cards of the `codes`, `keys`
   * and `tree` stages, with the cards done and the batch's card count (`manifest` reports 0, then
   * the count). Stages do not overlap. An exception thrown here aborts the preparation.
   */
  onProgress?: (stage: PreparationStage, done: number, total: number) => void;
  /**
   * Worker threads: 0 prepares in the calling thread (blocking it between 16,384-card steps). By
   * default one per CPU (`os.availableParallelism()`), at most 8, none for a batch of 16,384 cards or
   * fewer (starting a worker costs more than it saves).
   */
  workers?: number;
  /**
   * `"noble"` derives the card keys in pure JS even when the native secp256k1 binding loads
   * (for comparisons); by default the native binding when available.
   */
  backend?: PublicKeyBackend;
  /**
   * Told once, in words, when the native secp256k1 binding did not load and minting falls back to
   * pure JS (about 8 times slower). Default: `process.emitWarning`. Never given any secret.
   */
  onWarning?: (message: string) => void;
};

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_WORKERS = 8;

/**
 * Prepares a batch off chain: fresh secret codes from the platform CSPRNG, their card keys (one
 * secp256k1 public-key derivation per card, see `deriveCardKey`), the leaves and Merkle tree, and the public manifest with its hash, all as the registry and
 * `scripts/lib` define them. Nothing is written anywhere: save the codes with `writeCodesFile`.
 *
 * @dev Codes, card keys, leaves and the lower 14 tree levels are computed in 16,384-card tasks spread
 *      over worker threads writing into `SharedArrayBuffer`s (see scripts/mint/README.md); the top
 *      levels and the manifest are built here. The returned arrays are ordinary (not shared)
 *      copies, and the shared copy of the codes is zeroed. Card secrets live only in each thread's
 *      32-byte scratch buffer, zeroed after each task. The public keys come from libsecp256k1 (npm
 *      `secp256k1`, native) when it loads, else from `@noble/curves`: see `npm run bench:mint` and
 *      scripts/mint/README.md for the figures.
 * @throws {RangeError} when `count` is not an integer from 1 to {@link MAX_BATCH_CARDS}, a batch field
 *         is out of its Solidity type's range, or `workers` is not a non-negative integer.
 */
export async function prepareBatch(
  input: BatchPreparationInput,
  options: PrepareBatchOptions = {},
): Promise<PreparedBatch> {
  const { chainId, registry, batchId, count } = input;
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH_CARDS) {
    throw new RangeError(
      `a batch holds 1 to ${MAX_BATCH_CARDS.toLocaleString("en-US")} cards, got ${count}: ` +
        `prepare a larger run as several batches`,
    );
  }
  if (typeof chainId !== "bigint" || chainId < 0n || chainId > MAX_UINT256) {
    throw new RangeError(`chainId ${chainId} is not a uint256`);
  }
  createLeafHasher({ chainId, registry, batchId }); // Checks registry and batchId before any work.
  const { onProgress } = options;
  const taskCount = Math.ceil(count / CARDS_PER_TASK);
  const workers = options.workers ?? defaultWorkerCount(count);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(`workers must be a non-negative integer, got ${workers}`);
  }

  const backend = loadPublicKeyDeriver(options.backend ?? "native").backend;
  if (backend === "noble" && options.backend !== "noble") {
    const warn = options.onWarning ?? ((message: string) => process.emitWarning(message));
    warn(
      `the native secp256k1 binding (npm secp256k1) did not load (${nativePublicKeyLoadError() ?? "unknown reason"}); ` +
        "deriving card keys in pure JS, about 8 times slower: run npm ci to restore it",
    );
  }
  const levels = Math.min(TASK_TREE_LEVELS, treeDepth(count));
  const useShared = workers > 0;
  const allocate = (bytes: number) => new Uint8Array(useShared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const buffers: PreparationBuffers = {
    chainId,
    registry,
    batchId,
    count,
    codes: allocate(CODE_LENGTH * count),
    cardKeys: allocate(20 * count),
    backend,
    layers: Array.from({ length: levels + 1 }, (_, level) => allocate(32 * Math.ceil(count / 2 ** level))),
  };
  const ranges = Array.from({ length: taskCount }, (_, i) => ({
    start: i * CARDS_PER_TASK,
    end: Math.min(count, (i + 1) * CARDS_PER_TASK),
  }));

  const pool = createTaskPool({ workers: Math.min(workers, taskCount), buffers });
  try {
    for (const stage of ["codes", "keys", "tree"] as const) {
      onProgress?.(stage, 0, count);
      let done = 0;
      const tasks: PreparationTask[] = ranges.map((range) => ({ stage, ...range }));
      await pool.run(tasks, ({ start, end }) => {
        done += end - start;
        // The tree stage ends with its top levels, below.
        if (stage !== "tree" || done < count) onProgress?.(stage, done, count);
      });
    }
  } catch (error) {
    buffers.codes.fill(0);
    throw error;
  } finally {
    await pool.close();
  }

  // Ordinary copies: a shared buffer is refused by some APIs (TextDecoder, Web Crypto).
  const own = (array: Uint8Array) => (useShared ? array.slice() : array);
  const codes = own(buffers.codes);
  if (useShared) buffers.codes.fill(0);
  const cardKeys = own(buffers.cardKeys);
  const lower = buffers.layers.map(own);
  const top = buildMerkleTree(lower[levels]!);
  const tree = restoreMerkleTree([...lower.slice(0, levels), ...top.layers]);
  onProgress?.("tree", count, count);

  onProgress?.("manifest", 0, count);
  const manifest = encodeBatchManifest({ chainId, registry, batchId, cardKeys });
  const manifestHash = hashBatchManifest(manifest);
  onProgress?.("manifest", count, count);

  return {
    chainId,
    registry,
    batchId,
    count,
    codes,
    cardKeys,
    backend,
    tree,
    manifest,
    manifestHash,
    codeAt(serial) {
      if (!Number.isInteger(serial) || serial < 0 || serial >= count) {
        throw new RangeError(`serial ${serial} is outside the batch: it has ${count} cards (0 to ${count - 1})`);
      }
      return String.fromCharCode(...codes.subarray(CODE_LENGTH * serial, CODE_LENGTH * (serial + 1)));
    },
  };
}

/**
 * The worker threads {@link prepareBatch} uses by default for `count` cards: one per CPU
 * (`os.availableParallelism()`), at most 8 and at most one per 16,384-card task; none for a batch of
 * one task, which a worker's start-up (about 0.2 s) would only slow down.
 */
export function defaultWorkerCount(count: number): number {
  const tasks = Math.ceil(count / CARDS_PER_TASK);
  return tasks > 1 ? Math.min(availableParallelism(), MAX_WORKERS, tasks) : 0;
}

/** Levels above the leaves in a tree of `count` leaves (0 for one leaf). */
function treeDepth(count: number): number {
  let depth = 0;
  for (let nodes = count; nodes > 1; nodes = Math.ceil(nodes / 2)) depth++;
  return depth;
}
