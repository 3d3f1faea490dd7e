import { expect } from "chai";
import { network } from "hardhat";
import { compactSignatureToSignature, recoverAddress, zeroAddress, zeroHash, type Address, type Hex } from "viem";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse, LogDescription } from "ethers";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { deriveCardSecret } from "../../scripts/lib/deriveCardKey.js";
import { generateCode } from "../../scripts/lib/generateCode.js";
import { replayProvenance, type ProvenanceEvent } from "../../scripts/lib/provenanceChain.js";
import { redemptionDigest, signRedemption } from "../../scripts/lib/redemptionTypedData.js";
import { toProvenanceEvent } from "../../scripts/lib/toProvenanceEvent.js";
import {
  createCustodyModel,
  Status,
  type Expectation,
  type ModelBatch,
  type ModelRedemption,
  type ModelRun,
} from "../helpers/custodyModel.js";
import type { TestBatch } from "../helpers/makeBatch.js";
import { deployRegistry } from "../helpers/registryFixture.js";
import { createRandom } from "../helpers/createRandom.js";
import { readFuzzSettings } from "../helpers/readFuzzSettings.js";

const { ethers, networkHelpers } = await network.create();

/**
 * Random custody sequences checked step by step against an in-memory model.
 *
 * Reproduce or explore with `FUZZ_SEED=<n|random> FUZZ_STEPS=<n> npx hardhat test mocha <this file>`;
 * `FUZZ_VERBOSE=1` prints what the sequence exercised. The default seed is fixed so CI is repeatable.
 */
const DEFAULT_SEED = 0x5eed_c0de;
const DEFAULT_STEPS = 300;
const { seed: SEED, steps: STEPS } = readFuzzSettings(process.env, { seed: DEFAULT_SEED, steps: DEFAULT_STEPS });
const VERBOSE = process.env.FUZZ_VERBOSE === "1";

const GATED_COUNT = 96;
const EXPIRING_COUNT = 64;
/** Random serials checked per batch after each step, on top of run boundaries and touched cards. */
const SAMPLED_SERIALS = 4;
/** Every this many steps (and after the expiry jump and at the end), every card of both batches is checked. */
const FULL_CHECK_EVERY = 40;
/** The step at which time jumps to the expiring batch's expiry. */
const EXPIRY_STEP = Math.floor(STEPS * 0.8);

/** Generous: the default sequence takes about 30 s on a 2-core machine; long exploratory runs scale with their steps. */
const TIMEOUT = Math.max(300_000, STEPS * 1_000);

const UNKNOWN_BATCH = makeBatchId(1, 99);

/** One call of the sequence, with what the model expects it to do. */
type Step = {
  label: string;
  /** Batch whose cards the call touches, for the targeted checks after it. */
  batchId: bigint | undefined;
  serials: number[];
  expectation: Expectation;
  send: () => Promise<ContractTransactionResponse>;
};

/** A registry event that extends a hash chain, in the shape `replayProvenance` takes. */
function fromLog(log: LogDescription): ProvenanceEvent | undefined {
  return toProvenanceEvent(log.name, log.args.toObject(true));
}

/**
 * Deploys a registry with two batches (one activation-gated, one expiring) and plays a random
 * sequence of custody, activation, revocation, redemption and configuration calls, about a third
 * of them deliberately invalid. Each call must do exactly what the model predicts (succeed with
 * exactly the predicted hash-chain links, or revert with the predicted custom error and
 * arguments), and after each call the registry's views must agree with the model.
 */
