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
  const run = await readChain(ctx, `read the custody run of card ${serial} of batch ${batchId}`, () =>
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

/**
 * The custody run that holds the whole lot `[start, end)` of `batch`: the run's start is the hint
 * the registry's lot functions take.
 *
 * @throws {CliError} when the lot runs past the batch, or spans more than one run (the message
 *         names the run's range and holder, so the user can split the lot there).
 */
export async function readLotRun(
  ctx: CliContext,
  registry: Address,
  batch: BatchView,
  lot: { start: number; end: number },
  /** What to do when the lot spans two runs (default: split it at the boundary). */
  acrossRunsHint?: string,
): Promise<CustodyRun> {
  if (lot.end > batch.count) {
    throw new CliError(
      `batch ${batch.batchId} has ${batch.count} cards (serials 0-${batch.count - 1}): ` +
        `${describeLot(lot.start, lot.end)} runs past its end`,
      { exitCode: 2 },
    );
  }
  const run = await readRunOf(ctx, registry, batch.batchId, lot.start);
  if (lot.end > run.end) {
    throw new CliError(
      `cards ${describeLot(lot.start, lot.end)} of batch ${batch.batchId} are not one custody lot: ` +
        `cards ${describeLot(run.start, run.end)} are held by ${run.holder}${run.activated ? " (activated)" : ""}` +
        `${run.revoked ? " (revoked)" : ""}, and card ${run.end} starts another lot`,
      {
        hint:
          acrossRunsHint ?? `split the range at ${run.end}: ${describeLot(lot.start, run.end)} first, then the rest`,
      },
    );
  }
  return run;
}
