/**
 * Version 3 of the schema: how often each card was checked on the verifier page (the "checked N
 * times, first on …" signal of anti-counterfeit lookups).
 *
 * One row per card ever checked: the count, and the first and latest check times (unix seconds,
 * server clock). Nothing about who checked: no IP address, no user agent, no session. Like
 * manifests it is not derived from logs, so `reset()` and `rebuildDerived()` keep it; a reorg does
 * not touch it (a check happened whatever the chain did since).
 */
export const SCHEMA_V3 = `
CREATE TABLE card_verifications (
  batch_id TEXT NOT NULL,
  serial INTEGER NOT NULL,
  count INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (batch_id, serial)
) WITHOUT ROWID;
`;
