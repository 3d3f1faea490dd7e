import type { Address, Hex } from "viem";

import type { RepeatScans, TimelineEvent } from "../CardReport.js";

/** The indexer could not be reached, or answered with a server error. */
export class IndexerUnavailableError extends Error {
  override readonly name = "IndexerUnavailableError";
}

/** The indexer answered with an error code (e.g. `MANIFEST_NOT_FOUND`, `BATCH_NOT_FOUND`). */
export class IndexerRefusedError extends Error {
  override readonly name = "IndexerRefusedError";
  constructor(readonly code: string) {
    super(code);
  }
}

/** A card's Merkle proof as the indexer serves it (re-checked by the page against the chain). */
export type IndexerProof = {
  chainId: string;
  registry: Address;
  /** The card key (an address) the leaf commits to. */
  cardKey: Address;
  proof: Hex[];
  root: Hex;
  hint: number;
};

/** The indexer's replay of a batch's hash chain. */
export type IndexerAudit = { seq: number; head: Hex; chainOk: boolean } | null;

type Envelope<T> = { block: { number: number }; data: T };

const TIMELINE_KINDS = new Set(["BatchIssued", "LotTransferred", "LotActivated", "LotRevoked", "VoucherRedeemed"]);

/**
 * The indexer's read API for one card (`/v1/batches/{batchId}/cards/{serial}/…`), plus the
 * verification counter. Nothing it returns is trusted for the verdict without a check on chain.
 */
export function createIndexerClient(baseUrl: string, { timeoutMs = 4_000 }: { timeoutMs?: number } = {}) {
  async function call<T>(path: string, init: RequestInit = {}): Promise<Envelope<T>> {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
        credentials: "omit",
        referrerPolicy: "no-referrer",
        cache: "no-store",
      });
    } catch (error) {
      throw new IndexerUnavailableError("the indexer cannot be reached", { cause: error });
    }
    let body: { error?: { code?: string } } & Partial<Envelope<T>>;
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new IndexerUnavailableError(`the indexer answered HTTP ${response.status} without JSON`);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new IndexerUnavailableError(`the indexer answered HTTP ${response.status}`);
    }
    if (!response.ok || body.data === undefined || body.block === undefined) {
      throw new IndexerRefusedError(body.error?.code ?? `HTTP_${response.status}`);
    }
    return body as Envelope<T>;
  }

  const cardPath = (batchId: bigint, serial: number) => `v1/batches/${batchId}/cards/${serial}`;

  return {
    /** The card's proof and run hint. */
    async proof(batchId: bigint, serial: number): Promise<IndexerProof> {
      return (await call<IndexerProof>(`${cardPath(batchId, serial)}/proof`)).data;
    },

    /** The card's custody timeline, oldest first, and the block the indexer reflects. */
    async timeline(batchId: bigint, serial: number): Promise<{ blockNumber: number; events: TimelineEvent[] }> {
      const answer = await call<{ events: (Omit<TimelineEvent, "kind"> & { event: string })[] }>(
        `${cardPath(batchId, serial)}/timeline`,
      );
      const events = answer.data.events
        .filter((event) => TIMELINE_KINDS.has(event.event))
        .map(({ event, seq, blockNumber, txHash, timestamp, from, to, operator, reason }) => ({
          kind: event as TimelineEvent["kind"],
          seq,
          blockNumber,
          txHash,
          timestamp,
          from,
          to,
          operator,
          reason,
        }));
      return { blockNumber: answer.block.number, events };
    },

    /** The indexer's replayed hash-chain tip for the batch, and the block it reflects. */
    async audit(batchId: bigint): Promise<{ blockNumber: number; replayed: IndexerAudit }> {
      const answer = await call<{ replayed: IndexerAudit }>(`v1/batches/${batchId}/audit`);
      return { blockNumber: answer.block.number, replayed: answer.data.replayed };
    },

    /**
     * Counts this check (`record`) or only reads the count. The request carries the card's batch and
     * serial, nothing about the person.
     */
    async verifications(batchId: bigint, serial: number, record: boolean): Promise<RepeatScans> {
      const answer = await call<RepeatScans>(
        `${cardPath(batchId, serial)}/verifications`,
        record ? { method: "POST" } : {},
      );
      return answer.data;
    },
  };
}

export type IndexerClient = ReturnType<typeof createIndexerClient>;
