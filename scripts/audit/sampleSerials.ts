import type { ReplayBatch } from "./createRegistryReplay.js";
import { createSeededRandom } from "./createSeededRandom.js";

/**
 * The cards of `batch` to check against the contract: every card when the batch has at most `size`
 * (or `size` is Infinity, `--full`), else `size` distinct serials, half drawn uniformly and half from
 * where mistakes live: first and last cards of runs, and redeemed cards. Deterministic in `seed`
 * and the batch, so `--seed` reproduces a sample.
 */
export function sampleSerials(batch: ReplayBatch, size: number, seed: number): number[] {
  const count = batch.params.count;
  if (size >= count) return Array.from({ length: count }, (_, serial) => serial);
  const random = createSeededRandom((seed ^ Number(batch.batchId & 0xffffffffn) ^ Number(batch.batchId >> 32n)) >>> 0);
  const chosen = new Set<number>();
  const edges: number[] = [];
  for (const run of batch.custody.runs()) edges.push(run.start, run.end - 1);
  for (const serial of batch.redeemed.within(0, count)) edges.push(serial);
  const targeted = Math.min(Math.floor(size / 2), edges.length);
  for (let tries = 0; chosen.size < targeted && tries < 4 * size; tries++) chosen.add(edges[random.int(edges.length)]!);
  while (chosen.size < size) chosen.add(random.int(count));
  return [...chosen].sort((a, b) => a - b);
}
