import type { Hex } from "viem";

import { voucherRegistryAbi } from "../lib/voucherRegistryAbi.js";
import { finding, type AuditFinding } from "./AuditFinding.js";
import { CARD_STATUSES, cardStatus } from "./cardStatus.js";
import type { CustodyRun } from "./createCustodyRuns.js";
import type { ReplayBatch } from "./createRegistryReplay.js";
import type { ViewReader } from "./createViewReader.js";
import { sampleSerials } from "./sampleSerials.js";

const ACTIVATED = 1;
const REVOKED = 2;
/** Cards checked at once (bounds the promises in flight memory-wise; the view reader bounds the calls). */
const CHUNK = 2_000;

/** What the card checks covered. */
export type CardCheckCounts = { cards: number; runs: number; redemptionSegments: number };

/** Where a redemption is in the logs, for evidence. */
export type RedemptionLookup = (batchId: string, serial: number) => { block: number; tx: Hex } | undefined;

/**
 * Checks cards of each batch against the registry's views at the audited block: for the run the
 * replay says holds each card, `runAt(start)` must return the same end, holder, activation and
 * revocation (reason included) — one call per run, findings once per run; for each card
 * `statusOf(card, hint = that run)` must answer the replayed status and holder, and `isRedeemed`
 * the replayed bit.
 *
 * `sample` cards per batch (see {@link sampleSerials}), or every card with `full`: then every run
 * of the batch, and the whole redemption bitmap through `findRedeemed` (one call per redeemed
 * card instead of one per card).
 */
