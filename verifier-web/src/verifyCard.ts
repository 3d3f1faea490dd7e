import type { Address } from "viem";

import type { CardPayload } from "../../scripts/lib/cardPayload.js";
import { decodeIssuerName } from "../../scripts/lib/issuerName.js";
import type { CardReport, ChainCard, HistoryCheck, ProofCheck, RepeatScans } from "./CardReport.js";
import { checkProof } from "./checkProof.js";
import { createJsonRpc } from "./chain/createJsonRpc.js";
import { readCardDetails, readCardOnChain, WrongChainError, type CardDetails } from "./chain/readCardOnChain.js";
import {
  createIndexerClient,
  IndexerRefusedError,
  type IndexerAudit,
  type IndexerClient,
  type IndexerProof,
} from "./indexer/createIndexerClient.js";
import { findRegistry, type PageConfig, type RegistryConfig } from "./pageConfig.js";
import { verdictOf } from "./verdictOf.js";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Checks one card end to end. The chain decides (batch, status, run, root); the indexer supplies the
 * proof (re-checked here against the on-chain root), the custody timeline and its audit, and the
 * repeat-scan counter. Never throws: an unreachable node gives the neutral `unavailable` verdict, an
 * unreachable indexer a chain-only verdict with the proof marked "not checked".
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
    proof: { state: "notChecked", reason: "noChain" } as ProofCheck,
    timeline: undefined,
    indexedBlock: undefined,
    history: { state: "notChecked" } as HistoryCheck,
    names: new Map<string, string>(),
    repeat: undefined,
  };
  if (registry === undefined) return { ...base, verdict: "unknownRegistry" };
  if (registry.rpcUrls.length === 0) return { ...base, verdict: "unavailable", unavailableReason: "noRpc" };

  const rpc = createJsonRpc(registry.rpcUrls);
  const indexer = registry.indexerUrl === undefined ? undefined : createIndexerClient(registry.indexerUrl);
  const { batchId, serial } = payload;
  const proofFetch = settle(indexer?.proof(batchId, serial));
  const timelineFetch = settle(indexer?.timeline(batchId, serial));
  const auditFetch = settle(indexer?.audit(batchId));

  let chain: ChainCard;
  try {
    chain = await readCardOnChain(rpc, registry, payload, async () => {
      const proof = await proofFetch;
      return proof.ok ? proof.value?.hint : undefined;
    });
  } catch (error) {
    return {
      ...base,
      verdict: "unavailable",
      unavailableReason: error instanceof WrongChainError ? "wrongChain" : "rpcDown",
    };
  }

  const proof = proofCheckOf(payload, registry, chain, await proofFetch);
  const { verdict, counterfeitReason } = verdictOf(chain, proof);
  const [timeline, audit] = await Promise.all([timelineFetch, auditFetch]);
  const events = timeline.ok ? timeline.value?.events : undefined;
  const accounts = (events ?? []).flatMap((event) => [event.from, event.to, event.operator].filter(isAddress));
  const auditBlock = audit.ok ? audit.value?.blockNumber : undefined;
  const [details, repeat] = await Promise.all([
    readCardDetails(rpc, registry, payload, chain, { accounts, headAt: auditBlock }),
    verdict === "counterfeit" || indexer === undefined
      ? undefined
      : repeatScansOf(indexer, payload, countCheck(registry)),
  ]);
  const names = new Map<string, string>();
  for (const [account, profileHash] of details.profiles) {
    const name = decodeIssuerName(profileHash);
    if (name !== undefined) names.set(account, name);
  }
  if (chain.batch !== undefined) chain.batch.issuerName = names.get(chain.batch.issuer.toLowerCase());
  chain.run = details.run;
  const history = historyCheckOf(chain, audit, details);
  return {
    ...base,
    verdict,
    ...(counterfeitReason === undefined ? {} : { counterfeitReason }),
    chain,
    proof,
    timeline: events,
    indexedBlock: timeline.ok ? timeline.value?.blockNumber : undefined,
    history,
    names,
    repeat,
  };

  function isAddress(value: Address | null): value is Address {
    return value !== null;
  }
}

function proofCheckOf(
  payload: CardPayload,
  registry: RegistryConfig,
  chain: ChainCard,
  fetched: Settled<IndexerProof | undefined>,
): ProofCheck {
  if (chain.batch === undefined || chain.status === "Unknown") return { state: "notChecked", reason: "noChain" };
  if (!fetched.ok) {
    const manifestMissing = fetched.error instanceof IndexerRefusedError && fetched.error.code === "MANIFEST_NOT_FOUND";
    return { state: "notChecked", reason: manifestMissing ? "noManifest" : "indexerDown" };
  }
  if (fetched.value === undefined) return { state: "notChecked", reason: "indexerDown" };
  return checkProof(payload, registry, fetched.value, chain.batch.merkleRoot);
}

/**
 * Compares the indexer's replay of the batch's hash chain with the chain's own `(seq, head)` at the
 * block the indexer reflects: equal means the history it serves is complete and untampered.
 */
function historyCheckOf(
  chain: ChainCard,
  fetched: Settled<{ blockNumber: number; replayed: IndexerAudit } | undefined>,
  details: CardDetails,
): HistoryCheck {
  if (!fetched.ok || fetched.value === undefined || chain.batch === undefined) return { state: "notChecked" };
  const { blockNumber, replayed } = fetched.value;
  const onChain = details.head;
  if (replayed === null || onChain === undefined) return { state: "notChecked" };
  const seq = BigInt(replayed.seq);
  if (!replayed.chainOk) return { state: "mismatch", blockNumber };
  if (seq === onChain.seq) {
    return replayed.head.toLowerCase() === onChain.head.toLowerCase()
      ? { state: "matches", seq, blockNumber }
      : { state: "mismatch", blockNumber };
  }
  return seq < onChain.seq
    ? { state: "behind", indexedSeq: seq, chainSeq: onChain.seq, blockNumber }
    : { state: "mismatch", blockNumber };
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
