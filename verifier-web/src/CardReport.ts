import type { Address, Hex } from "viem";

import type { CardPayload } from "../../scripts/lib/cardPayload.js";
import type { RegistryConfig } from "./pageConfig.js";

/**
 * What the page tells the buyer, most important first. `unavailable` is neutral (the check could not
 * run: offer Retry) and never reads as counterfeit.
 */
export type VerdictKind =
  "genuine" | "redeemed" | "revoked" | "expired" | "notActivated" | "counterfeit" | "unknownRegistry" | "unavailable";

/** Why a card is counterfeit, for the explanation under the verdict. */
export type CounterfeitReason = "batchNotIssued" | "serialOutOfRange" | "cardKeyMismatch" | "proofInvalid";

/** Why the check could not run. */
export type UnavailableReason = "rpcDown" | "wrongChain" | "noRpc";

/** The registry's `Status` enum, by name. */
export type ChainStatus = "Unknown" | "Active" | "Inactive" | "Redeemed" | "Revoked" | "Expired";

/** One link of the card's custody timeline, as the indexer reports it. */
export type TimelineEvent = {
  kind: "BatchIssued" | "LotTransferred" | "LotActivated" | "LotRevoked" | "VoucherRedeemed";
  seq: number;
  blockNumber: number;
  txHash: Hex;
  /** Unix seconds, or null when the indexer did not store the block's time. */
  timestamp: number | null;
  from: Address | null;
  to: Address | null;
  operator: Address | null;
  reason: number | null;
};

/** What the chain said about the card at `blockNumber`. */
export type ChainCard = {
  blockNumber: bigint;
  /** Unix seconds of that block. */
  blockTimestamp: number;
  issued: boolean;
  status: ChainStatus;
  holder: Address;
  /** Start of the card's custody run (the hint `statusOf` and `runAt` take), when the card exists. */
  runStart: number | undefined;
  batch?: {
    issuer: Address;
    issuerName: string | undefined;
    count: number;
    expiresAt: number;
    activationRequired: boolean;
    seq: bigint;
    head: Hex;
    faceValue: bigint;
    currency: string;
    merkleRoot: Hex;
  };
  /** The card's custody run (activation and revocation flags), when the batch exists. */
  run?: { start: number; end: number; activated: boolean; revoked: boolean; revokeReason: number } | undefined;
};

/** The Merkle proof check: done in this browser against the on-chain root, or why not. */
export type ProofCheck =
  | { state: "verified"; cardKey: Address; depth: number }
  | { state: "failed"; reason: "cardKeyMismatch" | "proofInvalid" }
  | { state: "notChecked"; reason: "indexerDown" | "noManifest" | "noChain" };

/** The indexer's history compared with the on-chain hash chain. */
export type HistoryCheck =
  | { state: "matches"; seq: bigint; blockNumber: number }
  | { state: "behind"; indexedSeq: bigint; chainSeq: bigint; blockNumber: number }
  | { state: "mismatch"; blockNumber: number }
  | { state: "notChecked" };

/** "Checked N times, first on …" from the indexer's counter. */
export type RepeatScans = { count: number; firstAt: number | null };

/** Everything the page shows for one card. */
export type CardReport = {
  payload: CardPayload;
  registry: RegistryConfig | undefined;
  verdict: VerdictKind;
  counterfeitReason?: CounterfeitReason;
  unavailableReason?: UnavailableReason;
  chain?: ChainCard;
  proof: ProofCheck;
  /** `undefined` when the indexer could not be reached. */
  timeline: TimelineEvent[] | undefined;
  /** The indexer's block when it answered. */
  indexedBlock: number | undefined;
  history: HistoryCheck;
  /** Registered issuer names of the accounts in the timeline (lower-case address → name). */
  names: ReadonlyMap<string, string>;
  repeat: RepeatScans | undefined;
};
