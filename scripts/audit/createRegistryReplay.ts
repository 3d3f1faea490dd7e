import type { Hex } from "viem";

import { finding, type AuditFinding } from "./AuditFinding.js";
import type { AuditBatchParams, LinkEvent, LogPosition, RegistryEvent } from "./AuditEvent.js";
import { createCustodyRuns, type CustodyRun, type CustodyRuns } from "./createCustodyRuns.js";
import { createHashChain, type HashChain, type LinkMismatch } from "./createHashChain.js";
import { createRedeemedSet, type RedeemedSet } from "./createRedeemedSet.js";

/** A batch as the replay of its logs leaves it. */
export type ReplayBatch = {
  batchId: bigint;
  /** The batch id in decimal, as reports and the mirror write it. */
  key: string;
  issuer: Hex;
  /** `batchId >> 32`: the id the registry gave the issuer. */
  issuerId: number;
  params: AuditBatchParams;
  issued: LogPosition;
  custody: CustodyRuns;
  redeemed: RedeemedSet;
  chain: HashChain;
  redeemers: Map<Hex, boolean>;
  /** Links whose claimed seq or head disagreed, with where they are. */
  linkMismatches: (LinkMismatch & { at: LogPosition })[];
};

/** An issuer as the replay knows it: registered (`IssuerRegistered`) or only seen issuing. */
export type ReplayIssuer = { account: Hex; issuerId: number; profileHash: Hex | null; registeredBlock: number | null };

/** An operator approval: `scope` is a batch id in decimal, or `*` for `setApprovalForAll`. */
export type ReplayApproval = { holder: Hex; scope: string; operator: Hex; approved: boolean };

type LotTransferred = Extract<RegistryEvent, { name: "LotTransferred" }>;

/**
 * The registry's state machine, replayed from its events alone: batches, custody runs (split, spanned and
 * merged as registry v2 does, issue 12 §3), the redemption bitmap, redeemers, approvals, issuers and each batch's hash chain.
 * Independent of the indexer's derived tables.
 *
 * Every event is also checked against the state it meets: every run a lot crosses must be held by
 * the event's `from` (or `holder`) and be movable, its operator must be the holder or approved, a
 * redeemed card must have been redeemable by an allowed redeemer, and so on. An event that could not
 * have happened is reported as a `replay-conflict` (a missing or forged log, or a contract bug) and
 * changes no custody, like the registry's revert would.
 */