export async function checkCards({
  batches,
  views,
  registry,
  sample,
  full,
  seed,
  now,
  serialsOf,
  redemptionOf,
  progress,
}: {
  batches: readonly ReplayBatch[];
  views: ViewReader;
  registry: Hex;
  sample: number;
  full: boolean;
  seed: number;
  /** Unix time of the audited block (expiry). */
  now: number;
  /** Cards to check instead of a sample (`--card`). */
  serialsOf?: (batch: ReplayBatch) => number[] | undefined;
  redemptionOf: RedemptionLookup;
  progress?: { total(cards: number): void; advance(cards: number): void };
}): Promise<{ findings: AuditFinding[]; counts: CardCheckCounts }> {
  const findings: AuditFinding[] = [];
  const counts: CardCheckCounts = { cards: 0, runs: 0, redemptionSegments: 0 };
  const plan = batches.map((batch) => ({
    batch,
    serials: serialsOf?.(batch) ?? (full ? undefined : sampleSerials(batch, sample, seed)),
  }));
  progress?.total(plan.reduce((sum, { batch, serials }) => sum + (serials?.length ?? batch.params.count), 0));

  for (const { batch, serials } of plan) {
    const batchId = batch.key;
    const evidence = (serial: number) => {
      const at = redemptionOf(batchId, serial);
      return at === undefined ? {} : { block: at.block, tx: at.tx };
    };

    /** Run starts whose on-chain run disagrees: its cards' status is not compared again. */
    const badRuns = new Set<number>();
    const runChecks = new Map<number, Promise<void>>();
    /** Checks `run` once; cards of the same run wait for that one check. */
    function checkRun(run: CustodyRun): Promise<void> {
      let check = runChecks.get(run.start);
      if (check === undefined) {
        check = compareRun(run);
        runChecks.set(run.start, check);
      }
      return check;
    }
    async function compareRun(run: CustodyRun) {
      const answer = await views.read(registry, voucherRegistryAbi, "runAt", [batch.batchId, run.start]);
      counts.runs++;
      const where = `batch ${batchId}, run [${run.start}, ${run.end})`;
      const replayed = { start: run.start, end: run.end, holder: run.holder };
      if (!answer.ok) {
        badRuns.add(run.start);
        const actual = await views.read(registry, voucherRegistryAbi, "lookupStatus", [batch.batchId, run.start]);
        findings.push(
          finding("custody-mismatch", `${where}: no run starts at ${run.start} on chain (${answer.error})`, {
            batchId,
            serial: run.start,
            expected: replayed,
            actual: actual.ok ? { runStart: actual.value[2], holder: actual.value[1].toLowerCase() } : answer.error,
          }),
        );
        return;
      }
      const onChain = answer.value;
      const holder = onChain.holder.toLowerCase();
      const flags = Number(onChain.flags);
      if (Number(onChain.end) !== run.end || holder !== run.holder) {
        badRuns.add(run.start);
        findings.push(
          finding("custody-mismatch", `${where}: on chain the run ends at ${onChain.end} and is held by ${holder}`, {
            batchId,
            serial: run.start,
            expected: replayed,
            actual: { start: run.start, end: Number(onChain.end), holder },
          }),
        );
      }
      if (((flags & ACTIVATED) !== 0) !== run.activated) {
        badRuns.add(run.start);
        findings.push(
          finding(
            "activation-mismatch",
            `${where}: activated ${(flags & ACTIVATED) !== 0} on chain, ${run.activated} in the replay`,
            {
              batchId,
              serial: run.start,
              expected: run.activated,
              actual: (flags & ACTIVATED) !== 0,
            },
          ),
        );
      }
      const revoked = (flags & REVOKED) !== 0;
      if (revoked !== run.revoked || Number(onChain.revokeReason) !== run.revokeReason) {
        badRuns.add(run.start);
        findings.push(
          finding(
            "revocation-mismatch",
            `${where}: revoked ${revoked} (reason ${onChain.revokeReason}) on chain, ${run.revoked} (reason ${run.revokeReason}) in the replay`,
            {
              batchId,
              serial: run.start,
              expected: { revoked: run.revoked, revokeReason: run.revokeReason },
              actual: { revoked, revokeReason: Number(onChain.revokeReason) },
            },
          ),
        );
      }
    }

    async function checkCard(serial: number, withBit: boolean) {
      const run = batch.custody.runContaining(serial);
      if (run === undefined) return;
      await checkRun(run);
      const redeemed = batch.redeemed.has(serial);
      const [status, bit] = await Promise.all([
        views.read(registry, voucherRegistryAbi, "statusOf", [batch.batchId, serial, run.start]),
        withBit ? views.read(registry, voucherRegistryAbi, "isRedeemed", [batch.batchId, serial]) : undefined,
      ]);
      counts.cards++;
      if (bit !== undefined && (!bit.ok || bit.value !== redeemed)) {
        findings.push(
          finding(
            "redeemed-mismatch",
            `card ${batchId}/${serial}: isRedeemed is ${bit.ok ? bit.value : bit.error} on chain, ${redeemed} in the replay`,
            {
              batchId,
              serial,
              ...evidence(serial),
              expected: redeemed,
              actual: bit.ok ? bit.value : bit.error,
            },
          ),
        );
      }
      if (badRuns.has(run.start)) return;
      const expected = cardStatus(batch, run, redeemed, now);
      if (!status.ok) {
        findings.push(
          finding(
            "custody-mismatch",
            `card ${batchId}/${serial}: statusOf with the replayed hint ${run.start} reverts (${status.error})`,
            {
              batchId,
              serial,
              expected: { status: expected, holder: run.holder, runStart: run.start },
              actual: status.error,
            },
          ),
        );
        return;
      }
      const [code, holder] = status.value;
      const actual = CARD_STATUSES[code] ?? `status ${code}`;
      if (actual !== expected || holder.toLowerCase() !== run.holder) {
        findings.push(
          finding(
            "status-mismatch",
            `card ${batchId}/${serial}: statusOf answers ${actual} held by ${holder.toLowerCase()}, the replay gives ${expected} held by ${run.holder}`,
            {
              batchId,
              serial,
              ...evidence(serial),
              expected: { status: expected, holder: run.holder },
              actual: { status: actual, holder: holder.toLowerCase() },
            },
          ),
        );
      }
    }

    if (serials !== undefined) {
      for (let i = 0; i < serials.length; i += CHUNK) {
        const chunk = serials.slice(i, i + CHUNK);
        await Promise.all(chunk.map((serial) => checkCard(serial, true)));
        progress?.advance(chunk.length);
      }
      continue;
    }

    // --full: every card's status (the bitmap is checked by segments below), hence every run.
    const count = batch.params.count;
    for (let first = 0; first < count; first += CHUNK) {
      const last = Math.min(count, first + CHUNK);
      const cards: Promise<void>[] = [];
      for (let serial = first; serial < last; serial++) cards.push(checkCard(serial, false));
      await Promise.all(cards);
      progress?.advance(last - first);
    }
    const segments: { start: number; end: number; redeemed: number | undefined }[] = [];
    let start = 0;
    for (const serial of batch.redeemed.within(0, count)) {
      segments.push({ start, end: serial + 1, redeemed: serial });
      start = serial + 1;
    }
    if (start < count) segments.push({ start, end: count, redeemed: undefined });
    for (let i = 0; i < segments.length; i += CHUNK) {
      await Promise.all(
        segments.slice(i, i + CHUNK).map(async (segment) => {
          const answer = await views.read(registry, voucherRegistryAbi, "findRedeemed", [
            batch.batchId,
            segment.start,
            segment.end,
          ]);
          counts.redemptionSegments++;
          const found = answer.ok && answer.value[0] ? Number(answer.value[1]) : undefined;
          if (answer.ok && found === segment.redeemed) return;
          // The lowest serial of the segment whose bit differs.
          const serial =
            found !== undefined && (segment.redeemed === undefined || found < segment.redeemed)
              ? found
              : segment.redeemed!;
          const replayed = batch.redeemed.has(serial);
          findings.push(
            finding(
              "redeemed-mismatch",
              `card ${batchId}/${serial}: redeemed ${!replayed} on chain, ${replayed} in the replay`,
              {
                batchId,
                serial,
                ...evidence(serial),
                expected: replayed,
                actual: answer.ok ? !replayed : answer.error,
              },
            ),
          );
        }),
      );
    }
  }
  return { findings, counts };
}
