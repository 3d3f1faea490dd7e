import type { Address } from "viem";

import { CODE_LENGTH } from "../lib/codeAlphabet.js";
import { generateCodes } from "../lib/generateCode.js";
import { cardKeyOfPublicKey, createCardSeedHasher, seedToCardSecret } from "../lib/deriveCardKey.js";
import { createLeafHasher } from "../lib/hashLeaf.js";
import { hashPair } from "../lib/hashPair.js";
import { loadPublicKeyDeriver, type PublicKeyBackend } from "./loadPublicKeyDeriver.js";

/** log2 of {@link CARDS_PER_TASK}: the tree levels a task builds above its own leaves. */
export const TASK_TREE_LEVELS = 14;

/**
 * Cards per task (16,384): the unit of work handed to a worker thread and of progress reports. A
 * power of two, so that a task's leaves are a whole subtree of the batch tree up to
 * {@link TASK_TREE_LEVELS} levels, which the task can hash without looking at its neighbours.
 */
export const CARDS_PER_TASK = 2 ** TASK_TREE_LEVELS;

/**
 * The arrays a batch is prepared in, shared by every thread that works on it (views over
 * `SharedArrayBuffer`s when worker threads take part).
 */
export type PreparationBuffers = {
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  count: number;
  /** Canonical codes, 20 ASCII bytes per card. */
  codes: Uint8Array;
  /** Card keys (addresses of the code-derived keys, see `deriveCardKey`), 20 bytes per card. */
  cardKeys: Uint8Array;
  /** The secp256k1 implementation every thread uses (the one the calling thread could load). */
  backend: PublicKeyBackend;
  /**
   * `layers[0]`: the leaves (32 bytes per card); `layers[k]`: tree level `k`, for the levels the
   * tasks build (at most {@link TASK_TREE_LEVELS}, and never the root's level of a larger tree).
   */
  layers: Uint8Array[];
};

/** One task: a stage over the cards `[start, end)`; `start` is a multiple of {@link CARDS_PER_TASK}. */
export type PreparationTask = { stage: "codes" | "keys" | "tree"; start: number; end: number };

/**
 * Returns a function that runs {@link PreparationTask}s on `buffers` in the calling thread: what each
 * worker thread does with the tasks it receives, and what `prepareBatch` does itself without workers.
 *
 * - `codes`: fresh codes from the CSPRNG ({@link generateCodes}), written as ASCII;
 * - `keys`: card key (seed, secret, public key, address: `deriveCardKey`'s steps, with the native
 *   secp256k1 binding when `backend` is `native`) and leaf ({@link createLeafHasher}) of each card;
 * - `tree`: the levels `1 .. layers.length - 1` above the task's leaves, pairing nodes and promoting
 *   an odd last node exactly as `buildMerkleTree` does.
 *
 * @dev A task touches only its own cards' bytes, and on each level only the nodes above them, so
 *      tasks run in any order and in parallel. Tasks of one stage must all finish before the next
 *      stage starts (a tree task reads the leaves the hash tasks wrote).
 * @throws {RangeError} when the batch fields are invalid (at creation) or a task is out of range.
 */
export function createTaskRunner(buffers: PreparationBuffers): (task: PreparationTask) => void {
  const { chainId, registry, batchId, count, codes, cardKeys, layers } = buffers;
  const hashLeafInto = createLeafHasher({ chainId, registry, batchId });
  const seedInto = createCardSeedHasher({ chainId, registry, batchId });
  const publicKeys = loadPublicKeyDeriver(buffers.backend);
  // Per-card scratch, private to this thread: the secret never reaches a shared buffer.
  const secret = new Uint8Array(32);
  const publicKey = new Uint8Array(65);
  const leaves = layers[0]!;
  if (layers.length - 1 > TASK_TREE_LEVELS) {
    throw new RangeError(`tasks build at most ${TASK_TREE_LEVELS} tree levels, got ${layers.length - 1}`);
  }
  const charCodes = new Array<number>(CODE_LENGTH);

  const codeAt = (serial: number) => {
    for (let i = 0, at = CODE_LENGTH * serial; i < CODE_LENGTH; i++) charCodes[i] = codes[at + i]!;
    return String.fromCharCode(...charCodes);
  };

  return ({ stage, start, end }) => {
    if (!Number.isInteger(start) || start < 0 || start % CARDS_PER_TASK !== 0 || end <= start || end > count) {
      throw new RangeError(`task [${start}, ${end}) is not a task range of a ${count}-card batch`);
    }
    if (stage === "codes") {
      const fresh = generateCodes(end - start);
      for (let serial = start; serial < end; serial++) {
        const code = fresh[serial - start]!;
        for (let i = 0, at = CODE_LENGTH * serial; i < CODE_LENGTH; i++) codes[at + i] = code.charCodeAt(i);
      }
    } else if (stage === "keys") {
      try {
        for (let serial = start; serial < end; serial++) {
          seedInto(serial, codeAt(serial), secret);
          seedToCardSecret(secret, secret);
          publicKeys.derive(secret, publicKey);
          cardKeyOfPublicKey(publicKey, cardKeys, 20 * serial);
          hashLeafInto(serial, cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
        }
      } finally {
        secret.fill(0);
        charCodes.fill(0);
      }
    } else {
      // Nodes [low, high) of the level below; the last task's range ends at the level's end, where an
      // odd node is promoted.
      for (let level = 1, low = start, high = end; level < layers.length; level++) {
        const below = layers[level - 1]!;
        const layer = layers[level]!;
        const parentHigh = Math.ceil(high / 2);
        for (let parent = low / 2; parent < parentHigh; parent++) {
          if (2 * parent + 1 < high) {
            hashPair(below, below, layer, { aOffset: 64 * parent, bOffset: 64 * parent + 32, outOffset: 32 * parent });
          } else {
            layer.set(below.subarray(64 * parent, 64 * parent + 32), 32 * parent);
          }
        }
        low /= 2;
        high = parentHigh;
      }
    }
  };
}
