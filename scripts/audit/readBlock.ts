import type { Hex } from "viem";

import { mapConcurrent } from "../../server/internal/mapConcurrent.js";
import type { RpcClient } from "../../server/sync/createRpcClient.js";
import type { LogPosition } from "./AuditEvent.js";
import { AuditIncompleteError } from "./AuditIncompleteError.js";

/** A block the audit is pinned to, or that a log sits in. */
export type AuditBlock = { number: number; hash: Hex; timestamp: number };

/** A block to audit: a number, or a tag resolved once when the audit starts. */
export type AuditBlockSpec = number | "latest" | "finalized" | "safe";

/**
 * The audited block: by number, or the tag's block when the audit starts. A node that does not
 * know `finalized` or `safe` (older clients) is audited at its head.
 *
 * @throws {AuditIncompleteError} when the chain has no such block.
 */
export async function resolveAuditBlock(rpc: RpcClient, spec: AuditBlockSpec): Promise<AuditBlock> {
  let block: AuditBlock | undefined;
  try {
    block = await readBlock(rpc, spec);
  } catch (error) {
    if (spec !== "finalized" && spec !== "safe") throw error;
  }
  if (block === undefined && (spec === "finalized" || spec === "safe")) block = await readBlock(rpc, "latest");
  if (block === undefined) {
    throw new AuditIncompleteError(`the chain has no block ${String(spec)}`, {
      hint: "pass --block with a mined block number",
    });
  }
  return block;
}

/** A block by number or tag; undefined when the node has no such block (or no such tag). */
export async function readBlock(
  rpc: RpcClient,
  block: number | "latest" | "finalized" | "safe",
): Promise<AuditBlock | undefined> {
  const tag = typeof block === "number" ? `0x${block.toString(16)}` : block;
  const header = await rpc.request<{ number: Hex; hash: Hex; timestamp: Hex } | null>("eth_getBlockByNumber", [
    tag,
    false,
  ]);
  if (header === null || header === undefined) return undefined;
  return {
    number: Number(BigInt(header.number)),
    hash: header.hash.toLowerCase() as Hex,
    timestamp: Number(BigInt(header.timestamp)),
  };
}

/**
 * Fills in the block time of logs whose `eth_getLogs` answer had none (older nodes), one header
 * per block, and checks every log's block hash against its block's: a log of a block the chain
 * has since replaced means the chain moved under the audit.
 *
 * @throws {AuditIncompleteError} when a block is missing or its hash differs.
 */
export async function fillBlockTimes(rpc: RpcClient, positions: Iterable<LogPosition>, concurrency = 8): Promise<void> {
  const byBlock = new Map<number, LogPosition[]>();
  for (const position of positions) {
    if (position.time !== null) continue;
    const list = byBlock.get(position.block);
    if (list === undefined) byBlock.set(position.block, [position]);
    else list.push(position);
  }
  await mapConcurrent([...byBlock.keys()], concurrency, async (number) => {
    const block = await readBlock(rpc, number);
    for (const position of byBlock.get(number)!) {
      if (block === undefined || block.hash !== position.blockHash) {
        throw new AuditIncompleteError(`block ${number} changed while the audit read it (a reorganisation)`, {
          hint: "audit a final block: --block finalized, or a block number a few dozen blocks below the head",
        });
      }
      position.time = block.timestamp;
    }
  });
}
