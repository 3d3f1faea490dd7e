import type { Address, Hex } from "viem";

import type { CardPayload } from "../../scripts/lib/cardPayload.js";
import type { RegistryConfig } from "./pageConfig.js";

/**
 * What the page tells the buyer, most important first. `unavailable` is neutral (the check could not
 * run: offer Retry) and never reads as counterfeit.
 */
export type VerdictKind =
  | "genuine"
  | "redeemed"
  | "revoked"
  | "expired"
  | "notActivated"
  | "counterfeit"
  | "unknownRegistry"
  | "unproven"
  | "unavailable";

/**
 * Why a card is counterfeit, for the explanation under the verdict: each is proven by the chain
 * alone, or by a proof that reached the on-chain root and names another card key than the QR.
 */
export type CounterfeitReason = "batchNotIssued" | "serialOutOfRange" | "cardKeyMismatch";

/** Why the check could not run. */
export type UnavailableReason = "rpcDown" | "wrongChain" | "noRpc" | "badHint";

/** The registry's `Status` enum, by name. */
export type ChainStatus = "Unknown" | "Active" | "Inactive" | "Redeemed" | "Revoked" | "Expired";

/**
 * One link of the card's custody timeline, as the page's own node logged it (the history service
 * only says where to look). `source`: listed by the service and found as listed; left out by the
 * service but found in a block the page fetched; or newer than the service, read from the node.
 */
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
  source: "indexer" | "omitted" | "node";
};

/** What the chain said about the card at `blockNumber`. */
export type ChainCard = {
  blockNumber: bigint;
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

/**
 * The Merkle proof check, done in this browser against the on-chain root, with the first proof
 * source (in the configured order) whose proof reached the root; or why no proof did.
 * `failed`: a proof reached the root and names another card key than the QR (proven counterfeit).
 * `notChecked.badSources`: sources whose proof did not reach the root (they served altered data).
 */
export type ProofCheck =
  | { state: "verified"; cardKey: Address; depth: number; source: string; badSources: string[] }
  | { state: "failed"; reason: "cardKeyMismatch"; source: string }
  | {
      state: "notChecked";
      reason: "sourcesDown" | "noManifest" | "badProof" | "noSource" | "noChain";
      badSources: string[];
    };

/** Something wrong with the history service's timeline, found by checking it against the chain. */
export type HistoryProblem =
  | { kind: "notOnChain"; event: string; blockNumber: number | null }
  | { kind: "altered"; seq: number; event: string; fields: string[] }
  | { kind: "listedTwice"; seq: number; event: string }
  | { kind: "omitted"; seq: number; event: string }
  | { kind: "hashLink"; seq: number; event: string }
  | { kind: "custodyGap"; seq: number; event: string }
  | { kind: "noIssuance" }
  | { kind: "stateDiffers"; fields: ("holder" | "activated" | "revoked" | "redeemed")[] };

/**
 * The history service's timeline checked against the page's own node (`history/checkTimeline.ts`).
 * `unfetched`: links of the batch (1 … `batchSeq`) the page did not hold, which the service says do
 * not touch this card; 0 means the page saw the batch's whole chain.
 */
export type HistoryCheck =
  | {
      state: "checked";
      problems: HistoryProblem[];
      shown: number;
      fromNode: number;
      batchSeq: bigint;
      unfetched: number;
    }
  | { state: "notChecked"; reason: "indexerDown" | "noHistory" | "rpcFailed" | "noIndexer" | "noBatch" | "tooLong" };

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
  /** Checked against the chain (see {@link HistoryCheck}); `undefined` when it could not be checked. */
  timeline: TimelineEvent[] | undefined;
  history: HistoryCheck;
  /** Registered issuer names of the accounts in the timeline (lower-case address → name). */
  names: ReadonlyMap<string, string>;
  repeat: RepeatScans | undefined;
};
