import type { Hex } from "viem";

import { computeNextHead, GENESIS_HEAD, type ProvenanceEvent } from "../lib/provenanceChain.js";
import type { LinkEvent } from "./AuditEvent.js";

/** Where a link disagrees with the chain recomputed from the links before it. */
export type LinkMismatch = {
  reason: "seq-gap" | "head-mismatch";
  expectedSeq: number;
  actualSeq: number;
  expectedHead?: Hex;
  claimedHead?: Hex;
};

/** What a link that fits returns (shared: nothing is ever added to it). */
const NONE: LinkMismatch[] = [];

/** The link `event` describes, as `computeNextHead` takes it, numbered `seq`. */
export function toProvenanceLink(event: LinkEvent, seq: number): ProvenanceEvent {
  const base = { batchId: event.args.batchId, seq: BigInt(seq), head: event.args.head };
  switch (event.name) {
    case "BatchIssued":
      return { kind: "BatchIssued", ...base, issuer: event.args.issuer, params: event.args.params };
    case "LotTransferred": {
      const { from, to, start, end, operator } = event.args;
      return { kind: "LotTransferred", ...base, from, to, start, end, operator };
    }
    case "LotActivated": {
      const { holder, start, end, operator } = event.args;
      return { kind: "LotActivated", ...base, holder, start, end, operator };
    }
    case "LotRevoked": {
      const { start, end, reason } = event.args;
      return { kind: "LotRevoked", ...base, start, end, reason };
    }
    case "VoucherRedeemed": {
      const { serial, redeemer, cardKey } = event.args;
      return { kind: "VoucherRedeemed", ...base, serial, redeemer, cardKey };
    }
    case "RedeemerSet": {
      const { redeemer, allowed } = event.args;
      return { kind: "RedeemerSet", ...base, redeemer, allowed };
    }
  }
}

/**
 * One batch's provenance hash chain, recomputed link by link from the events' fields (with
 * `computeNextHead`, the off-chain mirror of `ProvenanceHash.sol`), next to what the events claim.
 *
 * @dev A missing link shows as a seq gap, an altered one as a head mismatch; the chain goes on
 *      from the recomputed head, so one bad link does not hide the next.
 */
export function createHashChain() {
  let seq = 0;
  let head: Hex = GENESIS_HEAD;
  let claimedSeq = 0;
  let claimedHead: Hex = GENESIS_HEAD;
  let mismatches = 0;
  return {
    /** Links recomputed so far. */
    get seq() {
      return seq;
    },
    /** The recomputed head. */
    get head() {
      return head;
    },
    /** Seq and head the last link claimed. */
    get claimedSeq() {
      return claimedSeq;
    },
    get claimedHead() {
      return claimedHead;
    },
    /** Disagreements so far. */
    get mismatches() {
      return mismatches;
    },
    /** Appends `event` as the next link; returns where it disagrees (empty when it fits). */
    link(event: LinkEvent): LinkMismatch[] {
      const expectedSeq = seq + 1;
      const actualSeq = event.args.seq;
      const next = computeNextHead(head, toProvenanceLink(event, expectedSeq));
      const found: LinkMismatch[] = actualSeq === expectedSeq && next === event.args.head ? NONE : [];
      if (actualSeq !== expectedSeq) found.push({ reason: "seq-gap", expectedSeq, actualSeq });
      if (next !== event.args.head) {
        found.push({
          reason: "head-mismatch",
          expectedSeq,
          actualSeq,
          expectedHead: next,
          claimedHead: event.args.head,
        });
      }
      seq = expectedSeq;
      head = next;
      claimedSeq = actualSeq;
      claimedHead = event.args.head;
      mismatches += found.length;
      return found;
    },
  };
}

export type HashChain = ReturnType<typeof createHashChain>;
