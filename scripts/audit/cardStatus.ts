import type { CustodyRun } from "./createCustodyRuns.js";
import type { ReplayBatch } from "./createRegistryReplay.js";

/** `IVoucherRegistry.Status` names, in enum order. */
export const CARD_STATUSES = ["Unknown", "Active", "Inactive", "Redeemed", "Revoked", "Expired"] as const;
export type CardStatusName = (typeof CARD_STATUSES)[number];

/**
 * The status `statusOf` must answer for a card in the replayed state, at a block with time `now`:
 * Redeemed > Revoked > Expired > Inactive > Active, as the registry ranks them.
 */
export function cardStatus(batch: ReplayBatch, run: CustodyRun, redeemed: boolean, now: number): CardStatusName {
  if (redeemed) return "Redeemed";
  if (run.revoked) return "Revoked";
  if (batch.params.expiresAt !== 0 && now >= batch.params.expiresAt) return "Expired";
  if (batch.params.activationRequired && !run.activated) return "Inactive";
  return "Active";
}
