import type { Hex } from "viem";

/**
 * Where a log sits on chain. Addresses and hashes throughout the auditor are lower-case hex, so
 * they compare with `===` and match the mirror's columns.
 */
export type LogPosition = {
  block: number;
  logIndex: number;
  blockHash: Hex;
  tx: Hex;
  /** Unix seconds of the block: from `eth_getLogs` when the node includes it, else filled in when needed. */
  time: number | null;
};

/** `BatchIssued.params`, decoded. */
export type AuditBatchParams = {
  merkleRoot: Hex;
  count: number;
  faceValue: bigint;
  currency: Hex;
  expiresAt: number;
  activationRequired: boolean;
  metadataHash: Hex;
  manifestHash: Hex;
  metadataURI: string;
};

/** `OrderOpened.order`: the escrow order's terms. */
export type AuditOrderTerms = {
  buyer: Hex;
  supplier: Hex;
  token: Hex;
  batchId: bigint;
  quantity: number;
  unitPrice: bigint;
  fulfilDeadline: number;
  challengeWindow: number;
  minValidity: number;
  acceptActivated: boolean;
  policyId: number;
  buyerRef: Hex;
  salt: Hex;
};

type Event<C extends "registry" | "escrow", N extends string, A> = LogPosition & {
  contract: C;
  name: N;
  args: A;
};

/** Registry events, with their arguments under the ABI's names. uint ≤ 48 bits are numbers, wider ones bigints. */
export type RegistryEvent =
  | Event<"registry", "IssuerRegistered", { account: Hex; issuerId: number; profileHash: Hex }>
  | Event<"registry", "IssuerKeyRotated", { issuerId: number; previousAccount: Hex; newAccount: Hex }>
  | Event<"registry", "BatchIssued", { batchId: bigint; issuer: Hex; seq: number; head: Hex; params: AuditBatchParams }>
  | Event<
      "registry",
      "LotTransferred",
      { batchId: bigint; from: Hex; to: Hex; start: number; end: number; operator: Hex; seq: number; head: Hex }
    >
  | Event<
      "registry",
      "LotActivated",
      { batchId: bigint; holder: Hex; start: number; end: number; operator: Hex; seq: number; head: Hex }
    >
  | Event<
      "registry",
      "LotRevoked",
      { batchId: bigint; start: number; end: number; reason: number; seq: number; head: Hex }
    >
  | Event<
      "registry",
      "VoucherRedeemed",
      { batchId: bigint; serial: number; redeemer: Hex; cardKey: Hex; seq: number; head: Hex }
    >
  | Event<"registry", "RedeemerSet", { batchId: bigint; redeemer: Hex; allowed: boolean; seq: number; head: Hex }>
  | Event<"registry", "ApprovalForBatch", { holder: Hex; batchId: bigint; operator: Hex; approved: boolean }>
  | Event<"registry", "ApprovalForAll", { holder: Hex; operator: Hex; approved: boolean }>;

/** Escrow events. */
export type EscrowEvent =
  | Event<"escrow", "OrderOpened", { orderId: Hex; buyer: Hex; supplier: Hex; order: AuditOrderTerms; amount: bigint }>
  | Event<"escrow", "OrderFulfilled", { orderId: Hex; start: number; end: number; releaseAt: number }>
  | Event<"escrow", "OrderDisputed", { orderId: Hex; reasonHash: Hex; deadline: number }>
  | Event<"escrow", "OrderCardsReturned", { orderId: Hex; start: number; end: number; returned: number }>
  | Event<"escrow", "OrderConfirmed", { orderId: Hex; supplierAmount: bigint; platformFee: bigint; fundFee: bigint }>
  | Event<
      "escrow",
      "OrderReleased",
      { orderId: Hex; caller: Hex; supplierAmount: bigint; platformFee: bigint; fundFee: bigint }
    >
  | Event<
      "escrow",
      "OrderResolved",
      {
        orderId: Hex;
        arbiter: Hex;
        buyerShareBps: number;
        buyerAmount: bigint;
        supplierAmount: bigint;
        platformFee: bigint;
        fundFee: bigint;
      }
    >
  | Event<"escrow", "OrderRefunded", { orderId: Hex; buyer: Hex; amount: bigint; reason: number; caller: Hex }>
  | Event<"escrow", "Withdrawn", { account: Hex; token: Hex; amount: bigint; to: Hex }>
  | Event<"escrow", "ProtectionFundPaid", { token: Hex; to: Hex; amount: bigint; arbiter: Hex; caseRef: Hex }>
  | Event<"escrow", "FeesCollected", { token: Hex; recipient: Hex; amount: bigint }>
  | Event<
      "escrow",
      "PolicyUpdated",
      {
        policyId: number;
        arbiter: Hex;
        feeBps: number;
        fundShareBps: number;
        disputeTimeout: number;
        timeoutBuyerShareBps: number;
      }
    >
  | Event<"escrow", "ArbiterReplaced", { policyId: number; previous: Hex; arbiter: Hex }>
  | Event<"escrow", "TokenAllowlistUpdated", { token: Hex; allowed: boolean }>
  | Event<"escrow", "FeeRecipientUpdated", { recipient: Hex }>;

/**
 * Events the replay does not act on (roles, pausing): kept with their decoded arguments, so a
 * mirror's copy of them can still be compared. `name` is null for a log neither ABI describes.
 */
export type OtherEvent = LogPosition & {
  contract: "registry" | "escrow";
  name: string | null;
  other: true;
  args: Record<string, unknown>;
  /** Set when the ABI names the event but its topics or data do not decode (args then hold them raw). */
  undecodable?: true;
};

/** One decoded log of the registry or the escrow. */
export type AuditEvent = RegistryEvent | EscrowEvent | OtherEvent;

/** Registry events that extend a batch's hash chain. */
export type LinkEvent = Extract<
  RegistryEvent,
  { name: "BatchIssued" | "LotTransferred" | "LotActivated" | "LotRevoked" | "VoucherRedeemed" | "RedeemerSet" }
>;

/** Whether `event` is one the replay acts on (not a role, pause or unknown log). */
export function isKnownEvent(event: AuditEvent): event is RegistryEvent | EscrowEvent {
  return !("other" in event);
}

const LINK_NAMES = new Set([
  "BatchIssued",
  "LotTransferred",
  "LotActivated",
  "LotRevoked",
  "VoucherRedeemed",
  "RedeemerSet",
]);

/** Whether `event` is a link of a batch's hash chain. */
export function isLinkEvent(event: AuditEvent): event is LinkEvent {
  return event.contract === "registry" && !("other" in event) && LINK_NAMES.has(event.name);
}
