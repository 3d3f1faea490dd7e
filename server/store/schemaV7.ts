/**
 * Version 7 of the schema: an R*Tree over the lots of `batch_events` (the events covering more than
 * one card: issuance, lot transfers, activations, revocations), so a card's timeline finds the lots
 * holding it in logarithmic time.
 *
 * Through `batch_events_lots` (v4) the lots holding serial `s` are found by scanning every lot of
 * the batch that starts at or before `s`: 2.1 / 10.5 / 16.9 ms for a card at 1% / 50% / 99% of a
 * 1,000,000-card batch with 15,000 lots, and p99 of 3.3 s at 100 connections. `batch_lots` answers
 * "which boxes contain the point (batch, s)" by descending only into nodes whose box contains it.
 *
 * - `batch_lots` (`rtree_i32`, exact 32-bit integer coordinates): one box per lot with three
 *   dimensions, the batch id's issuer id (`batch_id >> 32`, 24 bits), its number within the issuer
 *   (`batch_id & 0xffffffff`) and the serials the lot covers, `[start, end - 1]` (boxes are closed).
 *   Number and serials are uint32 on chain, so they are stored minus 2^31 to fit a signed int.
 *   The id is `block_number * 2^24 + log_index`, the event's key (a block holds far fewer than 2^24
 *   logs: 16.7M logs would take 6 billion gas), so the lot's row is one primary-key seek away.
 * - Triggers keep it equal to the lots of `batch_events` on every INSERT and DELETE, so neither the
 *   write path, the reorg rollback (which deletes the events of rolled-back blocks) nor
 *   `rebuildDerived()` needs to know about it. `batch_events` is append-only (never updated).
 * - The migration fills it from the lots already stored, and drops `batch_events_lots` (v4), which
 *   only the timeline read: each lot written costs one R*Tree insert instead of that index's.
 *
 * @dev `store.reset()` and `rebuildDerived()` delete `batch_events` row by row (a table with triggers
 * is never truncated at once), which the triggers mirror.
 */
export const SCHEMA_V7 = `
CREATE VIRTUAL TABLE batch_lots USING rtree_i32(
  id,
  issuer_min, issuer_max,
  number_min, number_max,
  serial_min, serial_max
);

CREATE TRIGGER batch_lots_insert AFTER INSERT ON batch_events
  WHEN NEW.end_serial - NEW.start_serial > 1
BEGIN
  INSERT INTO batch_lots VALUES (
    NEW.block_number * 16777216 + NEW.log_index,
    CAST(NEW.batch_id AS INTEGER) >> 32, CAST(NEW.batch_id AS INTEGER) >> 32,
    (CAST(NEW.batch_id AS INTEGER) & 4294967295) - 2147483648,
    (CAST(NEW.batch_id AS INTEGER) & 4294967295) - 2147483648,
    NEW.start_serial - 2147483648, NEW.end_serial - 1 - 2147483648
  );
END;

CREATE TRIGGER batch_lots_delete AFTER DELETE ON batch_events
  WHEN OLD.end_serial - OLD.start_serial > 1
BEGIN
  DELETE FROM batch_lots WHERE id = OLD.block_number * 16777216 + OLD.log_index;
END;

INSERT INTO batch_lots
  SELECT block_number * 16777216 + log_index,
    CAST(batch_id AS INTEGER) >> 32, CAST(batch_id AS INTEGER) >> 32,
    (CAST(batch_id AS INTEGER) & 4294967295) - 2147483648,
    (CAST(batch_id AS INTEGER) & 4294967295) - 2147483648,
    start_serial - 2147483648, end_serial - 1 - 2147483648
  FROM batch_events WHERE end_serial - start_serial > 1;

DROP INDEX batch_events_lots;
`;
