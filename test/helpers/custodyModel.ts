import { zeroAddress, type Address, type Hex } from "viem";

import { hashLeaf } from "../../scripts/lib/hashLeaf.js";
import {
  computeNextHead,
  GENESIS_HEAD,
  type BatchParamsFields,
  type ProvenanceEvent,
} from "../../scripts/lib/provenanceChain.js";
import { verifyMerkleProof } from "../../scripts/lib/verifyMerkleProof.js";

/** `IVoucherRegistry.Status`, as the numbers ethers decodes. */
export const Status = { Unknown: 0, Active: 1, Inactive: 2, Redeemed: 3, Revoked: 4, Expired: 5 } as const;
export type StatusCode = (typeof Status)[keyof typeof Status];

/** A custody run as the model keeps it: `[start, end)` held by `holder`. */
export type ModelRun = {
  start: number;
  end: number;
  holder: Address;
  activated: boolean;
  revoked: boolean;
  revokeReason: number;
};

/** One card as the model keeps it, independently of the run list. */
export type ModelCard = {
  holder: Address;
  activated: boolean;
  revoked: boolean;
  revokeReason: number;
  redeemed: boolean;
};

/** What a call must do on chain: succeed and append exactly `links`, or revert with `error(args)`. */
export type Expectation =
  | { ok: true; links: ProvenanceEvent[] }
  | { ok: false; error: string; args: readonly (string | number | bigint | boolean)[] };

/** A batch as the model keeps it. */
export type ModelBatch = {
  batchId: bigint;
  issuer: Address;
  count: number;
  expiresAt: number;
  activationRequired: boolean;
  root: Hex;
  /** Runs sorted by start; they partition `[0, count)`, merged around each lot operation like the registry's. */
  runs: ModelRun[];
  /** Start of the issuer's implicit stock: the last run when it is the issuer's, untouched; else `count`. */
  stockStart: number;
  cards: ModelCard[];
  redeemers: Set<Address>;
  seq: bigint;
  head: Hex;
  /** Every link the model expects the batch's hash chain to hold, in order. */
  links: ProvenanceEvent[];
};

export type CustodyModelOptions = {
  chainId: bigint;
  registry: Address;
};

type Failure = Extract<Expectation, { ok: false }>;

const fail = (error: string, ...args: Failure["args"]): Failure => ({ ok: false, error, args });

/**
 * One card to redeem, with what `ecrecover` returns for it: the card key the signature recovers
 * for the caller's digest, or null for a malformed signature (computed by the test with viem).
 */
export type ModelRedemption = {
  serial: number;
  hint: number;
  sigR: Hex;
  sigVs: Hex;
  proof: readonly Hex[];
  recovered: Address | null;
};

type LotCheck = (run: ModelRun) => Failure | undefined;

/**
 * An in-memory model of a VoucherRegistry, written from `IVoucherRegistry`'s documentation: per
 * card (holder, activation, revocation, redemption) plus the list of custody runs, which the
 * model needs to hand out hints the way the indexer does (the start of the run containing a
 * serial). Each action method predicts the exact outcome of the same call on chain, in the
 * registry's order of checks (documented for `redeem`, taken from the implementation for the
 * others), and applies it to the model when it succeeds.
 *
 * @dev The per-card state and the run list are updated separately, so {@link checkConsistency}
 * catches a model bug before it is blamed on the contract.
 */
