import type { Hex } from "viem";

import { computeNextHead, GENESIS_HEAD, type ProvenanceEvent } from "../../scripts/lib/provenanceChain.js";
import { toProvenanceEvent } from "../../scripts/lib/toProvenanceEvent.js";
import type { Logger } from "../internal/createLogger.js";
import type { EventWriter } from "./createEventWriter.js";
import type { Row, StateJournal } from "./createStateJournal.js";
import type { StoredLog } from "./StoredLog.js";

type ChainHeadRow = Row & {
  batch_id: string;
  seq: number;
  head: string;
  claimed_seq: number;
  claimed_head: string;
  chain_ok: number;
  mismatches: number;
};

type Mismatch = {
  reason: "seq-gap" | "head-mismatch" | "issued-twice" | "before-issuance" | "invalid-fields";
  expectedSeq: number;
  actualSeq: number;
  expectedHead?: string;
  claimedHead?: string;
};

/**
 * Recomputes each batch's provenance hash chain while logs are applied, with `computeNextHead`
 * from scripts/lib, and keeps the tip in `chain_heads` next to what the events claim. Every
 * disagreement is stored in `chain_mismatches`, turns the batch's `chain_ok` off and is logged at
 * error level.
 *
 * @dev Same rules as `replayProvenance` (scripts/lib), applied one link at a time: a missing link
 * shows as a seq gap, an altered one as a head mismatch; replay goes on from the recomputed head.
 */
export function createProvenanceTracker({
  journal,
  events,
  logger,
}: {
  journal: StateJournal;
  events: EventWriter;
  logger: Logger;
}) {
  return {
    /** Feeds one registry log; returns false when it is not a link of a batch's chain. */
    link(log: StoredLog): boolean {
      if (log.eventName === null) return false;
      let event: ProvenanceEvent | undefined;
      try {
        event = toProvenanceEvent(log.eventName, log.args);
      } catch {
        event = undefined;
      }
      if (event === undefined) return false;

      const batchId = event.batchId.toString();
      const tip = journal.get<ChainHeadRow>("chain_heads", { batch_id: batchId });
      const previous = { seq: tip?.seq ?? 0, head: (tip?.head ?? GENESIS_HEAD) as Hex };
      const expectedSeq = previous.seq + 1;
      const actualSeq = Number(event.seq);
      const claimedHead = String(event.head).toLowerCase();
      const mismatches: Mismatch[] = [];
      if (event.kind === "BatchIssued" && tip !== undefined) {
        mismatches.push({ reason: "issued-twice", expectedSeq, actualSeq });
      } else if (event.kind !== "BatchIssued" && tip === undefined) {
        mismatches.push({ reason: "before-issuance", expectedSeq, actualSeq });
      }
      if (actualSeq !== expectedSeq) mismatches.push({ reason: "seq-gap", expectedSeq, actualSeq });
      let head: string;
      try {
        head = computeNextHead(previous.head, { ...event, seq: BigInt(expectedSeq) });
      } catch {
        // Fields that cannot even be encoded (only a tampered row can hold them): the chain breaks here.
        head = previous.head;
        mismatches.push({ reason: "invalid-fields", expectedSeq, actualSeq, claimedHead });
      }
      if (head !== claimedHead && !mismatches.some((m) => m.reason === "invalid-fields")) {
        mismatches.push({ reason: "head-mismatch", expectedSeq, actualSeq, expectedHead: head, claimedHead });
      }

      journal.put("chain_heads", {
        batch_id: batchId,
        seq: expectedSeq,
        head,
        claimed_seq: actualSeq,
        claimed_head: claimedHead,
        chain_ok: mismatches.length === 0 && (tip?.chain_ok ?? 1) === 1 ? 1 : 0,
        mismatches: (tip?.mismatches ?? 0) + mismatches.length,
      });
      for (const mismatch of mismatches) {
        events.insert("chain_mismatches", {
          block_number: log.blockNumber,
          log_index: log.logIndex,
          batch_id: batchId,
          reason: mismatch.reason,
          expected_seq: mismatch.expectedSeq,
          actual_seq: mismatch.actualSeq,
          expected_head: mismatch.expectedHead ?? null,
          claimed_head: mismatch.claimedHead ?? null,
        });
        logger.error("provenance hash chain mismatch: the history of this batch does not match its on-chain head", {
          batchId,
          reason: mismatch.reason,
          expectedSeq: mismatch.expectedSeq,
          actualSeq: mismatch.actualSeq,
          expectedHead: mismatch.expectedHead,
          claimedHead: mismatch.claimedHead,
          blockNumber: log.blockNumber,
          logIndex: log.logIndex,
          txHash: log.txHash,
        });
      }
      return true;
    },
  };
}
