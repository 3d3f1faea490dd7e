import type { AuditFinding, FindingKind } from "./AuditFinding.js";
import type { TableComparison } from "./compareMirrorTable.js";

/** `consistent` (exit 0), `findings` (exit 1), `incomplete` (exit 2: nothing can be concluded). */
export type AuditVerdict = "consistent" | "findings" | "incomplete";

/** What was compared with an indexer, at which of its checkpoints. */
export type IndexerCheck = {
  source: "sqlite" | "api";
  /** File path, or the API's base URL (origin only). */
  location: string;
  /** The mirror's checkpoint (or the API's answer block) its rows were compared at. */
  checkpoint: number | null;
  tables: TableComparison[];
  skipped: { table: string; reason: string }[];
  /** Wall time of this comparison (reading the mirror or the API, replaying at its block, comparing). */
  ms: number;
};

/**
 * The audit's outcome as one JSON document (`--json`, `--report`): the chain and block audited,
 * the scope, what was checked (counts, so a clean verdict says what it covers), every finding
 * with its evidence, and the timings. Bigints are written as decimal strings.
 */
export type AuditReport = {
  version: 1;
  verdict: AuditVerdict;
  exitCode: 0 | 1 | 2;
  chain: {
    chainId: string;
    rpc: string;
    registry: string;
    escrow: string | null;
    fromBlock: number;
    /** The audited block: every view is read at it, every log up to it is replayed. */
    block: { number: number; hash: string; timestamp: number; requested: string } | null;
  };
  scope: {
    batch: string | null;
    card: string | null;
    /** `sample` (N random cards per batch), `full` (every card) or `card` (`--card`). */
    cards: "sample" | "full" | "card";
    sample: number | null;
    seed: number | null;
  };
  checked: {
    events: number;
    eventsReplayed: number;
    batches: number;
    links: number;
    issuers: number;
    redeemers: number;
    approvals: number;
    cards: number;
    runs: number;
    redemptionSegments: number;
    orders: number;
    credits: number;
    tokens: number;
    policies: number;
    balances: {
      token: string;
      balance: string;
      books: string;
      held: string;
      credits: string;
      fund: string;
      fees: string;
    }[];
    indexer: IndexerCheck[];
    /** What this audit did not look at, and why (scope, no escrow, …). */
    notChecked: string[];
  };
  /** Every finding counted, by kind (the list below keeps at most `--max-findings` per kind and table). */
  findingCounts: Partial<Record<FindingKind, number>>;
  findings: AuditFinding[];
  timings: {
    /** Waiting on `eth_getLogs` (node and network). */
    fetchMs: number;
    /** Decoding the logs (the auditor's own work). */
    decodeMs: number;
    /** Replaying them through the state machines (pure). */
    replayMs: number;
    /** Decoded and replayed events per second, fetch excluded. */
    eventsPerSecond: number;
    /** Contract views at the audited block. */
    viewsMs: number;
    viewCalls: number;
    indexerMs: number;
    totalMs: number;
    /** Peak resident memory of the audit process. */
    peakRssBytes: number;
  };
  startedAt: string;
  finishedAt: string;
  error?: { message: string; hint?: string };
};

/** The report as JSON text: bigints as decimal strings. */
export function reportJson(report: AuditReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2);
}