export function createRegistryReplay(report: (finding: AuditFinding) => void) {
  const batches = new Map<string, ReplayBatch>();
  const issuers = new Map<Hex, ReplayIssuer>();
  const approvals = new Map<string, ReplayApproval>();
  /** The last lot transfer applied: the escrow's `OrderFulfilled` follows its own in the same transaction. */
  let lastTransfer: LotTransferred | undefined;

  const at = (event: RegistryEvent) => ({ block: event.block, logIndex: event.logIndex, tx: event.tx });
  const conflict = (event: RegistryEvent, message: string, extra: Partial<AuditFinding> = {}) =>
    report(finding("replay-conflict", `${event.name} at block ${event.block}: ${message}`, { ...at(event), ...extra }));

  const isApproved = (holder: Hex, batchKey: string, operator: Hex) =>
    approvals.get(`${holder}|*|${operator}`)?.approved === true ||
    approvals.get(`${holder}|${batchKey}|${operator}`)?.approved === true;

  function link(batch: ReplayBatch, event: LinkEvent) {
    for (const mismatch of batch.chain.link(event)) {
      const position = {
        block: event.block,
        logIndex: event.logIndex,
        blockHash: event.blockHash,
        tx: event.tx,
        time: event.time,
      };
      batch.linkMismatches.push({ ...mismatch, at: position });
      report(
        finding(
          "link-mismatch",
          mismatch.reason === "seq-gap"
            ? `batch ${batch.key}: ${event.name} claims seq ${mismatch.actualSeq}, the chain's next is ${mismatch.expectedSeq}`
            : `batch ${batch.key}: ${event.name} (seq ${mismatch.expectedSeq}) claims a head the recomputed chain does not reach`,
          {
            ...at(event),
            batchId: batch.key,
            expected: mismatch.reason === "seq-gap" ? mismatch.expectedSeq : mismatch.expectedHead,
            actual: mismatch.reason === "seq-gap" ? mismatch.actualSeq : mismatch.claimedHead,
          },
        ),
      );
    }
  }

  /** The lot's run, checked to hold the whole lot; undefined (reported) otherwise. */
  /** The runs a lot crosses (registry v2: a lot may span runs), or undefined after a conflict. */
  function lotRuns(batch: ReplayBatch, event: RegistryEvent & { args: { start: number; end: number } }) {
    const { start, end } = event.args;
    const runs = batch.custody.runsIn(start, end);
    if (runs === undefined) {
      conflict(event, `lot [${start}, ${end}) is empty or runs past batch ${batch.key}'s ${batch.params.count} cards`, {
        batchId: batch.key,
        serial: start,
        actual: { start, end },
      });
    }
    return runs;
  }

  function checkMovable(batch: ReplayBatch, event: RegistryEvent, run: CustodyRun, operator: Hex) {
    if (run.revoked) {
      conflict(event, `the lot is in a revoked run starting at ${run.start}`, {
        batchId: batch.key,
        serial: run.start,
      });
    }
    if (operator !== run.holder && !isApproved(run.holder, batch.key, operator)) {
      conflict(event, `operator ${operator} is neither the holder ${run.holder} nor approved by it`, {
        batchId: batch.key,
        account: operator,
      });
    }
  }

  /** The batch of the previous event: consecutive events mostly concern the same batch. */
  let recent: ReplayBatch | undefined;
  function batchOf(event: RegistryEvent & { args: { batchId: bigint } }): ReplayBatch | undefined {
    if (recent !== undefined && recent.batchId === event.args.batchId) return recent;
    const batch = batches.get(event.args.batchId.toString());
    if (batch !== undefined) recent = batch;
    if (batch === undefined)
      conflict(event, `batch ${event.args.batchId} was never issued`, { batchId: event.args.batchId.toString() });
    return batch;
  }

  function apply(event: RegistryEvent): void {
    switch (event.name) {
      case "IssuerRegistered": {
        const { account, issuerId, profileHash } = event.args;
        const known = issuers.get(account);
        if (known !== undefined && known.issuerId !== issuerId) {
          conflict(event, `issuer ${account} had id ${known.issuerId}, now claims ${issuerId}`, { account });
        }
        issuers.set(account, {
          account,
          issuerId,
          profileHash,
          registeredBlock: known?.registeredBlock ?? event.block,
        });
        return;
      }
      case "IssuerKeyRotated": {
        // The new account takes over the id, the profile and every batch power; the issuer's implicit
        // stock follows (each batch's custody reads its issuer at each use).
        const { issuerId, previousAccount, newAccount } = event.args;
        const known = issuers.get(previousAccount);
        if (known === undefined || known.issuerId !== issuerId) {
          conflict(event, `issuer #${issuerId} is not held by ${previousAccount}`, { account: previousAccount });
        }
        if (issuers.has(newAccount)) conflict(event, `${newAccount} already has an issuer id`, { account: newAccount });
        issuers.delete(previousAccount);
        issuers.set(newAccount, {
          account: newAccount,
          issuerId,
          profileHash: known?.profileHash ?? null,
          registeredBlock: known?.registeredBlock ?? null,
        });
        for (const batch of batches.values()) if (batch.issuerId === issuerId) batch.issuer = newAccount;
        return;
      }
      case "BatchIssued": {
        const { batchId, issuer, params } = event.args;
        const key = batchId.toString();
        if (batches.has(key)) {
          conflict(event, `batch ${key} issued a second time`, { batchId: key });
          return;
        }
        const issuerId = Number(batchId >> 32n);
        const known = issuers.get(issuer);
        if (known !== undefined && known.issuerId !== issuerId) {
          conflict(event, `batch ${key} belongs to issuer id ${issuerId}, but ${issuer} has id ${known.issuerId}`, {
            batchId: key,
            account: issuer,
          });
        }
        if (known === undefined)
          issuers.set(issuer, { account: issuer, issuerId, profileHash: null, registeredBlock: null });
        if (params.count === 0) conflict(event, `batch ${key} has no cards`, { batchId: key });
        const batch: ReplayBatch = {
          batchId,
          key,
          issuer,
          issuerId,
          params,
          issued: {
            block: event.block,
            logIndex: event.logIndex,
            blockHash: event.blockHash,
            tx: event.tx,
            time: event.time,
          },
          custody: createCustodyRuns(params.count, () => batch.issuer),
          redeemed: createRedeemedSet(),
          chain: createHashChain(),
          redeemers: new Map(),
          linkMismatches: [],
        };
        batches.set(key, batch);
        link(batch, event);
        return;
      }
      case "LotTransferred": {
        lastTransfer = event;
        const batch = batchOf(event);
        if (batch === undefined) return;
        const { from, to, start, end, operator } = event.args;
        const runs = lotRuns(batch, event);
        if (runs !== undefined) {
          const stranger = runs.find((run) => run.holder !== from);
          if (stranger !== undefined) {
            conflict(
              event,
              `[${start}, ${end}) is held by ${stranger.holder} from ${stranger.start}, not by the sender ${from}`,
              {
                batchId: batch.key,
                serial: start,
                expected: stranger.holder,
                actual: from,
              },
            );
          } else if (to === from || /^0x0{40}$/.test(to)) {
            conflict(event, `invalid recipient ${to}`, { batchId: batch.key, serial: start });
          } else {
            for (const run of runs) checkMovable(batch, event, run, operator);
            batch.custody.apply(start, end, (held) => ({
              holder: to,
              activated: held.activated,
              revoked: false,
              revokeReason: 0,
            }));
          }
        }
        link(batch, event);
        return;
      }
      case "LotActivated": {
        const batch = batchOf(event);
        if (batch === undefined) return;
        const { holder, start, end, operator } = event.args;
        const runs = lotRuns(batch, event);
        if (runs !== undefined) {
          const stranger = runs.find((run) => run.holder !== holder);
          if (stranger !== undefined) {
            conflict(
              event,
              `[${start}, ${end}) is held by ${stranger.holder} from ${stranger.start}, not by ${holder}`,
              {
                batchId: batch.key,
                serial: start,
                expected: stranger.holder,
                actual: holder,
              },
            );
          } else if (runs.some((run) => run.activated)) {
            conflict(event, `[${start}, ${end}) was activated already`, { batchId: batch.key, serial: start });
          } else {
            for (const run of runs) checkMovable(batch, event, run, operator);
            batch.custody.apply(start, end, (held) => ({
              holder: held.holder,
              activated: true,
              revoked: false,
              revokeReason: 0,
            }));
          }
        }
        link(batch, event);
        return;
      }
      case "LotRevoked": {
        const batch = batchOf(event);
        if (batch === undefined) return;
        const { start, end, reason } = event.args;
        const runs = lotRuns(batch, event);
        if (runs !== undefined) {
          if (runs.some((run) => run.revoked)) {
            conflict(event, `[${start}, ${end}) was revoked already`, { batchId: batch.key, serial: start });
          } else if (reason === 0) {
            conflict(event, "revocation without a reason code", { batchId: batch.key, serial: start });
          } else {
            batch.custody.apply(start, end, (held) => ({
              holder: held.holder,
              activated: held.activated,
              revoked: true,
              revokeReason: reason,
            }));
          }
        }
        link(batch, event);
        return;
      }
      case "VoucherRedeemed": {
        const batch = batchOf(event);
        if (batch === undefined) return;
        const { serial, redeemer } = event.args;
        const run = batch.custody.runContaining(serial);
        const fail = (why: string) =>
          conflict(event, `card ${batch.key}/${serial} ${why}`, { batchId: batch.key, serial });
        if (run === undefined) {
          fail(`is past the batch's ${batch.params.count} cards`);
        } else {
          if (batch.redeemers.get(redeemer) !== true) fail(`redeemed by ${redeemer}, not a redeemer of the batch`);
          if (run.revoked) fail("redeemed while revoked");
          if (batch.params.activationRequired && !run.activated) fail("redeemed before activation");
          // The log says the bit was set: follow it, so later checks compare like with like.
          if (!batch.redeemed.add(serial)) fail("redeemed twice");
        }
        link(batch, event);
        return;
      }
      case "RedeemerSet": {
        const batch = batchOf(event);
        if (batch === undefined) return;
        const { redeemer, allowed } = event.args;
        if ((batch.redeemers.get(redeemer) ?? false) === allowed) {
          conflict(event, `redeemer ${redeemer} set to ${allowed} again`, { batchId: batch.key, account: redeemer });
        }
        batch.redeemers.set(redeemer, allowed);
        link(batch, event);
        return;
      }
      case "ApprovalForBatch":
      case "ApprovalForAll": {
        const { holder, operator, approved } = event.args;
        const scope = event.name === "ApprovalForAll" ? "*" : event.args.batchId.toString();
        approvals.set(`${holder}|${scope}|${operator}`, { holder, scope, operator, approved });
        return;
      }
    }
  }

  return {
    batches,
    issuers,
    approvals,
    apply,
    isApproved,
    /** The last `LotTransferred` applied. */
    get lastTransfer() {
      return lastTransfer;
    },
  };
}

export type RegistryReplay = ReturnType<typeof createRegistryReplay>;