export function createCustodyModel({ chainId, registry }: CustodyModelOptions) {
  const batches = new Map<bigint, ModelBatch>();
  const batchApprovals = new Set<string>();
  const globalApprovals = new Set<string>();
  let paused = false;
  let now = 0;

  const isExpired = (batch: ModelBatch) => batch.expiresAt !== 0 && now >= batch.expiresAt;

  const isApproved = (holder: Address, batchId: bigint, operator: Address) =>
    globalApprovals.has(`${holder}|${operator}`) || batchApprovals.has(`${holder}|${batchId}|${operator}`);

  function batchOf(batchId: bigint): ModelBatch {
    const batch = batches.get(batchId);
    if (batch === undefined) throw new Error(`model: batch ${batchId} is not issued`);
    return batch;
  }

  /** The run starting at `hint`, the way `_runAt` finds it, or undefined for an invalid hint. */
  function runAt(batch: ModelBatch, hint: number): ModelRun | undefined {
    return batch.runs.find((run) => run.start === hint);
  }

  /** The run containing `serial` (serial in `[0, count)`). */
  function runOf(batch: ModelBatch, serial: number): ModelRun {
    const run = batch.runs.find((r) => r.start <= serial && serial < r.end);
    if (run === undefined) throw new Error(`model: serial ${serial} of batch ${batch.batchId} is in no run`);
    return run;
  }

  function extend(batch: ModelBatch, link: ProvenanceEvent): ProvenanceEvent {
    const seq = batch.seq + 1n;
    const head = computeNextHead(batch.head, { ...link, seq });
    const complete = { ...link, seq, head } as ProvenanceEvent;
    batch.seq = seq;
    batch.head = head;
    batch.links.push(complete);
    return complete;
  }

  const sameProperties = (a: ModelRun, b: ModelRun) =>
    a.holder === b.holder &&
    a.activated === b.activated &&
    a.revoked === b.revoked &&
    a.revokeReason === b.revokeReason;

  /**
   * The lot checks and rewrite shared by transfer, activation and revocation (`_changeLot`), from
   * the registry's documentation: the hint names the run containing `start - 1` (0 when `start` is
   * 0); every run the lot crosses is checked in order; then the region from that run to the run
   * containing `end` is cut at `start` and `end`, the lot's pieces get `change`, and adjacent
   * pieces with equal properties merge. A last run of the issuer's, untouched, is its stock.
   * `firstHolder` is called with the holder of the run containing `start` before the walk.
   */
  function changeLot(
    batch: ModelBatch,
    start: number,
    end: number,
    hint: number,
    check: LotCheck,
    change: (run: ModelRun) => Omit<ModelRun, "start" | "end">,
    firstHolder?: (holder: Address) => Failure | undefined,
  ): Failure | undefined {
    const { batchId, count } = batch;
    if (start >= end) return fail("VoucherRegistryEmptyLot", batchId, start, end);
    if (end > count) return fail("VoucherRegistryLotOutOfRange", batchId, start, end, count);
    const hinted = runAt(batch, hint);
    if (hinted === undefined) return fail("VoucherRegistryInvalidHint", batchId, hint);
    if (start === 0 ? hint !== 0 : hint >= start || hinted.end < start) {
      return fail("VoucherRegistryLotHintMismatch", batchId, start, hint, hinted.end);
    }
    const crossed = batch.runs.filter((run) => run.start < end && run.end > start);
    const holderFailure = firstHolder?.(crossed[0]!.holder);
    if (holderFailure !== undefined) return holderFailure;
    for (const run of crossed) {
      const failure = check(run);
      if (failure !== undefined) return failure;
    }

    const regionStart = start === 0 ? 0 : hinted.start;
    const regionEnd = end === count ? count : runOf(batch, end).end;
    const pieces: ModelRun[] = [];
    for (const run of batch.runs.filter((r) => r.start >= regionStart && r.end <= regionEnd)) {
      const cuts = [run.start, start, end, run.end].filter((cut) => cut >= run.start && cut <= run.end);
      const bounds = [...new Set(cuts)].sort((x, y) => x - y);
      for (let i = 0; i + 1 < bounds.length; i++) {
        const piece = { ...run, start: bounds[i]!, end: bounds[i + 1]! };
        pieces.push(
          piece.start >= start && piece.end <= end ? { ...change(run), start: piece.start, end: piece.end } : piece,
        );
      }
    }
    const merged: ModelRun[] = [];
    for (const piece of pieces) {
      const last = merged.at(-1);
      if (last !== undefined && sameProperties(last, piece)) last.end = piece.end;
      else merged.push(piece);
    }
    batch.runs = [...batch.runs.filter((r) => r.end <= regionStart || r.start >= regionEnd), ...merged].sort(
      (x, y) => x.start - y.start,
    );
    if (regionEnd === count) {
      const last = batch.runs.at(-1)!;
      const isStock = last.holder === batch.issuer && !last.activated && !last.revoked && last.revokeReason === 0;
      batch.stockStart = isStock ? last.start : count;
    }
    for (let serial = start; serial < end; serial++) {
      const card = batch.cards[serial]!;
      const run = runOf(batch, serial);
      Object.assign(card, {
        holder: run.holder,
        activated: run.activated,
        revoked: run.revoked,
        revokeReason: run.revokeReason,
      });
    }
    return undefined;
  }

  return {
    batches,
    get paused() {
      return paused;
    },
    isExpired,
    isApproved,
    batchOf,
    runAt,
    runOf,

    /** The hint an indexer hands out for `serial`: the start of the run containing it. */
    hintOf(batchId: bigint, serial: number): number {
      return runOf(batchOf(batchId), serial).start;
    },

    /** The hint a lot operation starting at `start` needs: the start of the run containing `start - 1`, or 0. */
    lotHintOf(batchId: bigint, start: number): number {
      return start === 0 ? 0 : runOf(batchOf(batchId), start - 1).start;
    },

    /** The error `statusOf(batchId, serial, hint)` must revert with, if any (serial in `[0, count)`). */
    statusHintError(batchId: bigint, serial: number, hint: number): Failure | undefined {
      const run = runAt(batchOf(batchId), hint);
      if (run === undefined) return fail("VoucherRegistryInvalidHint", batchId, hint);
      if (serial < hint || serial >= run.end)
        return fail("VoucherRegistrySerialOutsideRun", batchId, serial, hint, run.end);
      return undefined;
    },

    /** Status and holder `statusOf` must report for a serial of an issued batch. */
    statusOf(batchId: bigint, serial: number): { status: StatusCode; holder: Address } {
      const batch = batchOf(batchId);
      if (serial >= batch.count) return { status: Status.Unknown, holder: zeroAddress };
      const { holder, redeemed, revoked, activated } = batch.cards[serial]!;
      if (redeemed) return { status: Status.Redeemed, holder };
      if (revoked) return { status: Status.Revoked, holder };
      if (isExpired(batch)) return { status: Status.Expired, holder };
      if (batch.activationRequired && !activated) return { status: Status.Inactive, holder };
      return { status: Status.Active, holder };
    },

    /** Moves the model's clock (the timestamp every later block and call is at or after). */
    setTime(timestamp: number) {
      now = timestamp;
    },

    issueBatch(args: {
      caller: Address;
      batchId: bigint;
      params: BatchParamsFields & { count: number; expiresAt: number };
    }): Expectation {
      const { caller, batchId, params } = args;
      if (paused) return fail("EnforcedPause");
      const batch: ModelBatch = {
        batchId,
        issuer: caller,
        count: params.count,
        expiresAt: params.expiresAt,
        activationRequired: params.activationRequired,
        root: params.merkleRoot,
        runs: [{ start: 0, end: params.count, holder: caller, activated: false, revoked: false, revokeReason: 0 }],
        stockStart: 0,
        cards: Array.from({ length: params.count }, () => ({
          holder: caller,
          activated: false,
          revoked: false,
          revokeReason: 0,
          redeemed: false,
        })),
        redeemers: new Set(),
        seq: 0n,
        head: GENESIS_HEAD,
        links: [],
      };
      batches.set(batchId, batch);
      const link = extend(batch, { kind: "BatchIssued", batchId, issuer: caller, params, seq: 0n, head: GENESIS_HEAD });
      return { ok: true, links: [link] };
    },

    pause(): Expectation {
      if (paused) return fail("EnforcedPause");
      paused = true;
      return { ok: true, links: [] };
    },

    unpause(): Expectation {
      if (!paused) return fail("ExpectedPause");
      paused = false;
      return { ok: true, links: [] };
    },

    /** `setApprovalForBatch` (scope: a batch id) or `setApprovalForAll` (scope: "all"). */
    setApproval(args: { holder: Address; operator: Address; scope: bigint | "all"; approved: boolean }): Expectation {
      const { holder, operator, scope, approved } = args;
      if (operator === zeroAddress || operator === holder) return fail("VoucherRegistryInvalidOperator", operator);
      const set = scope === "all" ? globalApprovals : batchApprovals;
      const key = scope === "all" ? `${holder}|${operator}` : `${holder}|${scope}|${operator}`;
      if (approved) set.add(key);
      else set.delete(key);
      return { ok: true, links: [] };
    },

    setRedeemer(args: { caller: Address; batchId: bigint; redeemer: Address; allowed: boolean }): Expectation {
      const { caller, batchId, redeemer, allowed } = args;
      // Removing a redeemer only protects, so it works while paused.
      if (paused && allowed) return fail("EnforcedPause");
      const batch = batches.get(batchId);
      if (batch === undefined) return fail("VoucherRegistryUnknownBatch", batchId);
      if (caller !== batch.issuer) return fail("VoucherRegistryNotBatchIssuer", batchId, caller);
      if (redeemer === zeroAddress) return fail("VoucherRegistryInvalidRedeemer", redeemer);
      if (batch.redeemers.has(redeemer) === allowed)
        return fail("VoucherRegistryRedeemerUnchanged", batchId, redeemer, allowed);
      if (allowed) batch.redeemers.add(redeemer);
      else batch.redeemers.delete(redeemer);
      return {
        ok: true,
        links: [extend(batch, { kind: "RedeemerSet", batchId, redeemer, allowed, seq: 0n, head: GENESIS_HEAD })],
      };
    },

    transferLot(args: {
      caller: Address;
      batchId: bigint;
      from: Address;
      to: Address;
      start: number;
      end: number;
      hint: number;
    }): Expectation {
      const { caller, batchId, from, to, start, end, hint } = args;
      if (paused) return fail("EnforcedPause");
      const batch = batches.get(batchId);
      if (batch === undefined) return fail("VoucherRegistryUnknownBatch", batchId);
      if (to === zeroAddress || to === from) return fail("VoucherRegistryInvalidRecipient", to);
      if (caller !== from && !isApproved(from, batchId, caller)) {
        return fail("VoucherRegistryNotHolderOrOperator", batchId, from, caller);
      }
      if (isExpired(batch)) return fail("VoucherRegistryBatchExpired", batchId, batch.expiresAt);
      const failure = changeLot(
        batch,
        start,
        end,
        hint,
        (run) =>
          run.holder !== from
            ? fail("VoucherRegistryLotNotHeld", batchId, run.start, run.holder)
            : run.revoked
              ? fail("VoucherRegistryLotRevoked", batchId, run.start, run.revokeReason)
              : undefined,
        (run) => ({ holder: to, activated: run.activated, revoked: false, revokeReason: 0 }),
      );
      if (failure !== undefined) return failure;
      const link = extend(batch, {
        kind: "LotTransferred",
        batchId,
        from,
        to,
        start,
        end,
        operator: caller,
        seq: 0n,
        head: GENESIS_HEAD,
      });
      return { ok: true, links: [link] };
    },

    activateLot(args: { caller: Address; batchId: bigint; start: number; end: number; hint: number }): Expectation {
      const { caller, batchId, start, end, hint } = args;
      if (paused) return fail("EnforcedPause");
      const batch = batches.get(batchId);
      if (batch === undefined) return fail("VoucherRegistryUnknownBatch", batchId);
      if (isExpired(batch)) return fail("VoucherRegistryBatchExpired", batchId, batch.expiresAt);
      let holder: Address = zeroAddress;
      const failure = changeLot(
        batch,
        start,
        end,
        hint,
        (run) =>
          run.holder !== holder
            ? fail("VoucherRegistryLotNotHeld", batchId, run.start, run.holder)
            : run.revoked
              ? fail("VoucherRegistryLotRevoked", batchId, run.start, run.revokeReason)
              : run.activated
                ? fail("VoucherRegistryLotAlreadyActivated", batchId, run.start)
                : undefined,
        (run) => ({ holder: run.holder, activated: true, revoked: false, revokeReason: 0 }),
        (first) => {
          holder = first;
          return caller !== first && !isApproved(first, batchId, caller)
            ? fail("VoucherRegistryNotHolderOrOperator", batchId, first, caller)
            : undefined;
        },
      );
      if (failure !== undefined) return failure;
      const link = extend(batch, {
        kind: "LotActivated",
        batchId,
        holder,
        start,
        end,
        operator: caller,
        seq: 0n,
        head: GENESIS_HEAD,
      });
      return { ok: true, links: [link] };
    },

    revokeLot(args: {
      caller: Address;
      batchId: bigint;
      start: number;
      end: number;
      hint: number;
      reason: number;
    }): Expectation {
      const { caller, batchId, start, end, hint, reason } = args;
      // Not paused-gated: freezing stolen stock only protects.
      const batch = batches.get(batchId);
      if (batch === undefined) return fail("VoucherRegistryUnknownBatch", batchId);
      if (caller !== batch.issuer) return fail("VoucherRegistryNotBatchIssuer", batchId, caller);
      if (reason === 0) return fail("VoucherRegistryInvalidRevokeReason", reason);
      const failure = changeLot(
        batch,
        start,
        end,
        hint,
        (run) => (run.revoked ? fail("VoucherRegistryLotRevoked", batchId, run.start, run.revokeReason) : undefined),
        (run) => ({ holder: run.holder, activated: run.activated, revoked: true, revokeReason: reason }),
      );
      if (failure !== undefined) return failure;
      const link = extend(batch, { kind: "LotRevoked", batchId, start, end, reason, seq: 0n, head: GENESIS_HEAD });
      return { ok: true, links: [link] };
    },

    /** `redeem` (one item) and `redeemMany` (any number): all or nothing. */
    redeem(args: { caller: Address; batchId: bigint; items: readonly ModelRedemption[]; many: boolean }): Expectation {
      const { caller, batchId, items, many } = args;
      if (paused) return fail("EnforcedPause");
      if (many && items.length === 0) return fail("VoucherRegistryNoRedemptions");
      const batch = batches.get(batchId);
      if (batch === undefined) return fail("VoucherRegistryUnknownBatch", batchId);
      if (!batch.redeemers.has(caller)) return fail("VoucherRegistryNotRedeemer", batchId, caller);

      const redeemedNow = new Set<number>();
      for (const { serial, hint, proof, recovered } of items) {
        const run = runAt(batch, hint);
        if (run === undefined) return fail("VoucherRegistryInvalidHint", batchId, hint);
        if (serial < hint || serial >= run.end)
          return fail("VoucherRegistrySerialOutsideRun", batchId, serial, hint, run.end);
        if (isExpired(batch)) return fail("VoucherRegistryBatchExpired", batchId, batch.expiresAt);
        const card = batch.cards[serial]!;
        if (card.revoked) return fail("VoucherRegistryVoucherRevoked", batchId, serial, card.revokeReason);
        if (batch.activationRequired && !card.activated) return fail("VoucherRegistryNotActivated", batchId, serial);
        if (card.redeemed || redeemedNow.has(serial)) return fail("VoucherRegistryAlreadyRedeemed", batchId, serial);
        if (recovered === null) return fail("VoucherRegistryInvalidCardSignature", batchId, serial);
        const leaf = hashLeaf({ chainId, registry, batchId, serial, cardKey: recovered });
        if (!verifyMerkleProof(proof, batch.root, leaf)) return fail("VoucherRegistryInvalidProof", batchId, serial);
        redeemedNow.add(serial);
      }

      const links = items.map(({ serial, recovered }) => {
        batch.cards[serial]!.redeemed = true;
        return extend(batch, {
          kind: "VoucherRedeemed",
          batchId,
          serial,
          redeemer: caller,
          cardKey: recovered!,
          seq: 0n,
          head: GENESIS_HEAD,
        });
      });
      return { ok: true, links };
    },

    /**
     * Throws when the model contradicts itself: the runs must partition `[0, count)` (every
     * serial has exactly one holder) and agree with the per-card state.
     */
    checkConsistency() {
      for (const batch of batches.values()) {
        let expectedStart = 0;
        for (const run of batch.runs) {
          if (run.start !== expectedStart || run.end <= run.start) {
            throw new Error(
              `model: runs of batch ${batch.batchId} do not partition [0, ${batch.count}) at ${run.start}`,
            );
          }
          for (let serial = run.start; serial < run.end; serial++) {
            const card = batch.cards[serial]!;
            if (
              card.holder !== run.holder ||
              card.activated !== run.activated ||
              card.revoked !== run.revoked ||
              card.revokeReason !== run.revokeReason
            ) {
              throw new Error(`model: card ${serial} of batch ${batch.batchId} disagrees with its run at ${run.start}`);
            }
          }
          expectedStart = run.end;
        }
        if (expectedStart !== batch.count)
          throw new Error(`model: runs of batch ${batch.batchId} end at ${expectedStart}`);
      }
    },
  };
}

export type CustodyModel = ReturnType<typeof createCustodyModel>;
