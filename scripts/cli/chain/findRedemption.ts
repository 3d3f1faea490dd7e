import { getAbiItem, type Address, type Hex } from "viem";

import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import type { CliContext } from "../createCliContext.js";
import { findLatestLog } from "./findLatestLog.js";
import { readChain } from "./readChain.js";

const VOUCHER_REDEEMED = getAbiItem({ abi: voucherRegistryAbi, name: "VoucherRedeemed" });

/** When and by whom a card was redeemed, from its `VoucherRedeemed` log. */
export type Redemption = { redeemer: Address; transaction: Hex; blockNumber: bigint; timestamp: number };

/** The redemption of card `serial`, or undefined when no log is found after `fromBlock`. */
export async function findRedemption(
  ctx: CliContext,
  registry: Address,
  batchId: bigint,
  serial: number,
  fromBlock: bigint,
): Promise<Redemption | undefined> {
  return await readChain(ctx, `find the redemption of card ${serial} of batch ${batchId}`, async () => {
    const log = await findLatestLog(ctx.client, fromBlock, (range) =>
      ctx.client.getLogs({
        address: registry,
        event: VOUCHER_REDEEMED,
        args: { batchId, serial },
        strict: true,
        ...range,
      }),
    );
    if (log === undefined) return undefined;
    const block = await ctx.client.getBlock({ blockHash: log.blockHash });
    return {
      redeemer: log.args.redeemer,
      transaction: log.transactionHash,
      blockNumber: log.blockNumber,
      timestamp: Number(block.timestamp),
    };
  });
}
