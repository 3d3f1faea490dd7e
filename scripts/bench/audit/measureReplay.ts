import type { Hex } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createLogFetcher, type RpcLog } from "../../../server/sync/createLogFetcher.js";
import { createRpcClient } from "../../../server/sync/createRpcClient.js";
import type { AuditEvent } from "../../audit/AuditEvent.js";
import { createLogDecoder } from "../../audit/createLogDecoder.js";
import { replayEvents } from "../../audit/replayEvents.js";

/** The auditor's own work on one chain, in this process, fetch apart. */
export type ReplayMeasurement = {
  events: number;
  /** `eth_getLogs` over HTTP with the indexer's adaptive fetcher (what the CLI does first). */
  fetchSeconds: number;
  fetchPages: number;
  /** Medians over `repeats` runs. */
  decodeSeconds: number;
  replaySeconds: number;
  /** Events decoded and replayed per second (decode + replay, fetch excluded), median run. */
  eventsPerSecond: number;
  /** Events replayed per second through the state machines alone. */
  replayEventsPerSecond: number;
  /** Findings of the replay (0 on a consistent chain). */
  findings: number;
  repeats: number;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Fetches every log of the chain once, then decodes and replays them `repeats` times with the
 * auditor's decoder and state machines, timing each part: the replay speed the target is
 * about (events/s excluding RPC fetch time).
 */
export async function measureReplay({
  rpcUrl,
  chainId,
  registry,
  escrow,
  fromBlock,
  toBlock,
  repeats,
}: {
  rpcUrl: string;
  chainId: bigint;
  registry: Hex;
  escrow: Hex;
  fromBlock: number;
  toBlock: number;
  repeats: number;
}): Promise<ReplayMeasurement> {
  const logger = createLogger({ level: "silent" });
  const rpc = createRpcClient({ urls: [rpcUrl], logger, timeoutMs: 60_000 });
  const fetcher = createLogFetcher({
    rpc,
    logger,
    addresses: [registry, escrow],
    initialRange: 1_000,
    maxRange: 10_000,
  });
  const logs: RpcLog[] = [];
  let pages = 0;
  const fetching = performance.now();
  for await (const page of fetcher.fetch(fromBlock, toBlock)) {
    logs.push(...page.logs);
    pages++;
  }
  const fetchSeconds = (performance.now() - fetching) / 1000;

  const decodeTimes: number[] = [];
  const replayTimes: number[] = [];
  let findings = 0;
  for (let run = 0; run < repeats; run++) {
    const decode = createLogDecoder({ registry, escrow });
    const decoding = performance.now();
    const events: AuditEvent[] = new Array<AuditEvent>(logs.length);
    for (let i = 0; i < logs.length; i++) events[i] = decode(logs[i]!);
    decodeTimes.push((performance.now() - decoding) / 1000);
    const replaying = performance.now();
    const replay = replayEvents(events, { chainId, escrow, untilBlock: toBlock });
    replayTimes.push((performance.now() - replaying) / 1000);
    findings = replay.findings.length;
  }
  const decodeSeconds = median(decodeTimes);
  const replaySeconds = median(replayTimes);
  const totals = decodeTimes.map((seconds, i) => seconds + replayTimes[i]!);
  return {
    events: logs.length,
    fetchSeconds,
    fetchPages: pages,
    decodeSeconds,
    replaySeconds,
    eventsPerSecond: logs.length / median(totals),
    replayEventsPerSecond: logs.length / replaySeconds,
    findings,
    repeats,
  };
}
