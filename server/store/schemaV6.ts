/**
 * Version 6 of the schema: escrow v2. Orders carry what they ask of the cards (minimum validity,
 * whether activated cards are accepted), their dispute deadline and how many delivered cards the
 * buyer gave back; policies carry their dispute timeout and its rule.
 *
 * Existing rows get the values an escrow v1 order or policy had: no validity asked, activated cards
 * accepted (v1 never checked), no dispute deadline, nothing returned.
 */
export const SCHEMA_V6 = `
ALTER TABLE orders ADD COLUMN min_validity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN accept_activated INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN dispute_deadline INTEGER;
ALTER TABLE orders ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE policies ADD COLUMN dispute_timeout INTEGER;
ALTER TABLE policies ADD COLUMN timeout_buyer_share_bps INTEGER;
`;
