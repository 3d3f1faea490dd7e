/** Redemptions per `redeemMany`: ~29k gas per card, so 500 stay under Osaka's 16.78M gas per transaction. */
export const REDEMPTIONS_PER_TX = 500;
/** Followed events per escrow order: OrderOpened, LotTransferred (the registry's), OrderFulfilled, OrderConfirmed. */
export const EVENTS_PER_ORDER = 4;
/** Cards per escrow order. */
export const ORDER_QUANTITY = 10;
/** Cards of the batch the API is measured on. */
export const API_BATCH_CARDS = 1_000_000;

/** Lot transfers (10% of the events) each take two cards or more of the 1M-card batch. */
export const MAX_EVENTS = 5_000_000;

/** How many events of each kind to generate (setup events come on top). */
export type EventPlan = {
  /** Cards redeemed with `redeemMany` (one `VoucherRedeemed` each), real codes and proofs. */
  redemptions: number;
  /** `transferLot`s of the 1M-card batch (one `LotTransferred` each): its custody runs. */
  transfers: number;
  /** Escrow orders opened, fulfilled and confirmed ({@link EVENTS_PER_ORDER} events each). */
  orders: number;
  /** Sum of the above. */
  events: number;
};

/**
 * Splits `events` into the mix the backfill indexes: about 88% redemptions (the cheapest event to
 * produce, ~500 per transaction), 10% lot transfers (the 1M-card batch's runs, one transaction
 * each) and 2% escrow orders (three transactions, four events each).
 */
export function planEvents(events: number): EventPlan {
  if (!Number.isSafeInteger(events) || events < 100)
    throw new RangeError(`--events must be an integer >= 100, got ${events}`);
  const orders = Math.max(1, Math.floor((events * 0.02) / EVENTS_PER_ORDER));
  const transfers = Math.max(10, Math.floor(events * 0.1));
  const redemptions = events - transfers - orders * EVENTS_PER_ORDER;
  return { redemptions, transfers, orders, events };
}
