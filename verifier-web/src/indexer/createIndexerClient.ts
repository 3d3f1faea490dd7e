import type { Address, Hex } from "viem";

import type { RepeatScans } from "../CardReport.js";
import type { IndexerEvent } from "./IndexerEvent.js";

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

type Envelope<T> = { block: { number: number }; data: T };

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

    /**
     * The card's custody timeline, oldest first, and the block the indexer reflects: pointers
     * into the chain (block hash, log index) with the fields it claims, all checked by the page.
     *
     * @throws {IndexerRefusedError} `MALFORMED_TIMELINE` when the answer is not a list of events.
     */
    async timeline(batchId: bigint, serial: number): Promise<{ blockNumber: number; events: IndexerEvent[] }> {
      const answer = await call<{ events?: unknown }>(`${cardPath(batchId, serial)}/timeline`);
      const events = answer.data.events;
      const blockNumber = answer.block.number;
      if (!Array.isArray(events) || !events.every((event) => typeof event === "object" && event !== null)) {
        throw new IndexerRefusedError("MALFORMED_TIMELINE");
      }
      if (typeof blockNumber !== "number" || !Number.isSafeInteger(blockNumber) || blockNumber < 0) {
        throw new IndexerRefusedError("MALFORMED_TIMELINE");
      }
      return { blockNumber, events: events as IndexerEvent[] };
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
