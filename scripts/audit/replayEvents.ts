import type { Hex } from "viem";

import { finding, type AuditFinding } from "./AuditFinding.js";
import type { AuditEvent } from "./AuditEvent.js";
import { createEscrowReplay, type EscrowReplay } from "./createEscrowReplay.js";
import { createRegistryReplay, type RegistryReplay } from "./createRegistryReplay.js";

/** The state the logs leave, and what replaying them found. */
export type Replay = {
  registry: RegistryReplay;
  /** Undefined when no escrow is audited, or the scope is one batch. */
  escrow: EscrowReplay | undefined;
  findings: AuditFinding[];
  /** Events applied (in scope and at or below `untilBlock`). */
  applied: number;
  /** Highest block replayed. */
  untilBlock: number;
};

export type ReplayOptions = {
  chainId: bigint;
  escrow: Hex | null;
  /** Replay events up to and including this block. */
  untilBlock: number;
  /** Only this batch's events (and approvals for all batches); the escrow is then out of scope. */
  batchId?: bigint | undefined;
};

/**
 * Replays decoded logs, in chain order, through the registry's and the escrow's state machines
 * (pure: no RPC, no mirror), and returns the state at `untilBlock` with every inconsistency met.
 *
 * @dev `events` must be in chain order (block, log index), as `eth_getLogs` pages return them.
 */
export function replayEvents(events: readonly AuditEvent[], options: ReplayOptions): Replay {
  const findings: AuditFinding[] = [];
  const report = (item: AuditFinding) => findings.push(item);
  const registry = createRegistryReplay(report);
  const escrow =
    options.escrow === null || options.batchId !== undefined
      ? undefined
      : createEscrowReplay({
          chainId: options.chainId,
          escrow: options.escrow,
          report,
          isIssued: (batchId) => registry.batches.has(batchId.toString()),
          lastTransfer: () => registry.lastTransfer,
        });
  const only = options.batchId;
  let applied = 0;
  for (const event of events) {
    if (event.block > options.untilBlock) break;
    if ("other" in event) {
      if (event.undecodable === true) {
        report(
          finding(
            "undecodable-log",
            `a ${event.name} log of the ${event.contract} at block ${event.block} does not decode`,
            {
              block: event.block,
              logIndex: event.logIndex,
              tx: event.tx,
              actual: event.args,
            },
          ),
        );
      }
      continue;
    }
    if (event.contract === "registry") {
      if (only !== undefined && "batchId" in event.args && event.args.batchId !== only) continue;
      registry.apply(event);
    } else {
      if (escrow === undefined) continue;
      escrow.apply(event);
    }
    applied++;
  }
  return { registry, escrow, findings, applied, untilBlock: options.untilBlock };
}