async function playRandomSequence() {
  const base = await deployRegistry(ethers);
  const { registry, issuer, distributor, retailer, redeemer, stranger, operator, pauser } = base;
  const signers = await ethers.getSigners();
  const consumer = signers[9]!;
  const gate = signers[10]!;

  const random = createRandom(SEED);
  /** Separate stream for which cards to check, so checks never change the sequence of calls. */
  const sampling = createRandom(SEED ^ 0x9e37_79b9);
  const model = createCustodyModel({ chainId: base.chainId, registry: base.registryAddress });

  const names = new Map<string, string>([[zeroAddress, "zero"]]);
  const signerOf = new Map<string, HardhatEthersSigner>();
  const account = (signer: HardhatEthersSigner, name: string): Address => {
    names.set(signer.address, name);
    signerOf.set(signer.address, signer);
    return signer.address as Address;
  };
  const ISSUER = account(issuer, "issuer");
  const DISTRIBUTOR = account(distributor, "distributor");
  const RETAILER = account(retailer, "retailer");
  const CONSUMER = account(consumer, "consumer");
  const OPERATOR = account(operator, "operator");
  const STRANGER = account(stranger, "stranger");
  const REDEEMER = account(redeemer, "redeemer");
  const GATE = account(gate, "gate");
  const PAUSER = account(pauser, "pauser");
  const HOLDERS = [ISSUER, DISTRIBUTOR, RETAILER, CONSUMER];
  const as = (address: Address) => registry.connect(signerOf.get(address)!);
  const nameOf = (address: string) => names.get(address) ?? address;

  const startTime = await networkHelpers.time.latest();
  model.setTime(startTime);
  const expiresAt = startTime + 365 * 86_400;
  const gated = base.prepareBatch(1, { count: GATED_COUNT, activationRequired: true });
  const expiring = base.prepareBatch(2, { count: EXPIRING_COUNT, expiresAt });
  const cardsOf = new Map<bigint, TestBatch>([
    [gated.batchId, gated],
    [expiring.batchId, expiring],
  ]);
  const batchName = (batchId: bigint) =>
    batchId === gated.batchId ? "gated" : batchId === expiring.batchId ? "expiring" : `unknown ${batchId}`;

  const stats = new Map<string, number>();
  const history: string[] = [];

  /** Sends a step and asserts the chain does exactly what the model predicted. */
  async function settle(step: Step) {
    const { expectation } = step;
    const outcome = expectation.ok ? "ok" : expectation.error.replace("VoucherRegistry", "");
    const [action] = step.label.split("(");
    stats.set(`${action} -> ${outcome}`, (stats.get(`${action} -> ${outcome}`) ?? 0) + 1);
    history.push(`${step.label} => ${outcome}`);
    if (!expectation.ok) {
      const assertion = expect(step.send()).to.be.revertedWithCustomError(registry, expectation.error);
      await (expectation.args.length > 0 ? assertion.withArgs(...expectation.args) : assertion);
      return;
    }
    let response: ContractTransactionResponse;
    try {
      response = await step.send();
    } catch (error) {
      const data = (error as { data?: string }).data;
      const decoded = data === undefined ? undefined : registry.interface.parseError(data);
      const reason = decoded ? `${decoded.name}(${decoded.args.join(", ")})` : (error as Error).message;
      throw new Error(`the model expected success, the registry reverted with ${reason}`, { cause: error });
    }
    const receipt = await response.wait();
    const links = receipt!.logs.flatMap((log) => {
      const event = fromLog(registry.interface.parseLog(log)!);
      return event === undefined ? [] : [event];
    });
    expect(links, "emitted hash-chain links").to.deep.equal(expectation.links);
  }

  // ------------------------------------------------------------------ setup, through the model too

  for (const batch of [gated, expiring]) {
    await settle({
      label: `issueBatch(${batchName(batch.batchId)})`,
      batchId: batch.batchId,
      serials: [],
      expectation: model.issueBatch({ caller: ISSUER, batchId: batch.batchId, params: batch.params }),
      send: () => as(ISSUER).issueBatch(batch.batchId, batch.params),
    });
    await settle({
      label: `setRedeemer(${batchName(batch.batchId)}, redeemer, true)`,
      batchId: batch.batchId,
      serials: [],
      expectation: model.setRedeemer({ caller: ISSUER, batchId: batch.batchId, redeemer: REDEEMER, allowed: true }),
      send: () => as(ISSUER).setRedeemer(batch.batchId, REDEEMER, true),
    });
  }
  // The distributor lets the operator (an escrow) move all its stock; the retailer only its gated stock.
  model.setApproval({ holder: DISTRIBUTOR, operator: OPERATOR, scope: "all", approved: true });
  await as(DISTRIBUTOR).setApprovalForAll(OPERATOR, true);
  model.setApproval({ holder: RETAILER, operator: OPERATOR, scope: gated.batchId, approved: true });
  await as(RETAILER).setApprovalForBatch(gated.batchId, OPERATOR, true);

  // ------------------------------------------------------------------ picking cards and lots

  const modelBatches = () => [model.batchOf(gated.batchId), model.batchOf(expiring.batchId)];

  /** A lot inside `run`: whole, prefix, suffix, one card, or anywhere inside. */
  function lotIn(run: ModelRun, small = false): [number, number] {
    const length = run.end - run.start;
    if (small) {
      const start = random.between(run.start, run.end);
      return [start, Math.min(run.end, start + 1 + random.int(3))];
    }
    switch (random.int(5)) {
      case 0:
        return [run.start, run.end];
      case 1:
        return [run.start, run.start + 1 + random.int(length)];
      case 2:
        return [run.start + random.int(length), run.end];
      case 3: {
        const start = random.between(run.start, run.end);
        return [start, start + 1];
      }
      default: {
        const start = random.between(run.start, run.end);
        return [start, random.between(start + 1, run.end + 1)];
      }
    }
  }

  function runWhere(batch: ModelBatch, predicate: (run: ModelRun) => boolean): ModelRun {
    const matching = batch.runs.filter(predicate);
    return random.pick(matching.length > 0 ? matching : batch.runs);
  }

  /** A hint that is wrong for `run`: a serial that starts no run, past the batch, or another run's start. */
  function wrongHint(batch: ModelBatch, run: ModelRun): number {
    const others = batch.runs.filter((r) => r !== run);
    const roll = random.int(3);
    if (roll === 0 && others.length > 0) return random.pick(others).start;
    if (roll === 1) return batch.count + random.int(3);
    const starts = new Set(batch.runs.map((r) => r.start));
    const inside = Array.from({ length: batch.count }, (_, serial) => serial).filter((serial) => !starts.has(serial));
    return inside.length > 0 ? random.pick(inside) : batch.count;
  }

  /**
   * A lot that starts in one run and ends one or two runs later (or past the batch): valid when
   * every run it crosses allows the operation, which the model decides.
   */
  function spanningLot(batch: ModelBatch): { run: ModelRun; start: number; end: number } {
    const index = random.int(batch.runs.length);
    const run = batch.runs[index]!;
    const last = batch.runs[index + 1 + random.int(2)] ?? batch.runs[index + 1];
    const start = random.between(run.start, run.end);
    const end = last === undefined ? batch.count + 1 + random.int(3) : random.between(last.start + 1, last.end + 1);
    return { run, start, end };
  }

  /** The hint a lot operation at `start` needs (the run containing `start - 1`). */
  const lotHint = (batch: ModelBatch, start: number) =>
    start > 0 && start <= batch.count ? model.lotHintOf(batch.batchId, start) : 0;

  /** A hint that is wrong for a lot starting at `start`: another run's start, the lot's own run start, or no run start. */
  function wrongLotHint(batch: ModelBatch, start: number): number {
    const right = lotHint(batch, start);
    const candidates = [...batch.runs.map((r) => r.start), batch.count, random.int(batch.count)].filter(
      (h) => h !== right,
    );
    return random.pick(candidates);
  }

  function callerFor(batch: ModelBatch, holder: Address): Address {
    return model.isApproved(holder, batch.batchId, OPERATOR) && random.chance(0.4) ? OPERATOR : holder;
  }

  const lotLabel = (batchId: bigint, start: number, end: number, hint: number) =>
    `${batchName(batchId)}, [${start}, ${end}), hint ${hint}`;

  // ------------------------------------------------------------------ actions

  function transferLot(batch: ModelBatch): Step {
    let run = runWhere(batch, (r) => !r.revoked);
    let [start, end] = lotIn(run);
    let hint = 0;
    let from = run.holder;
    let caller = callerFor(batch, from);
    let to = random.pick(HOLDERS.filter((holder) => holder !== from));
    let batchId = batch.batchId;
    const mode = random.chance(0.6)
      ? "valid"
      : random.pick(["hint", "span", "not-held", "not-operator", "recipient", "revoked", "empty", "unknown"] as const);
    switch (mode) {
      case "hint":
        break;
      case "span":
        ({ run, start, end } = spanningLot(batch));
        from = run.holder;
        caller = from;
        to = random.pick(HOLDERS.filter((holder) => holder !== from));
        break;
      case "not-held":
        from = random.pick(HOLDERS.filter((holder) => holder !== run.holder));
        caller = from;
        break;
      case "not-operator":
        caller = model.isApproved(from, batchId, OPERATOR) ? STRANGER : random.pick([STRANGER, OPERATOR]);
        break;
      case "recipient":
        to = random.chance(0.5) ? zeroAddress : from;
        break;
      case "revoked":
        run = runWhere(batch, (r) => r.revoked);
        [start, end] = lotIn(run);
        from = run.holder;
        caller = callerFor(batch, from);
        to = random.pick(HOLDERS.filter((holder) => holder !== from));
        break;
      case "empty":
        end = Math.max(0, start - random.int(2));
        break;
      case "unknown":
        batchId = UNKNOWN_BATCH;
        break;
    }
    hint = mode === "hint" ? wrongLotHint(batch, start) : lotHint(batch, start);
    return {
      label: `transferLot(${lotLabel(batchId, start, end, hint)}, ${nameOf(from)} -> ${nameOf(to)}) by ${nameOf(caller)} [${mode}]`,
      batchId,
      serials: [start, end - 1, end, hint, hint - 1],
      expectation: model.transferLot({ caller, batchId, from, to, start, end, hint }),
      send: () => as(caller).transferLot(batchId, from, to, start, end, hint),
    };
  }

  function activateLot(batch: ModelBatch): Step {
    let run = runWhere(batch, (r) => !r.revoked && !r.activated);
    let [start, end] = lotIn(run);
    let hint = 0;
    let caller = callerFor(batch, run.holder);
    let batchId = batch.batchId;
    const mode = random.chance(0.6)
      ? "valid"
      : random.pick(["hint", "span", "not-operator", "revoked", "activated", "empty", "unknown"] as const);
    switch (mode) {
      case "hint":
        break;
      case "span":
        ({ run, start, end } = spanningLot(batch));
        caller = run.holder;
        break;
      case "not-operator":
        caller = model.isApproved(run.holder, batchId, OPERATOR) ? STRANGER : random.pick([STRANGER, OPERATOR]);
        break;
      case "revoked":
      case "activated":
        run = runWhere(batch, mode === "revoked" ? (r) => r.revoked : (r) => r.activated && !r.revoked);
        [start, end] = lotIn(run);
        caller = callerFor(batch, run.holder);
        break;
      case "empty":
        end = start;
        break;
      case "unknown":
        batchId = UNKNOWN_BATCH;
        break;
    }
    hint = mode === "hint" ? wrongLotHint(batch, start) : lotHint(batch, start);
    return {
      label: `activateLot(${lotLabel(batchId, start, end, hint)}) by ${nameOf(caller)} [${mode}]`,
      batchId,
      serials: [start, end - 1, end, hint, hint - 1],
      expectation: model.activateLot({ caller, batchId, start, end, hint }),
      send: () => as(caller).activateLot(batchId, start, end, hint),
    };
  }

  function revokeLot(batch: ModelBatch): Step {
    let run = runWhere(batch, (r) => !r.revoked);
    // Mostly a few cards: stolen stock is a lot, not the whole batch, and frozen cards stay frozen.
    let [start, end] = lotIn(run, random.chance(0.8));
    let hint = 0;
    let caller = ISSUER;
    let reason = random.between(1, 0x1_0000);
    let batchId = batch.batchId;
    const mode = random.chance(0.6)
      ? "valid"
      : random.pick(["not-issuer", "reason", "revoked", "hint", "span", "unknown"] as const);
    switch (mode) {
      case "not-issuer":
        caller = random.pick([STRANGER, DISTRIBUTOR, OPERATOR]);
        break;
      case "reason":
        reason = 0;
        break;
      case "revoked":
        run = runWhere(batch, (r) => r.revoked);
        [start, end] = lotIn(run);
        break;
      case "hint":
        break;
      case "span":
        ({ run, start, end } = spanningLot(batch));
        break;
      case "unknown":
        batchId = UNKNOWN_BATCH;
        break;
    }
    hint = mode === "hint" ? wrongLotHint(batch, start) : lotHint(batch, start);
    return {
      label: `revokeLot(${lotLabel(batchId, start, end, hint)}, reason ${reason}) by ${nameOf(caller)} [${mode}]`,
      batchId,
      serials: [start, end - 1, end, hint, hint - 1],
      expectation: model.revokeLot({ caller, batchId, start, end, hint, reason }),
      send: () => as(caller).revokeLot(batchId, start, end, hint, reason),
    };
  }

  const redeemable = (batch: ModelBatch) =>
    batch.cards.flatMap((card, serial) =>
      !card.redeemed && !card.revoked && (card.activated || !batch.activationRequired) ? [serial] : [],
    );

  const otherSerial = (batch: ModelBatch, serial: number) => (serial + 1 + random.int(batch.count - 1)) % batch.count;

  type Item = ModelRedemption & { proof: Hex[] };

  const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

  /**
   * What `ecrecover` (OpenZeppelin's `tryRecover`) yields for a signature and the caller's digest,
   * recomputed with viem: the signer, or null when the signature is malformed.
   */
  async function recoveredKey(batchId: bigint, serial: number, caller: Address, sigR: Hex, sigVs: Hex) {
    const s = BigInt(sigVs) & ((1n << 255n) - 1n);
    if (BigInt(sigR) === 0n || s === 0n || s > SECP256K1_HALF_N) return null;
    const hash = redemptionDigest({
      chainId: base.chainId,
      registry: base.registryAddress,
      batchId,
      serial,
      redeemer: caller,
    });
    try {
      return (await recoverAddress({
        hash,
        signature: compactSignatureToSignature({ r: sigR, yParityAndS: sigVs }),
      })) as Address;
    } catch {
      return null;
    }
  }

  /** One card to redeem by `caller`, valid or broken in one way (`mode`). */
  async function redemptionItem(batch: ModelBatch, mode: string, caller: Address): Promise<Item> {
    const cards = cardsOf.get(batch.batchId)!;
    const serialWhere = (predicate: (serial: number) => boolean) => {
      const matching = batch.cards.flatMap((_, serial) => (predicate(serial) ? [serial] : []));
      return random.pick(matching.length > 0 ? matching : batch.cards.map((_, serial) => serial));
    };
    let serial: number;
    switch (mode) {
      case "redeemed":
        serial = serialWhere((s) => batch.cards[s]!.redeemed);
        break;
      case "revoked":
        serial = serialWhere((s) => batch.cards[s]!.revoked && !batch.cards[s]!.redeemed);
        break;
      case "inactive":
        serial = serialWhere((s) => !batch.cards[s]!.activated && !batch.cards[s]!.redeemed);
        break;
      default: {
        const candidates = redeemable(batch);
        serial = candidates.length > 0 ? random.pick(candidates) : random.int(batch.count);
      }
    }
    let hint = model.hintOf(batch.batchId, serial);
    let { sigR, sigVs, proof } = await cards.redemptionOf(serial, caller);
    if (mode === "hint") hint = wrongHint(batch, model.runOf(batch, serial));
    if (mode === "code") {
      const other = otherSerial(batch, serial);
      switch (random.int(6)) {
        case 0:
          // Another card's key.
          ({ sigR, sigVs } = await cards.signatureOf(serial, caller, other));
          break;
        case 1:
          proof = cards.proofOf(other);
          break;
        case 2:
          // This card's key, signing for another redeemer: what a mempool watcher would copy.
          ({ sigR, sigVs } = await cards.signatureOf(serial, random.pick([STRANGER, GATE, REDEEMER])));
          break;
        case 3: {
          // A well-formed code that is not this card's.
          const secret = deriveCardSecret({
            chainId: base.chainId,
            registry: base.registryAddress,
            batchId: batch.batchId,
            serial,
            code: generateCode(),
          });
          ({ sigR, sigVs } = await signRedemption(secret, {
            chainId: base.chainId,
            registry: base.registryAddress,
            batchId: batch.batchId,
            serial,
            redeemer: caller,
          }));
          break;
        }
        case 4:
          // Malformed: r = 0 recovers nothing.
          sigR = zeroHash;
          break;
        default:
          // Malformed: a high s (the malleable twin), which OpenZeppelin's ECDSA refuses.
          sigVs =
            `0x${((BigInt(sigVs) & (1n << 255n)) | (2n ** 255n - 1n - (BigInt(sigVs) & ((1n << 255n) - 1n)))).toString(16).padStart(64, "0")}` as Hex;
      }
    }
    return {
      serial,
      hint,
      sigR,
      sigVs,
      proof,
      recovered: await recoveredKey(batch.batchId, serial, caller, sigR, sigVs),
    };
  }

  const REDEEM_FAULTS = ["redeemed", "revoked", "inactive", "code", "hint"] as const;

  function redeemerCaller(batch: ModelBatch): Address {
    const allowed = [...batch.redeemers];
    return allowed.length > 0 ? random.pick(allowed) : REDEEMER;
  }

  async function redeem(batch: ModelBatch): Promise<Step> {
    const mode = random.chance(0.55) ? "valid" : random.pick([...REDEEM_FAULTS, "not-redeemer", "unknown"] as const);
    const caller = mode === "not-redeemer" ? STRANGER : redeemerCaller(batch);
    const item = await redemptionItem(batch, mode, caller);
    const batchId = mode === "unknown" ? UNKNOWN_BATCH : batch.batchId;
    const { serial, hint, sigR, sigVs, proof } = item;
    return {
      label: `redeem(${batchName(batchId)}, serial ${serial}, hint ${hint}) by ${nameOf(caller)} [${mode}]`,
      batchId,
      serials: [serial, hint],
      expectation: model.redeem({ caller, batchId, items: [item], many: false }),
      send: () => as(caller).redeem(batchId, serial, hint, sigR, sigVs, proof),
    };
  }

  async function redeemMany(batch: ModelBatch): Promise<Step> {
    const caller = random.chance(0.05) ? STRANGER : redeemerCaller(batch);
    const candidates = redeemable(batch);
    const items: Item[] = [];
    const size = random.chance(0.04) ? 0 : random.between(1, 6);
    for (let i = 0; i < size && candidates.length > 0; i++) {
      const serial = candidates.splice(random.int(candidates.length), 1)[0]!;
      const signed = await cardsOf.get(batch.batchId)!.redemptionOf(serial, caller);
      items.push({
        serial,
        hint: model.hintOf(batch.batchId, serial),
        ...signed,
        recovered: await recoveredKey(batch.batchId, serial, caller, signed.sigR, signed.sigVs),
      });
    }
    let mode = "valid";
    if (items.length > 0 && random.chance(0.4)) {
      mode = random.pick([...REDEEM_FAULTS, "duplicate"] as const);
      // A duplicate goes anywhere, also before its original; a faulty card replaces a good one.
      if (mode === "duplicate") items.splice(random.int(items.length + 1), 0, { ...random.pick(items) });
      else items[random.int(items.length)] = await redemptionItem(batch, mode, caller);
    }
    if (caller === STRANGER) mode = "not-redeemer";
    return {
      label: `redeemMany(${batchName(batch.batchId)}, serials [${items.map((item) => item.serial).join(" ")}]) by ${nameOf(caller)} [${mode}]`,
      batchId: batch.batchId,
      serials: items.flatMap((item) => [item.serial, item.hint]),
      expectation: model.redeem({ caller, batchId: batch.batchId, items, many: true }),
      send: () =>
        as(caller).redeemMany(
          batch.batchId,
          items.map(({ serial, hint, sigR, sigVs, proof }) => ({ serial, hint, sigR, sigVs, proof })),
        ),
    };
  }

  function setRedeemer(batch: ModelBatch): Step {
    // Mostly the second redeemer, so that redemptions keep a redeemer most of the time.
    const redeemerAccount = random.chance(0.85) ? GATE : REDEEMER;
    let target: Address = redeemerAccount;
    let allowed = !batch.redeemers.has(redeemerAccount);
    let caller = ISSUER;
    let batchId = batch.batchId;
    const mode = random.chance(0.7) ? "valid" : random.pick(["unchanged", "not-issuer", "zero", "unknown"] as const);
    switch (mode) {
      case "unchanged":
        allowed = !allowed;
        break;
      case "not-issuer":
        caller = random.pick([STRANGER, DISTRIBUTOR]);
        break;
      case "zero":
        target = zeroAddress;
        break;
      case "unknown":
        batchId = UNKNOWN_BATCH;
        break;
    }
    return {
      label: `setRedeemer(${batchName(batchId)}, ${nameOf(target)}, ${allowed}) by ${nameOf(caller)} [${mode}]`,
      batchId: undefined,
      serials: [],
      expectation: model.setRedeemer({ caller, batchId, redeemer: target, allowed }),
      send: () => as(caller).setRedeemer(batchId, target, allowed),
    };
  }

  function setApproval(batch: ModelBatch): Step {
    const holder = random.pick(HOLDERS);
    const operatorAccount = random.chance(0.85) ? OPERATOR : random.pick([holder, zeroAddress]);
    const scope = random.chance(0.5) ? batch.batchId : "all";
    const approved = random.chance(0.5);
    const expectation = model.setApproval({ holder, operator: operatorAccount, scope, approved });
    return {
      label: `setApproval(${scope === "all" ? "all" : batchName(scope)}, ${nameOf(operatorAccount)}, ${approved}) by ${nameOf(holder)}`,
      batchId: undefined,
      serials: [],
      expectation,
      send: () =>
        scope === "all"
          ? as(holder).setApprovalForAll(operatorAccount, approved)
          : as(holder).setApprovalForBatch(scope, operatorAccount, approved),
    };
  }

  function pauseOrUnpause(): Step {
    // Mostly the right toggle; now and then the wrong one, which reverts.
    const pause = model.paused !== random.chance(0.9);
    return {
      label: pause ? "pause()" : "unpause()",
      batchId: undefined,
      serials: [],
      expectation: pause ? model.pause() : model.unpause(),
      send: () => (pause ? as(PAUSER).pause() : as(PAUSER).unpause()),
    };
  }

  const ACTIONS = {
    transferLot: 30,
    activateLot: 14,
    revokeLot: 5,
    redeem: 16,
    redeemMany: 7,
    setRedeemer: 4,
    setApproval: 3,
    pause: 1,
  } as const;

  async function nextStep(): Promise<Step> {
    // A pause lasts a few steps: long enough for calls to hit it, short enough not to stall the sequence.
    if (model.paused && random.chance(0.4)) return pauseOrUnpause();
    const batch = random.pick(modelBatches());
    switch (random.weighted(ACTIONS)) {
      case "transferLot":
        return transferLot(batch);
      case "activateLot":
        return activateLot(batch);
      case "revokeLot":
        return revokeLot(batch);
      case "redeem":
        return redeem(batch);
      case "redeemMany":
        return redeemMany(batch);
      case "setRedeemer":
        return setRedeemer(batch);
      case "setApproval":
        return setApproval(batch);
      case "pause":
        return pauseOrUnpause();
    }
  }

  // ------------------------------------------------------------------ checks

  async function checkSerial(batch: ModelBatch, serial: number) {
    const { batchId } = batch;
    const hint = model.hintOf(batchId, serial);
    const expected = model.statusOf(batchId, serial);
    const [[status, holder], [lookedUpStatus, lookedUpHolder, runStart], foundStart, redeemed] = await Promise.all([
      registry.statusOf(batchId, serial, hint),
      registry.lookupStatus(batchId, serial),
      registry.runStartOf(batchId, serial),
      registry.isRedeemed(batchId, serial),
    ]);
    expect(
      {
        status: Number(status),
        holder,
        lookedUpStatus: Number(lookedUpStatus),
        lookedUpHolder,
        runStart,
        foundStart,
        redeemed,
      },
      `${batchName(batchId)} serial ${serial}`,
    ).to.deep.equal({
      status: expected.status,
      holder: expected.holder,
      lookedUpStatus: expected.status,
      lookedUpHolder: expected.holder,
      runStart: BigInt(hint),
      foundStart: BigInt(hint),
      redeemed: batch.cards[serial]!.redeemed,
    });
  }

  async function checkRun(batch: ModelBatch, run: ModelRun) {
    const stored = await registry.runAt(batch.batchId, run.start);
    expect(
      {
        holder: stored.holder,
        end: Number(stored.end),
        flags: Number(stored.flags),
        revokeReason: Number(stored.revokeReason),
      },
      `${batchName(batch.batchId)} run at ${run.start}`,
    ).to.deep.equal({
      holder: run.holder,
      end: run.end,
      flags: (run.activated ? 1 : 0) | (run.revoked ? 2 : 0),
      revokeReason: run.revokeReason,
    });
  }

  /** Views of serials past the batch: Unknown, whatever the hint. */
  async function checkPastEnd(batch: ModelBatch) {
    const serial = batch.count + sampling.int(3);
    const hint = sampling.pick(batch.runs).start;
    const [status, lookedUp] = await Promise.all([
      registry.statusOf(batch.batchId, serial, hint),
      registry.lookupStatus(batch.batchId, serial),
    ]);
    expect([...status, ...lookedUp], `${batchName(batch.batchId)} serial ${serial} past the end`).to.deep.equal([
      BigInt(Status.Unknown),
      zeroAddress,
      BigInt(Status.Unknown),
      zeroAddress,
      0n,
    ]);
  }

  /** A status query with a wrong hint reverts exactly as the model predicts. */
  async function checkWrongHint(batch: ModelBatch) {
    const serial = sampling.int(batch.count);
    const run = model.runOf(batch, serial);
    const others = batch.runs.filter((r) => r !== run);
    const hint =
      others.length > 0 && sampling.chance(0.5) ? sampling.pick(others).start : sampling.between(0, batch.count + 2);
    const error = model.statusHintError(batch.batchId, serial, hint);
    if (error === undefined) {
      expect(Number((await registry.statusOf(batch.batchId, serial, hint))[0])).to.equal(
        model.statusOf(batch.batchId, serial).status,
      );
    } else {
      await expect(registry.statusOf(batch.batchId, serial, hint))
        .to.be.revertedWithCustomError(registry, error.error)
        .withArgs(...error.args);
    }
  }

  /**
   * After a step: seq and head of both batches; every run boundary (first and last card of each
   * run, and the stored run itself); the cards the step touched; a random sample; or, on a full
   * check, every card. The model checks itself first (runs partition each batch, one holder per card).
   */
  async function checkAgainstModel(step: Step | undefined, full: boolean) {
    model.checkConsistency();
    const checks: Promise<void>[] = [];
    for (const batch of modelBatches()) {
      checks.push(
        registry.batchOf(batch.batchId).then((info) => {
          expect({ seq: info.seq, head: info.head }, `${batchName(batch.batchId)} chain tip`).to.deep.equal({
            seq: batch.seq,
            head: batch.head,
          });
        }),
      );
      const serials = new Set<number>();
      if (full) {
        for (let serial = 0; serial < batch.count; serial++) serials.add(serial);
      } else {
        for (const run of batch.runs) serials.add(run.start).add(run.end - 1);
        for (let i = 0; i < SAMPLED_SERIALS; i++) serials.add(sampling.int(batch.count));
        if (step?.batchId === batch.batchId) {
          for (const serial of step.serials) if (serial >= 0 && serial < batch.count) serials.add(serial);
        }
      }
      for (const serial of serials) checks.push(checkSerial(batch, serial));
      for (const run of batch.runs) checks.push(checkRun(batch, run));
      checks.push(checkPastEnd(batch), checkWrongHint(batch));
    }
    await Promise.all(checks);
  }

  // ------------------------------------------------------------------ the sequence

  await checkAgainstModel(undefined, true);
  for (let index = 0; index < STEPS; index++) {
    let step: Step | undefined;
    try {
      if (index === EXPIRY_STEP) {
        await networkHelpers.time.increaseTo(expiresAt);
        model.setTime(expiresAt);
        history.push(`time -> expiry of the expiring batch (${expiresAt})`);
        await checkAgainstModel(undefined, true);
      }
      step = await nextStep();
      await settle(step);
      await checkAgainstModel(step, (index + 1) % FULL_CHECK_EVERY === 0 || index === STEPS - 1);
    } catch (error) {
      const recent = history
        .slice(-8)
        .map((line) => `    ${line}`)
        .join("\n");
      throw new Error(
        `Step ${index} of seed ${SEED} disagrees with the model (reproduce: FUZZ_SEED=${SEED} FUZZ_STEPS=${STEPS}).\n` +
          `  step: ${step?.label ?? "(expiry jump)"}\n  last steps:\n${recent}\n  ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  if (VERBOSE) {
    const lines = [...stats.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `    ${key}: ${n}`);
    console.log(
      `  seed ${SEED}, ${STEPS} steps; runs: ${modelBatches()
        .map((b) => `${batchName(b.batchId)} ${b.runs.length}, seq ${b.seq}`)
        .join("; ")}\n${lines.join("\n")}`,
    );
  }
  return { registry, model, gated, expiring, stranger };
}

/** Every hash-chain event the registry ever emitted, in chain order. */
async function readProvenanceEvents(registry: Awaited<ReturnType<typeof deployRegistry>>["registry"]) {
  const logs = await ethers.provider.getLogs({ address: await registry.getAddress(), fromBlock: 0, toBlock: "latest" });
  return logs.flatMap((log) => {
    const event = fromLog(registry.interface.parseLog(log)!);
    return event === undefined ? [] : [event];
  });
}

function alterations(event: ProvenanceEvent, otherAccount: Address): { field: string; altered: ProvenanceEvent }[] {
  const flipHex = (value: Hex): Hex => `${value.slice(0, -1)}${value.endsWith("0") ? "1" : "0"}` as Hex;
  const otherThan = (address: Address) => (address === otherAccount ? zeroAddress : otherAccount);
  const result: { field: string; altered: ProvenanceEvent }[] = [];
  for (const [field, value] of Object.entries(event)) {
    if (field === "kind" || field === "batchId" || field === "seq" || field === "head") continue;
    let altered: unknown;
    if (field === "params") {
      const params = value as Extract<ProvenanceEvent, { kind: "BatchIssued" }>["params"];
      altered = { ...params, metadataURI: `${params.metadataURI}#` };
    } else if (typeof value === "number") altered = value ^ 1;
    else if (typeof value === "boolean") altered = !value;
    else if (typeof value === "string" && value.length === 42) altered = otherThan(value as Address);
    else if (typeof value === "string") altered = flipHex(value as Hex);
    else throw new Error(`no alteration for ${event.kind}.${field}`);
    result.push({ field, altered: { ...event, [field]: altered } as ProvenanceEvent });
  }
  return result;
}

describe(`VoucherRegistry: random custody sequences (seed ${SEED}, ${STEPS} steps)`, function () {
  // Played once; later tests get a snapshot of the same chain, or the same failure without replaying it.
  let failure: unknown;
  async function fixture() {
    if (failure !== undefined) throw failure;
    try {
      return await networkHelpers.loadFixture(playRandomSequence);
    } catch (error) {
      failure = error;
      throw error;
    }
  }

  it("does exactly what the model predicts at every step and ends with runs that partition each batch", async function () {
    this.timeout(TIMEOUT);
    // The sequence itself asserts every step; what is left is the final custody on chain.
    const { registry, model } = await fixture();
    for (const batch of model.batches.values()) {
      // Following the stored runs from serial 0 covers [0, count) exactly, run for run as the model has them.
      const starts: number[] = [];
      let start = 0;
      while (start < batch.count) {
        starts.push(start);
        const end = Number((await registry.runAt(batch.batchId, start)).end);
        expect(end, `end of the run at ${start}`).to.be.greaterThan(start);
        start = end;
      }
      expect(start, `end of the last run of batch ${batch.batchId}`).to.equal(batch.count);
      expect(starts, `run starts of batch ${batch.batchId}`).to.deep.equal(batch.runs.map((run) => run.start));
    }
  });

  it("replays the logs to each batch's on-chain seq and head, link for link as the model predicted", async function () {
    this.timeout(TIMEOUT);
    const { registry, model } = await fixture();
    const events = await readProvenanceEvents(registry);
    const { tips, mismatches } = replayProvenance(events);
    expect(mismatches).to.deep.equal([]);
    for (const batch of model.batches.values()) {
      const info = await registry.batchOf(batch.batchId);
      expect(tips.get(batch.batchId)).to.deep.equal({ seq: info.seq, head: info.head });
      expect(events.filter((event) => event.batchId === batch.batchId)).to.deep.equal(batch.links);
    }
  });

  it("reports a seq gap when one event is deleted, and a short tip when a batch's last one is", async function () {
    this.timeout(TIMEOUT);
    const { registry } = await fixture();
    const events = await readProvenanceEvents(registry);
    const random = createRandom(SEED);
    // The first issuance, the very last event, and a few anywhere.
    const deletions = [0, events.length - 1, ...Array.from({ length: 6 }, () => random.int(events.length))];
    for (const index of deletions) {
      const deleted = events[index]!;
      const next = events.findIndex((event, i) => i > index && event.batchId === deleted.batchId);
      const { tips, mismatches } = replayProvenance(events.toSpliced(index, 1));
      const context = `${deleted.kind} #${deleted.seq} of batch ${deleted.batchId} deleted`;
      expect(
        mismatches.map((m) => m.batchId),
        `${context}: no other batch is affected`,
      ).to.satisfy((ids: bigint[]) => ids.every((id) => id === deleted.batchId));
      if (next === -1) {
        // Nothing after it disagrees, but the replayed tip falls one link short of the chain's.
        const info = await registry.batchOf(deleted.batchId);
        expect(tips.get(deleted.batchId)!.seq, context).to.equal(info.seq - 1n);
      } else {
        // The batch's next event (one place earlier once the deleted one is gone) is where it shows.
        expect(mismatches[0]?.index, context).to.equal(next - 1);
        expect(
          mismatches.filter((m) => m.index === next - 1).map((m) => m.reason),
          context,
        ).to.include("seq-gap");
      }
    }
  });

  it("reports a head mismatch when any one field of an event is altered", async function () {
    this.timeout(TIMEOUT);
    const { registry, stranger } = await fixture();
    const events = await readProvenanceEvents(registry);
    const random = createRandom(SEED);
    const kinds = new Set(events.map((event) => event.kind));
    if (STEPS >= 100) {
      // A short exploratory run (small FUZZ_STEPS) may miss a kind; a sequence this long never does.
      expect([...kinds].sort()).to.deep.equal(
        ["BatchIssued", "LotActivated", "LotRevoked", "LotTransferred", "RedeemerSet", "VoucherRedeemed"],
        "the sequence produced every kind of link",
      );
    }
    for (const kind of kinds) {
      const indices = events.flatMap((event, index) => (event.kind === kind ? [index] : []));
      const index = random.pick(indices);
      for (const { field, altered } of alterations(events[index]!, stranger.address as Address)) {
        const { mismatches } = replayProvenance(events.with(index, altered));
        expect(mismatches[0], `${kind}.${field} altered at ${index}`).to.include({
          batchId: altered.batchId,
          index,
          reason: "head-mismatch",
        });
      }
    }
  });
});
