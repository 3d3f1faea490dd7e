import { getAbiItem, type Address, type Hex } from "viem";

import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import type { CliContext } from "../createCliContext.js";
import { findLatestLog } from "./findLatestLog.js";
import { readChain } from "./readChain.js";

const BATCH_ISSUED = getAbiItem({ abi: voucherRegistryAbi, name: "BatchIssued" });

/**
 * The manifest hash the issuer committed for `batchId`, from the batch's `BatchIssued` log (the
 * registry does not keep it in storage), or undefined when no such log is found after `fromBlock`.
 */
export async function readManifestHash(
  ctx: CliContext,
  registry: Address,
  batchId: bigint,
  fromBlock: bigint,
): Promise<Hex | undefined> {
  const log = await readChain(ctx, `find the issuance of batch ${batchId}`, () =>
    findLatestLog(ctx.client, fromBlock, (range) =>
      ctx.client.getLogs({ address: registry, event: BATCH_ISSUED, args: { batchId }, strict: true, ...range }),
    ),
  );
  return log?.args.params.manifestHash;
}
