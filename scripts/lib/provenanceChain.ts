import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

import { hashStaticWords } from "./hashStaticWords.js";

/**
 * Off-chain mirror of `contracts/libraries/ProvenanceHash.sol`: recomputes a batch's provenance
 * hash chain from decoded registry events, so an indexer or an auditor can prove that the
 * history it holds is exactly the history the chain committed to.
 *
 * @dev `head_n = keccak256(abi.encode(head_{n-1}, n, kind, fields...))`, `head_0 = 0x00..00`.
 */

/** Kinds of batch state change, as numbered on chain. */
export const ProvenanceKind = {
  Issued: 1,
  Transferred: 2,
  Activated: 3,
  Revoked: 4,
  Redeemed: 5,
  RedeemerSet: 6,
} as const;

/** The `BatchParams` tuple of `BatchIssued`, as viem or ethers decode it. */
export type BatchParamsFields = {
  merkleRoot: Hex;
  count: number | bigint;
  faceValue: bigint;
  currency: Hex;
  expiresAt: number | bigint;
  activationRequired: boolean;
  metadataHash: Hex;
  manifestHash: Hex;
  metadataURI: string;
};

/** One link of a chain: the decoded fields of a registry event that carries `seq` and `head`. */
export type ProvenanceEvent =
  | { kind: "BatchIssued"; batchId: bigint; issuer: Address; params: BatchParamsFields; seq: bigint; head: Hex }
  | {
      kind: "LotTransferred";
      batchId: bigint;
      from: Address;
      to: Address;
      start: number;
      end: number;
      operator: Address;
      seq: bigint;
      head: Hex;
    }
  | {
      kind: "LotActivated";
      batchId: bigint;
      holder: Address;
      start: number;
      end: number;
      operator: Address;
      seq: bigint;
      head: Hex;
    }
  | { kind: "LotRevoked"; batchId: bigint; start: number; end: number; reason: number; seq: bigint; head: Hex }
  | {
      kind: "VoucherRedeemed";
      batchId: bigint;
      serial: number;
      redeemer: Address;
      /** The card key whose signature authorized the redemption (registry v2). */
      cardKey: Address;
      seq: bigint;
      head: Hex;
    }
  | { kind: "RedeemerSet"; batchId: bigint; redeemer: Address; allowed: boolean; seq: bigint; head: Hex };

/** The zero head every batch's chain starts from. */
export const GENESIS_HEAD: Hex = `0x${"00".repeat(32)}`;

const BATCH_PARAMS_TUPLE = {
  type: "tuple",
  components: [
    { name: "merkleRoot", type: "bytes32" },
    { name: "count", type: "uint32" },
    { name: "faceValue", type: "uint64" },
    { name: "currency", type: "bytes3" },
    { name: "expiresAt", type: "uint32" },
    { name: "activationRequired", type: "bool" },
    { name: "metadataHash", type: "bytes32" },
    { name: "manifestHash", type: "bytes32" },
    { name: "metadataURI", type: "string" },
  ],
} as const;

const LINK_PREFIX = [{ type: "bytes32" }, { type: "uint40" }, { type: "uint8" }, { type: "uint64" }] as const;

/**
 * The head that follows `previousHead` when `event` is appended as link number `event.seq`.
 * Uses the event's fields only; the `head` the event claims is not read here.
 */
export function computeNextHead(previousHead: Hex, event: ProvenanceEvent): Hex {
  const prefix = [previousHead, Number(event.seq), ProvenanceKind[kindOf(event)], event.batchId] as const;
  switch (event.kind) {
    case "BatchIssued":
      return keccak256(
        encodeAbiParameters(
          [...LINK_PREFIX, { type: "address" }, BATCH_PARAMS_TUPLE],
          [
            ...prefix,
            event.issuer,
            {
              ...event.params,
              count: Number(event.params.count),
              expiresAt: Number(event.params.expiresAt),
            },
          ],
        ),
      );
    // The other kinds are all static words: the fast encoder (same bytes as abi.encode).
    case "LotTransferred":
      return hashStaticWords([...prefix, event.from, event.to, event.start, event.end, event.operator]);
    case "LotActivated":
      return hashStaticWords([...prefix, event.holder, event.start, event.end, event.operator]);
    case "LotRevoked":
      return hashStaticWords([...prefix, event.start, event.end, event.reason]);
    case "VoucherRedeemed":
      return hashStaticWords([...prefix, event.serial, event.redeemer, event.cardKey]);
    case "RedeemerSet":
      return hashStaticWords([...prefix, event.redeemer, event.allowed]);
  }
}

function kindOf(event: ProvenanceEvent): keyof typeof ProvenanceKind {
  switch (event.kind) {
    case "BatchIssued":
      return "Issued";
    case "LotTransferred":
      return "Transferred";
    case "LotActivated":
      return "Activated";
    case "LotRevoked":
      return "Revoked";
    case "VoucherRedeemed":
      return "Redeemed";
    case "RedeemerSet":
      return "RedeemerSet";
  }
}

/** Where a replayed chain first disagrees with what its events claim. */
export type ProvenanceMismatch = {
  batchId: bigint;
  /** Index of the offending event in the input. */
  index: number;
  reason: "seq-gap" | "head-mismatch" | "issued-twice" | "before-issuance";
  expectedSeq: bigint;
  actualSeq: bigint;
  expectedHead?: Hex;
  claimedHead?: Hex;
};

/** Replayed tip of one batch's chain. */
export type ProvenanceTip = { seq: bigint; head: Hex };

/**
 * Replays events of any number of batches, in chain order, and returns each batch's tip plus
 * every place where an event's `seq` skips or its claimed `head` differs from the recomputed one.
 *
 * @dev A missing event shows up as a seq gap; a forged or altered one as a head mismatch.
 * Replay continues past a mismatch from the recomputed head, so one bad row does not hide others.
 */
export function replayProvenance(events: Iterable<ProvenanceEvent>): {
  tips: Map<bigint, ProvenanceTip>;
  mismatches: ProvenanceMismatch[];
} {
  const tips = new Map<bigint, ProvenanceTip>();
  const mismatches: ProvenanceMismatch[] = [];
  let index = 0;
  for (const event of events) {
    const tip = tips.get(event.batchId);
    if (event.kind === "BatchIssued" && tip !== undefined) {
      mismatches.push({
        batchId: event.batchId,
        index,
        reason: "issued-twice",
        expectedSeq: tip.seq + 1n,
        actualSeq: event.seq,
      });
    } else if (event.kind !== "BatchIssued" && tip === undefined) {
      mismatches.push({
        batchId: event.batchId,
        index,
        reason: "before-issuance",
        expectedSeq: 1n,
        actualSeq: event.seq,
      });
    }
    const previous = tip ?? { seq: 0n, head: GENESIS_HEAD };
    const expectedSeq = previous.seq + 1n;
    if (event.seq !== expectedSeq) {
      mismatches.push({ batchId: event.batchId, index, reason: "seq-gap", expectedSeq, actualSeq: event.seq });
    }
    const head = computeNextHead(previous.head, { ...event, seq: expectedSeq });
    if (head !== event.head.toLowerCase()) {
      mismatches.push({
        batchId: event.batchId,
        index,
        reason: "head-mismatch",
        expectedSeq,
        actualSeq: event.seq,
        expectedHead: head,
        claimedHead: event.head,
      });
    }
    tips.set(event.batchId, { seq: expectedSeq, head });
    index++;
  }
  return { tips, mismatches };
}
