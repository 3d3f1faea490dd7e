import { HttpRequestError, TimeoutError, BaseError as ViemError, type PublicClient } from "viem";

/** Smallest window the scan shrinks to before it gives up on a provider's errors. */
const MIN_SPAN = 1n;

/** Requests after which the scan stops: behind a small range cap, years of blocks would take thousands. */
const MAX_REQUESTS = 200;

/**
 * The newest log `getLogs(fromBlock, toBlock)` finds in `[fromBlock, head]`, scanning backwards
 * from the head, or undefined when there is none.
 *
 * Providers cap `eth_getLogs` ranges (2,000 blocks, 10,000 results…) and word the refusal each in
 * their own way, so the scan asks for the whole range first (one request on a local chain), halves
 * the window on any answer that is not a transport failure, and keeps the window that worked for
 * the next, older one. It gives up (undefined) after {@link MAX_REQUESTS} requests, so callers treat
 * "not found" as "not known", never as proof of absence.
 *
 * @dev Windows are contiguous and never overlap: `[lower, upper]` then `[lower - span, lower - 1]`,
 *      down to `fromBlock`; a window that still fails at one block is thrown.
 */
export async function findLatestLog<TLog>(
  client: PublicClient,
  fromBlock: bigint,
  getLogs: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<readonly TLog[]>,
): Promise<TLog | undefined> {
  let upper = await client.getBlockNumber();
  let span = upper - fromBlock + 1n;
  for (let requests = 0; upper >= fromBlock && requests < MAX_REQUESTS; requests++) {
    const lower = upper - span + 1n > fromBlock ? upper - span + 1n : fromBlock;
    const width = upper - lower + 1n;
    let logs: readonly TLog[];
    try {
      logs = await getLogs({ fromBlock: lower, toBlock: upper });
    } catch (error) {
      // A node that does not answer is no range problem: shrinking would only multiply the waits.
      const transport =
        error instanceof ViemError &&
        error.walk((cause) => cause instanceof TimeoutError || (cause instanceof HttpRequestError && !cause.status)) !==
          null;
      if (transport || width <= MIN_SPAN) throw error;
      span = width / 2n;
      continue;
    }
    const last = logs.at(-1);
    if (last !== undefined) return last;
    upper = lower - 1n;
  }
  return undefined;
}
