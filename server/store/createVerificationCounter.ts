import type { Database } from "better-sqlite3";

/** How often a card was checked on the verifier page, and when first (unix seconds; null: never). */
export type VerificationCount = { count: number; firstAt: number | null };

/**
 * The verifier page's per-card check counter (schema v3, `card_verifications`): one upsert per
 * check, one read per lookup. Stores the card and the times only, never anything about the person.
 */
export function createVerificationCounter(db: Database) {
  const q = {
    record: db.prepare(
      `INSERT INTO card_verifications (batch_id, serial, count, first_at, last_at) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (batch_id, serial) DO UPDATE SET count = count + 1, last_at = excluded.last_at
       RETURNING count, first_at`,
    ),
    read: db.prepare("SELECT count, first_at FROM card_verifications WHERE batch_id = ? AND serial = ?"),
  };
  return {
    /** Counts one check of the card at `now` and returns the new totals. */
    record(batchId: string, serial: number, now: number): VerificationCount {
      const row = q.record.get(batchId, serial, now, now) as { count: number; first_at: number };
      return { count: row.count, firstAt: row.first_at };
    },
    /** The card's totals without counting. */
    read(batchId: string, serial: number): VerificationCount {
      const row = q.read.get(batchId, serial) as { count: number; first_at: number } | undefined;
      return row === undefined ? { count: 0, firstAt: null } : { count: row.count, firstAt: row.first_at };
    },
  };
}

export type VerificationCounter = ReturnType<typeof createVerificationCounter>;
