/**
 * What the auditor can find. Chain findings compare the replay of the chain's own logs with the
 * contracts' views at the audited block; indexer findings compare a mirror with that replay.
 */
export const FINDING_KINDS = {
  // ---------------------------------------------------------------- the chain's logs, internally
  /** A log of the followed contracts that their ABIs cannot decode. */
  "undecodable-log": "error",
  /** A link's claimed seq or head differs from the one recomputed from the links before it. */
  "link-mismatch": "error",
  /** An event that cannot happen in the state the replay reached (a missing or forged log, or a contract bug). */
  "replay-conflict": "error",
  /** An escrow order's id is not the hash of the terms its `OrderOpened` carries. */
  "order-id-mismatch": "error",
  /** A settlement's amounts differ from the order's amount split with its policy (FeeSplit). */
  "settlement-mismatch": "error",
  /** An `OrderFulfilled` without the matching lot transfer to the buyer in the same transaction. */
  "delivery-mismatch": "error",
  // ---------------------------------------------------------------- replay vs contract views
  /** A batch's recomputed hash-chain head differs from `batchOf(id).head`. */
  "head-mismatch": "error",
  /** A batch's replayed sequence number differs from `batchOf(id).seq`. */
  "seq-mismatch": "error",
  /** Other batch fields (issuer, count, stock start, root, expiry, …) differ from `batchOf`. */
  "batch-mismatch": "error",
  /** An issuer's id or profile differs from `issuerOf`. */
  "issuer-mismatch": "error",
  /** A redeemer's permission differs from `isRedeemer`. */
  "redeemer-mismatch": "error",
  /** An operator approval differs from `isApprovedOperator`. */
  "approval-mismatch": "error",
  /** A card's run (start, end) or holder differs from `runAt` / `statusOf`. */
  "custody-mismatch": "error",
  /** A card's activation differs from its run's flags on chain. */
  "activation-mismatch": "error",
  /** A card's revocation (flag or reason) differs from its run on chain. */
  "revocation-mismatch": "error",
  /** A card's redemption bit differs from `isRedeemed`. */
  "redeemed-mismatch": "error",
  /** `statusOf` answers another status than the replayed state implies. */
  "status-mismatch": "error",
  /** A card's printed card-key prefix differs from the card key its redemption proved (`audit card`). */
  "card-payload-mismatch": "error",
  /** An order's status, release time or opening block differs from `orderStateOf`. */
  "order-state-mismatch": "error",
  /** A payee's credit differs from `creditOf`. */
  "credit-mismatch": "error",
  /** A token's protection fund or accrued fees differ from `poolOf`. */
  "pool-mismatch": "error",
  /** Policies, allowed tokens or the fee recipient differ from the escrow's views. */
  "escrow-config-mismatch": "error",
  /**
   * `token.balanceOf(escrow)` differs from open orders + credits + fund + fees. A shortfall is an
   * error; a surplus (tokens sent to the escrow directly) a warning.
   */
  "escrow-balance-mismatch": "error",
  // ---------------------------------------------------------------- indexer vs replay
  /** The mirror is bound to another chain, registry, escrow or start block, or its checkpoint is not on this chain. */
  "indexer-identity-mismatch": "error",
  /** A row the replay derives is not in the mirror (deleted history, a skipped range). */
  "indexer-missing-row": "error",
  /** A row in the mirror the replay does not derive (an injected event, a fake holder's run). */
  "indexer-extra-row": "error",
  /** A row whose key matches but whose values differ (an altered holder, a wrong flag). */
  "indexer-different-row": "error",
  /** The mirror's checkpoint is further behind the audited block than `--max-indexer-lag` allows. */
  "indexer-behind": "warning",
} as const;

export type FindingKind = keyof typeof FINDING_KINDS;
export type FindingSeverity = "error" | "warning";

/** One inconsistency, with the evidence needed to look it up: where on chain, which batch, card, order or row. */
export type AuditFinding = {
  kind: FindingKind;
  severity: FindingSeverity;
  /** One line for people: what differs, and where. */
  message: string;
  batchId?: string;
  serial?: number;
  orderId?: string;
  token?: string;
  account?: string;
  /** Block and log of the evidence on chain. */
  block?: number;
  logIndex?: number;
  tx?: string;
  /** Mirror table (or API route) and the row's key, for indexer findings. */
  table?: string;
  key?: Record<string, unknown>;
  /** What the chain (or the replay of its logs) says. */
  expected?: unknown;
  /** What was found instead. */
  actual?: unknown;
};

/** A finding with its kind's default severity unless `severity` is given. */
export function finding(
  kind: FindingKind,
  message: string,
  fields: Omit<AuditFinding, "kind" | "severity" | "message"> & { severity?: FindingSeverity } = {},
): AuditFinding {
  const { severity, ...rest } = fields;
  return { kind, severity: severity ?? FINDING_KINDS[kind], message, ...rest };
}
