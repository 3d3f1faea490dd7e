import type { Address, Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";

import { InvalidProofShardError } from "./InvalidProofShardError.js";

/** The `format` field of every proof shard. */
export const PROOF_SHARD_FORMAT = "cardproof-proof-shard";
/** The shard format version this library writes and reads. */
export const PROOF_SHARD_VERSION = 1;
/**
 * log2 of the cards per shard in format version 1: 1,024 cards, about 46 KB per fetch (23 KB
 * gzipped) for any card of a 1,000,000-card batch (figures in verifier-web/README.md, from
 * `npm run bench:shards`). Fixed by the format so that a page computes a card's URL with no lookup.
 */
export const PROOF_SHARD_BITS = 10;

/** Which card a page wants a proof for: everything it knows from the card's QR and its config. */
export type ProofShardCard = { chainId: bigint; registry: Address; batchId: bigint; serial: number };

/**
 * One shard: the card keys of the aligned serial range `[shard << shardBits, …)` of a batch, and
 * the sibling path from that range's subtree root up to the batch's root.
 */
export type ProofShard = {
  chainId: bigint;
  /** Lower-case. */
  registry: Address;
  batchId: bigint;
  /** Cards in the whole batch: fixes the tree's shape, so the reader can check every length. */
  count: number;
  shardBits: number;
  /** The shard's number: it holds serials `shard << shardBits` onwards. */
  shard: number;
  /** `20 * n` bytes, the first serial's key first (n is {@link proofShardCardCount}). */
  cardKeys: Uint8Array;
  /**
   * Siblings from the shard's subtree root up to the batch root, bottom up, skipping the levels
   * where the node has no sibling (as `getProof` does): a card's proof is its proof inside the
   * shard followed by these.
   */
  upperProof: Hex[];
};

const MAX_UINT32 = 2 ** 32 - 1;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const BYTES32 = /^0x[0-9a-f]{64}$/;
const FIELDS = [
  "format",
  "version",
  "chainId",
  "registry",
  "batchId",
  "count",
  "shardBits",
  "shard",
  "cardKeys",
  "upperProof",
] as const;

/**
 * Where a batch's shards live under a shard folder or base URL: `<chainId>/<registry>/<batchId>/`,
 * the registry in lower case, ids in decimal.
 */
export function proofShardBatchPath({ chainId, registry, batchId }: Omit<ProofShardCard, "serial">): string {
  return `${chainId}/${registry.toLowerCase()}/${batchId}/`;
}

/** The shard holding `serial`. */
export function proofShardOf(serial: number, shardBits = PROOF_SHARD_BITS): number {
  return Math.floor(serial / 2 ** shardBits);
}

/**
 * A card's shard, relative to the shard folder or base URL:
 * `<chainId>/<registry>/<batchId>/<shard>.json` with `shard = floor(serial / 2^shardBits)`.
 */
export function proofShardPath(card: ProofShardCard, shardBits = PROOF_SHARD_BITS): string {
  return `${proofShardBatchPath(card)}${proofShardOf(card.serial, shardBits)}.json`;
}

/** How many card keys shard `shard` of a `count`-card batch holds: `2^shardBits`, fewer in the last one. */
export function proofShardCardCount(count: number, shard: number, shardBits = PROOF_SHARD_BITS): number {
  const size = 2 ** shardBits;
  return Math.max(0, Math.min(size, count - shard * size));
}

/**
 * How many siblings the upper proof of shard `shard` holds: one per tree level from `shardBits` up
 * where the shard's ancestor has a sibling.
 */
export function proofShardUpperLength(count: number, shard: number, shardBits = PROOF_SHARD_BITS): number {
  let length = 0;
  for (
    let level = shardBits, index = shard;
    Math.ceil(count / 2 ** level) > 1;
    level++, index = Math.floor(index / 2)
  ) {
    if ((index ^ 1) < Math.ceil(count / 2 ** level)) length++;
  }
  return length;
}

/**
 * The bytes of a shard: the JSON document
 *
 * ```
 * {"format":"cardproof-proof-shard","version":1,"chainId":"<decimal>","registry":"0x<40 hex>",
 *  "batchId":"<decimal>","count":<n>,"shardBits":<k>,"shard":<s>,"cardKeys":["0x<40 hex>",…],
 *  "upperProof":["0x<64 hex>",…]}
 * ```
 *
 * on one line, lower-case hex, keys in that order. Readers use {@link decodeProofShard}.
 */
export function encodeProofShard(shard: ProofShard): string {
  const keys: string[] = [];
  for (let i = 0; i < shard.cardKeys.length; i += 20) keys.push(`"${bytesToHex(shard.cardKeys.subarray(i, i + 20))}"`);
  return (
    `{"format":"${PROOF_SHARD_FORMAT}","version":${PROOF_SHARD_VERSION},"chainId":"${shard.chainId}",` +
    `"registry":"${shard.registry.toLowerCase()}","batchId":"${shard.batchId}","count":${shard.count},` +
    `"shardBits":${shard.shardBits},"shard":${shard.shard},"cardKeys":[${keys.join(",")}],` +
    `"upperProof":[${shard.upperProof.map((node) => `"${node.toLowerCase()}"`).join(",")}]}`
  );
}

/**
 * Reads a parsed shard document and checks every field against the shard that was asked for: the
 * format and version, the chain, registry, batch and shard number, the shard size, and the number
 * and form of the card keys and siblings for a batch of `count` cards.
 *
 * @dev It does not (cannot) check that the keys and siblings are the batch's: a proof derived from
 *      a shard must still be verified against the root read on chain, whatever served it.
 * @throws {InvalidProofShardError} naming the first field that is wrong.
 */
export function decodeProofShard(
  raw: unknown,
  expected: Omit<ProofShardCard, "serial"> & { shard: number; shardBits?: number },
): ProofShard {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InvalidProofShardError("$", "must be a JSON object");
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new InvalidProofShardError(key.length <= 16 ? key : "(a long key)", "is not a proof shard field");
    }
  }
  const shardBits = expected.shardBits ?? PROOF_SHARD_BITS;
  if (doc.format !== PROOF_SHARD_FORMAT) throw new InvalidProofShardError("format", `must be "${PROOF_SHARD_FORMAT}"`);
  if (doc.version !== PROOF_SHARD_VERSION) {
    throw new InvalidProofShardError("version", `must be ${PROOF_SHARD_VERSION} (the version this reader understands)`);
  }
  const same = (field: string, value: unknown, want: string) => {
    if (value !== want) throw new InvalidProofShardError(field, `must be ${want}, the card's`);
  };
  same("chainId", doc.chainId, String(expected.chainId));
  same("registry", doc.registry, expected.registry.toLowerCase());
  same("batchId", doc.batchId, String(expected.batchId));
  if (doc.shardBits !== shardBits) throw new InvalidProofShardError("shardBits", `must be ${shardBits}`);
  if (doc.shard !== expected.shard) throw new InvalidProofShardError("shard", `must be ${expected.shard}`);
  const count = doc.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_UINT32) {
    throw new InvalidProofShardError("count", `must be an integer from 1 to ${MAX_UINT32}`);
  }
  const cards = proofShardCardCount(count, expected.shard, shardBits);
  if (cards === 0) throw new InvalidProofShardError("count", `leaves no card in shard ${expected.shard}`);

  const cardKeys = doc.cardKeys;
  if (!Array.isArray(cardKeys) || cardKeys.length !== cards) {
    throw new InvalidProofShardError("cardKeys", `must list ${cards} card keys`);
  }
  const flat = new Uint8Array(20 * cards);
  cardKeys.forEach((key: unknown, i) => {
    if (typeof key !== "string" || !ADDRESS.test(key)) {
      throw new InvalidProofShardError(`cardKeys[${i}]`, "must be 0x followed by 40 lower-case hex digits");
    }
    flat.set(hexToBytes(key as Hex), 20 * i);
  });
  const upperLength = proofShardUpperLength(count, expected.shard, shardBits);
  const upperProof = doc.upperProof;
  if (!Array.isArray(upperProof) || upperProof.length !== upperLength) {
    throw new InvalidProofShardError("upperProof", `must list ${upperLength} sibling hashes`);
  }
  upperProof.forEach((node: unknown, i) => {
    if (typeof node !== "string" || !BYTES32.test(node)) {
      throw new InvalidProofShardError(`upperProof[${i}]`, "must be 0x followed by 64 lower-case hex digits");
    }
  });
  return {
    chainId: expected.chainId,
    registry: expected.registry.toLowerCase() as Address,
    batchId: expected.batchId,
    count,
    shardBits,
    shard: expected.shard,
    cardKeys: flat,
    upperProof: upperProof as Hex[],
  };
}
