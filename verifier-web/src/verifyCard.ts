import type { Address, Hex } from "viem";

import type { CardPayload } from "../../scripts/lib/cardPayload.js";
import { decodeIssuerName } from "../../scripts/lib/issuerName.js";
import type { CardReport, ChainCard, HistoryCheck, ProofCheck, RepeatScans, TimelineEvent } from "./CardReport.js";
import { createJsonRpc, type JsonRpc } from "./chain/createJsonRpc.js";
import { BadHintError, readCardDetails, readCardOnChain, WrongChainError } from "./chain/readCardOnChain.js";
import { checkTimeline } from "./history/checkTimeline.js";
import { fetchBatchLogs } from "./history/fetchBatchLogs.js";
import { createIndexerClient, IndexerRefusedError, type IndexerClient } from "./indexer/createIndexerClient.js";
import type { IndexerEvent } from "./indexer/IndexerEvent.js";
import { findRegistry, type PageConfig, type RegistryConfig } from "./pageConfig.js";
import { proofSourcesOf } from "./proofs/proofSourcesOf.js";
import { proveCard } from "./proofs/proveCard.js";
import { verdictOf } from "./verdictOf.js";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Most timeline events the page looks up on its node (a card's history has a handful). */
const MAX_TIMELINE_EVENTS = 200;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * Checks one card end to end, trusting only the chain and this browser's own checks:
 * - the chain decides the batch, the serial, the status, the run and the root;
 * - proof sources (indexer, static shards, in the configured order) supply a Merkle proof, checked
 *   here against the on-chain root: green needs such a proof, whatever its source;
 * - the history service's timeline is only a list of pointers: every event is fetched from the
 *   node by block hash and compared, and the card's state after them must be the chain's.
 * Never throws: an unreachable node gives the neutral `unavailable` verdict; no provable proof the
 * neutral `unproven` (unless the chain alone proves redeemed, revoked or expired).
 *
 * @param countCheck whether to count this check on the indexer (the page counts a card once per
 *        browser session, and only when the verdict does not say counterfeit).
 */
export async function verifyCard(
  payload: CardPayload,
  config: PageConfig,
  { countCheck }: { countCheck: (registry: RegistryConfig) => boolean },
): Promise<CardReport> {
  const registry = findRegistry(config, payload);
  const base = {
    payload,
    registry,
    proof: { state: "notChecked", reason: "noChain", badSources: [] } as ProofCheck,
    timeline: undefined,
    history: { state: "notChecked", reason: "noBatch" } as HistoryCheck,
    names: new Map<string, string>(),
    repeat: undefined,
  };
  if (registry === undefined) return { ...base, verdict: "unknownRegistry" };
  if (registry.rpcUrls.length === 0) return { ...base, verdict: "unavailable", unavailableReason: "noRpc" };

  const rpc = createJsonRpc(registry.rpcUrls);
  const indexer = registry.indexerUrl === undefined ? undefined : createIndexerClient(registry.indexerUrl);
  const { batchId, serial } = payload;
  // Started before the chain reads: the indexer's proof also carries the run hint.
  const indexerProof = indexer?.proof(batchId, serial);
  indexerProof?.catch(() => undefined);
  const timelineFetch = settle(indexer?.timeline(batchId, serial));

  let chain: ChainCard;
  try {
    chain = await readCardOnChain(rpc, registry, payload, async () => {
      const proof = await settle(indexerProof);
      return proof.ok && Number.isSafeInteger(proof.value?.hint) ? proof.value?.hint : undefined;
    });
  } catch (error) {
    return {
      ...base,
      verdict: "unavailable",
      unavailableReason:
        error instanceof WrongChainError ? "wrongChain" : error instanceof BadHintError ? "badHint" : "rpcDown",
    };
  }
  if (chain.batch === undefined || chain.status === "Unknown") {
    return { ...base, chain, ...verdictOf(chain, base.proof) };
  }

  const card = { chainId: payload.chainId, registry: registry.address, batchId, serial };
  const sources = proofSourcesOf(registry, card, {
    indexerProof: indexerProof === undefined ? undefined : () => indexerProof,
  });
  const proof = await proveCard(sources, payload, registry, chain.batch.merkleRoot);
  const { verdict, counterfeitReason } = verdictOf(chain, proof);
  const listed = await timelineFetch;
  const accounts = listed.ok ? accountsIn(listed.value?.events ?? []) : [];
  const [details, checked, repeat] = await Promise.all([
    readCardDetails(rpc, registry, payload, chain, { accounts }),
    checkedLogs(rpc, registry, payload, chain, listed),
    verdict === "counterfeit" || indexer === undefined
      ? undefined
      : repeatScansOf(indexer, payload, countCheck(registry)),
  ]);
  chain.run = details.run;
  const names = new Map<string, string>();
  for (const [account, profileHash] of details.profiles) {
    const name = decodeIssuerName(profileHash);
    if (name !== undefined) names.set(account, name);
  }
  chain.batch.issuerName = names.get(chain.batch.issuer.toLowerCase());
  const { timeline, history } = checked(chain);
  return {
    ...base,
    verdict,
    ...(counterfeitReason === undefined ? {} : { counterfeitReason }),
    chain,
    proof,
    timeline,
    history,
    names,
    repeat,
  };
}

/**
 * Fetches the logs behind the listed timeline from the node (in parallel with the card's details)
 * and returns the check to run once the card's run is known.
 */
async function checkedLogs(
  rpc: JsonRpc,
  registry: RegistryConfig,
  payload: CardPayload,
  chain: ChainCard,
  listed: Settled<{ blockNumber: number; events: IndexerEvent[] } | undefined>,
): Promise<(chain: ChainCard) => { timeline: TimelineEvent[] | undefined; history: HistoryCheck }> {
  const notChecked = (reason: Extract<HistoryCheck, { state: "notChecked" }>["reason"]) => () => ({
    timeline: undefined,
    history: { state: "notChecked" as const, reason },
  });
  if (!listed.ok) {
    const refused = listed.error instanceof IndexerRefusedError;
    return notChecked(refused ? "noHistory" : "indexerDown");
  }
  if (listed.value === undefined) return notChecked("noIndexer");
  const { events, blockNumber: indexedBlock } = listed.value;
  if (events.length > MAX_TIMELINE_EVENTS) return notChecked("tooLong");
  const blocks = new Map<Hex, number>();
  for (const event of events) {
    if (typeof event.blockHash === "string" && HASH.test(event.blockHash) && typeof event.blockNumber === "number") {
      blocks.set(event.blockHash.toLowerCase() as Hex, event.blockNumber);
    }
  }
  try {
    const logs = await fetchBatchLogs(rpc, registry.address, payload.batchId, {
      blocks: [...blocks].map(([hash, number]) => ({ hash, number })),
      recent: { after: Math.min(indexedBlock, Number(chain.blockNumber)), upTo: Number(chain.blockNumber) },
    });
    return (card) => checkTimeline(payload.serial, events, logs, card);
  } catch {
    return notChecked("rpcFailed");
  }
}

/** Accounts named in the listed timeline, to look up registered names for (names only). */
function accountsIn(events: readonly IndexerEvent[]): Address[] {
  return events
    .flatMap((event) => [event.from, event.to, event.operator])
    .filter((value): value is Address => typeof value === "string" && ADDRESS.test(value));
}

async function repeatScansOf(
  indexer: IndexerClient,
  payload: CardPayload,
  record: boolean,
): Promise<RepeatScans | undefined> {
  try {
    return await indexer.verifications(payload.batchId, payload.serial, record);
  } catch {
    return undefined;
  }
}

async function settle<T>(promise: Promise<T> | undefined): Promise<Settled<T | undefined>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
