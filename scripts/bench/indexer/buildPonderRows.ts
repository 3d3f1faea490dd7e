import type { IndexerRow } from "./buildIndexerRows.js";
import type { BackfillResult } from "./measureBackfill.js";
import type { PonderResult } from "./measurePonder.js";

/** 1 MB = 10^6 bytes, as in the rest of the indexer table. */
const MB = 1_000_000;

/**
 * The Ponder comparison rows: Ponder's events/s and peak RSS, and CardProof's backfill (against
 * the same uncapped node, in the same run) divided by them. No targets: the rows say where
 * CardProof stands, they do not gate it. When Ponder was not measured every row is there without
 * a value and with the reason, so the table's shape does not depend on the machine.
 */
export function buildPonderRows(
  ponder: PonderResult,
  backfill: Pick<BackfillResult, "eventsPerSecond" | "memory">,
): IndexerRow[] {
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const measured = ponder.status === "measured" ? ponder : undefined;
  const reason = ponder.status === "skipped" ? `Ponder not measured: ${ponder.reason}` : "";
  const row = (fields: Pick<IndexerRow, "key" | "measure" | "value" | "unit" | "note">): IndexerRow => ({
    ...fields,
    target: null,
    pass: null,
  });
  const getLogs = measured?.rpc.methods.eth_getLogs ?? 0;
  return [
    row({
      key: "ponder.eventsPerSecond",
      measure: "Ponder backfill, same chain",
      value: measured?.eventsPerSecond ?? null,
      unit: "events/s",
      note:
        measured === undefined
          ? reason
          : `ponder ${measured.version} on Node ${measured.node}, PGlite: ${n(measured.events)} events (one row each, ` +
            `chain heads and orders derived) in ${n(measured.seconds, 2)} s from its first backfill line to ` +
            `"Completed backfill indexing"; ${n(measured.startupSeconds, 1)} s of startup before; ` +
            `${n(measured.rpc.requests)} RPC requests (${n(getLogs)} eth_getLogs), ` +
            `${n(measured.rpc.bytes / MB, 1)} MB of responses (blocks with their transactions)`,
    }),
    row({
      key: "ponder.peakRssMb",
      measure: "Ponder backfill: peak RSS",
      value: measured === undefined ? null : measured.memory.peakRss / MB,
      unit: "MB",
      note:
        measured === undefined
          ? reason
          : `VmHWM summed over Ponder's ${measured.memory.processes} process${measured.memory.processes === 1 ? "" : "es"}`,
    }),
    row({
      key: "ponder.eventsPerSecondRatio",
      measure: "backfill events/s, CardProof / Ponder",
      value: measured === undefined ? null : backfill.eventsPerSecond / measured.eventsPerSecond,
      unit: "x",
      note: measured === undefined ? reason : "CardProof's uncapped backfill above; above 1 means CardProof is faster",
    }),
    row({
      key: "ponder.peakRssRatio",
      measure: "backfill peak RSS, CardProof / Ponder",
      value: measured === undefined ? null : backfill.memory.peakRss / measured.memory.peakRss,
      unit: "x",
      note: measured === undefined ? reason : "below 1 means CardProof needs less memory",
    }),
  ];
}
