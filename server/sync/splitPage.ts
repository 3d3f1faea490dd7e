import type { LogPage, RpcLog } from "./createLogFetcher.js";

/**
 * The logs of `[fromBlock, toBlock]` as pages of about `targetLogs` logs each, cut only between
 * blocks (a block's logs stay in one page, however many): contiguous, in order, covering the range.
 */
export function* splitPage(fromBlock: number, toBlock: number, logs: RpcLog[], targetLogs: number): Generator<LogPage> {
  if (logs.length <= targetLogs) {
    yield { fromBlock, toBlock, logs };
    return;
  }
  const blockOf = (log: RpcLog) => Number(BigInt(log.blockNumber));
  let start = 0;
  let from = fromBlock;
  while (logs.length - start > targetLogs) {
    let cut = start + targetLogs;
    const block = blockOf(logs[cut - 1]!);
    while (cut < logs.length && blockOf(logs[cut]!) === block) cut++;
    if (cut === logs.length) break;
    // Logs come in chain order; a page ends at the last block it holds completely.
    const last = blockOf(logs[cut - 1]!);
    if (last < from || last >= toBlock || blockOf(logs[cut]!) <= last) break;
    yield { fromBlock: from, toBlock: last, logs: logs.slice(start, cut) };
    start = cut;
    from = last + 1;
  }
  yield { fromBlock: from, toBlock, logs: start === 0 ? logs : logs.slice(start) };
}
