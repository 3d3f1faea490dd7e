import type { BatchView, RunView } from "../store/createStoreReader.js";

/** A card's status, named as `IVoucherRegistry.Status` names it, with its enum value. */
export const CARD_STATUSES = { Unknown: 0, Active: 1, Inactive: 2, Redeemed: 3, Revoked: 4, Expired: 5 } as const;
export type CardStatus = keyof typeof CARD_STATUSES;

/**
 * The status `statusOf` would return for a card of the mirrored batch at the mirrored block, with
 * the contract's precedence: Redeemed > Revoked > Expired > Inactive > Active.
 *
 * @param now Unix seconds of the block the mirror reflects (expiry compares with it, as the
 *        contract compares with `block.timestamp`); null when unknown, then expiry is not applied.
 */
export function cardStatusOf({
  batch,
  run,
  redeemed,
  now,
}: {
  batch: Pick<BatchView, "expiresAt" | "activationRequired">;
  run: Pick<RunView, "activated" | "revoked">;
  redeemed: boolean;
  now: number | null;
}): Exclude<CardStatus, "Unknown"> {
  if (redeemed) return "Redeemed";
  if (run.revoked) return "Revoked";
  if (batch.expiresAt !== 0 && now !== null && now >= batch.expiresAt) return "Expired";
  if (batch.activationRequired && !run.activated) return "Inactive";
  return "Active";
}
