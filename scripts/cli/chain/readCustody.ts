import { hexToString, type Address, type Hex } from "viem";

import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { readChain } from "./readChain.js";

/** A batch as `batchOf` returns it, with its currency as text. */
export type BatchView = {
  batchId: bigint;
  issuer: Address;
  issuerId: number;
  count: number;
  stockStart: number;
  expiresAt: number;
  activationRequired: boolean;
  seq: number;
  faceValue: bigint;
  currency: string;
  merkleRoot: Hex;
  head: Hex;
};

/** The custody run holding a card or lot: `[start, end)` held by `holder`. */
export type CustodyRun = {
  start: number;
  end: number;
  holder: Address;
  activated: boolean;
  revoked: boolean;
  /** The issuer's reason code when revoked, else 0. */
  revokeReason: number;
};

const RUN_ACTIVATED = 1;
const RUN_REVOKED = 2;

/** "0-99" for the half-open lot `[0, 100)`, "7" for one card: serials as people count them. */
export function describeLot(start: number, end: number): string {
  return end - start === 1 ? String(start) : `${start}-${end - 1}`;
}

/**
 * The batch `batchId` from the registry.
 *
 * @throws {CliError} naming the batch when the registry has no such batch.
 */
export async function readBatch(ctx: CliContext, registry: Address, batchId: bigint): Promise<BatchView> {
  const info = await readChain(ctx, `read batch ${batchId}`, () =>
    ctx.client.readContract({ address: registry, abi: voucherRegistryAbi, functionName: "batchOf", args: [batchId] }),
  );
  return {
    batchId,
    issuer: info.issuer,
    issuerId: info.issuerId,
    count: info.count,
    stockStart: info.stockStart,
    expiresAt: info.expiresAt,
    activationRequired: info.activationRequired,
    seq: info.seq,
    faceValue: info.faceValue,
    currency: hexToString(info.currency).replace(/\0+$/, ""),
    merkleRoot: info.merkleRoot,
    head: info.head,
  };
}

/** The custody run that holds card `serial` (found without a hint, by `runStartOf`, then read with `runAt`). */
export async function readRunOf(
  ctx: CliContext,
  registry: Address,
  batchId: bigint,
  serial: number,
): Promise<CustodyRun> {
  const start = await readChain(ctx, `find the custody run of card ${serial} of batch ${batchId}`, () =>
    ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "runStartOf",
      args: [batchId, serial],
    }),
  );
  return readRunAt(ctx, registry, batchId, start);
}

/**
 * A lot as the registry's lot functions see it (registry v2, issue 12 §3): the custody runs it
 * crosses, summed up, and the hint to send.
 */
export type LotCustody = {
  /** The runs the lot crosses, in serial order (the first may start before the lot, the last end after it). */
  runs: CustodyRun[];
  /** The lot's holder when every crossed run has the same one (else the command was refused). */
  holder: Address;
  /** Whether any crossed run is activated. */
  activated: boolean;
  /** Whether any crossed run is revoked. */
  revoked: boolean;
  /** The reason of the first revoked run, else 0. */
  revokeReason: number;
  /**
   * The hint `transferLot`, `activateLot` and `revokeLot` take: `start == 0 ? 0 : runStartOf(start - 1)`
   * (the run holding the card before the lot, which the registry may merge with).
   */
  hint: number;
};

/**
 * The custody of lot `[start, end)` of `batch`: every run it crosses (a lot may span several runs
 * since registry v2) and the hint for the lot functions, per issue 12 §3.
 *
 * @param options.mixedHolders accept runs of different holders (revocation); otherwise a lot whose
 *        runs have different holders is refused, naming them.
 * @throws {CliError} when the lot runs past the batch, or its runs have different holders.
 */
export async function readLotRun(
  ctx: CliContext,
  registry: Address,
  batch: BatchView,
  lot: { start: number; end: number },
  /** What to do when the lot's runs have different holders (default: split it at the boundary). */
  acrossRunsHint?: string,
  options: { mixedHolders?: boolean } = {},
): Promise<LotCustody> {
  if (lot.end > batch.count) {
    throw new CliError(
      `batch ${batch.batchId} has ${batch.count} cards (serials 0-${batch.count - 1}): ` +
        `${describeLot(lot.start, lot.end)} runs past its end`,
      { exitCode: 2 },
    );
  }
  const runs = [await readRunOf(ctx, registry, batch.batchId, lot.start)];
  while (runs.at(-1)!.end < lot.end) runs.push(await readRunAt(ctx, registry, batch.batchId, runs.at(-1)!.end));
  const first = runs[0]!;
  const other = runs.find((run) => run.holder !== first.holder);
  if (other !== undefined && options.mixedHolders !== true) {
    throw new CliError(
      `cards ${describeLot(lot.start, lot.end)} of batch ${batch.batchId} have more than one holder: ` +
        `cards ${describeLot(Math.max(first.start, lot.start), first.end)} are held by ${first.holder}, ` +
        `cards from ${other.start} by ${other.holder}`,
      {
        hint:
          acrossRunsHint ??
          `split the range at ${other.start}: ${describeLot(lot.start, other.start)} first, then the rest`,
      },
    );
  }
  const revoked = runs.find((run) => run.revoked);
  const hint = lot.start === 0 ? 0 : (await readRunOf(ctx, registry, batch.batchId, lot.start - 1)).start;
  return {
    runs,
    holder: first.holder,
    activated: runs.some((run) => run.activated),
    revoked: revoked !== undefined,
    revokeReason: revoked?.revokeReason ?? 0,
    hint,
  };
}

/** The custody run starting at `start` (a run start), read with `runAt`. */
export async function readRunAt(
  ctx: CliContext,
  registry: Address,
  batchId: bigint,
  start: number,
): Promise<CustodyRun> {
  const run = await readChain(ctx, `read the custody run from card ${start} of batch ${batchId}`, () =>
    ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "runAt",
      args: [batchId, start],
    }),
  );
  return {
    start,
    end: run.end,
    holder: run.holder,
    activated: (run.flags & RUN_ACTIVATED) !== 0,
    revoked: (run.flags & RUN_REVOKED) !== 0,
    revokeReason: run.revokeReason,
  };
}
