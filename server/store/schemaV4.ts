/**
 * Version 4 of the schema: a partial index of the batch events that cover more than one card
 * (issuance, lot transfers, activations, revocations), for a card's timeline.
 *
 * A card's timeline is every event whose range holds the serial. Through `batch_events_by_range`
 * alone that means scanning every event of the batch that starts at or before the card, most of
 * them other cards' one-card redemptions: 47 ms for a card at the end of a 176,000-redemption
 * batch. The timeline now reads one-card events by an exact seek and scans only this index,
 * whose size is the number of lot operations, not of redemptions.
 */
export const SCHEMA_V4 = `
CREATE INDEX IF NOT EXISTS batch_events_lots ON batch_events (batch_id, start_serial, end_serial)
  WHERE end_serial - start_serial > 1;
`;
