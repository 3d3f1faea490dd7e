import Database from "better-sqlite3";
import { encodeFunctionData, type Hex } from "viem";

import { createStoreReader } from "../../../server/store/createStoreReader.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import type { ChainDriver } from "./createChainDriver.js";
import type { GeneratedChain } from "./generateIndexerEvents.js";
import { summarizeLatencies } from "./summarizeLatencies.js";

/** How often the store is polled for the new event (ms); well below the indexer's poll interval. */
const READ_POLL_MS = 1;
const VISIBLE_TIMEOUT_MS = 30_000;

/**
 * Live lag: the time from a block being mined to its event being queryable through the store's
 * read path (`createStoreReader().getCardHistory`, what the API serves a card's timeline from),
 * over `blocks` blocks, each holding one lot transfer, while the indexer follows the head.
 *
 * @dev Each block is mined with `evm_mine` after a random pause of up to one indexer poll interval,
 *      so blocks land at uniformly random points of the indexer's polling cycle; the clock starts
 *      when `evm_mine` returns (the block is on the node) and stops when a read-only connection of
 *      this process sees the event (polled every millisecond). Expect about half a poll interval
 *      plus one follow round (head, logs, headers, one store transaction).
 */
export async function measureLiveLag(
  {
    driver,
    chain,
    dbPath,
    blocks,
    pollIntervalMs,
  }: { driver: ChainDriver; chain: GeneratedChain; dbPath: string; blocks: number; pollIntervalMs: number },
  log: (line: string) => void,
) {
  const { batchId } = chain.liveBatch;
  if (chain.liveBatch.nextSerial + blocks > chain.liveBatch.count) throw new RangeError("live batch too small");
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const reader = createStoreReader(db);
  const lags: number[] = [];
  await driver.setAutomine(false);
  try {
    for (let i = 0; i < blocks; i++) {
      const serial = chain.liveBatch.nextSerial++;
      const hash = await driver.send({
        from: chain.actors.issuer,
        to: chain.registry,
        gas: 200_000,
        data: encodeFunctionData({
          abi: voucherRegistryAbi,
          functionName: "transferLot",
          // Lot hint: the run holding serial - 1. Every card goes to the same buyer and joins its run,
          // which starts at 0 (for the first card, 0 too).
          args: [batchId, chain.actors.issuer, chain.actors.buyer, serial, serial + 1, 0],
        }),
      });
      await pause(Math.random() * pollIntervalMs);
      await driver.mineBlock();
      const mined = performance.now();
      for (;;) {
        if (reader.getCardHistory(batchId, serial).some((event) => event.eventName === "LotTransferred")) break;
        if (performance.now() - mined > VISIBLE_TIMEOUT_MS) {
          const receipt = await driver.rpc<{ status: Hex } | null>("eth_getTransactionReceipt", [hash]);
          throw new Error(
            receipt?.status === "0x1"
              ? `live lag: serial ${serial}'s transfer not queryable ${VISIBLE_TIMEOUT_MS} ms after its block`
              : `live lag: the transfer of serial ${serial} failed on chain`,
          );
        }
        await pause(READ_POLL_MS);
      }
      lags.push(performance.now() - mined);
    }
  } finally {
    await driver.setAutomine(true);
    db.close();
  }
  const summary = summarizeLatencies(lags);
  log(`live lag over ${blocks} blocks: median ${summary.medianMs.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms`);
  return { blocks, pollIntervalMs, ...summary };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
