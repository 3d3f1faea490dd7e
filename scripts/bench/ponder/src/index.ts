/**
 * Ponder's handlers for the indexer bench: every event of both contracts is stored as a row, the
 * registry's provenance links update their batch's chain head, and the escrow's order events
 * update the order. Registered for each event of each ABI, so no event the chain emits is left out
 * (the bench checks the row count against the events it generated).
 */
import { ponder } from "ponder:registry";
import { chainHead, event as eventTable, order } from "ponder:schema";
import { replaceBigInts } from "ponder";

import { settlementEscrowAbi } from "../../../lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../../lib/voucherRegistryAbi.js";

type Hex = `0x${string}`;
/** What every handler reads; the arguments are checked by name where the state needs them. */
type AnyEvent = {
  args: Record<string, unknown>;
  block: { number: bigint };
  log: { logIndex: number };
  transaction: { hash: Hex };
};
type AnyContext = Parameters<Parameters<typeof ponder.on<"VoucherRegistry:LotTransferred">>[1]>[0]["context"];

const contracts = [
  { name: "VoucherRegistry", abi: voucherRegistryAbi },
  { name: "SettlementEscrow", abi: settlementEscrowAbi },
] as const;

for (const { name: contract, abi } of contracts) {
  for (const item of abi) {
    if (item.type !== "event") continue;
    const name = item.name;
    const handler = async ({ event, context }: { event: AnyEvent; context: AnyContext }) => {
      await context.db.insert(eventTable).values({
        id: `${event.block.number}-${event.log.logIndex}`,
        contract,
        name,
        blockNumber: event.block.number,
        logIndex: event.log.logIndex,
        transactionHash: event.transaction.hash,
        args: replaceBigInts(event.args, (value) => String(value)),
      });
      const { args } = event;
      if (typeof args.batchId === "bigint" && typeof args.seq === "number" && typeof args.head === "string") {
        const link = { seq: BigInt(args.seq), head: args.head as Hex };
        await context.db
          .insert(chainHead)
          .values({ batchId: args.batchId, ...link, events: 1 })
          .onConflictDoUpdate((row) => ({ ...link, events: row.events + 1 }));
      }
      if (contract === "SettlementEscrow" && name.startsWith("Order") && typeof args.orderId === "string") {
        const orderId = args.orderId as Hex;
        const status = name.slice("Order".length).toLowerCase();
        if (name === "OrderOpened") {
          await context.db.insert(order).values({
            orderId,
            buyer: args.buyer as Hex,
            supplier: args.supplier as Hex,
            amount: BigInt(args.amount as bigint),
            status,
            updatedBlock: event.block.number,
          });
        } else {
          await context.db.update(order, { orderId }).set({ status, updatedBlock: event.block.number });
        }
      }
    };
    // The event names come from the ABIs at run time; Ponder's types know them only as literals.
    ponder.on(`${contract}:${name}` as "VoucherRegistry:LotTransferred", handler as never);
  }
}
