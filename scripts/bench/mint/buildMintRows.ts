import { CODES_FILE_KDF } from "../../mint/codesFile.js";
import type { BaselineResult } from "./baselineChild.js";
import type { PreparationResult } from "./preparationChild.js";
import type { PrintResult } from "./printCards.js";

export type MintUnit = "s" | "MB" | "µs" | "x";

/** One figure of the mint table. */
export type MintRow = {
  /** Stable id (`prepare.total.seconds`, `proof.ratio`, ...). */
  key: string;
  figure: string;
  value: number;
  unit: MintUnit;
  target: { op: "<=" | ">="; value: number } | null;
  /** Whether the target was met; null without a target. */
  met: boolean | null;
  note: string;
};

/** Everything one run measured. */
export type MintMeasurements = {
  cards: number;
  workers: number;
  preparation: PreparationResult;
  baseline: BaselineResult;
  print: PrintResult;
  /** Node options the baseline child ran with. */
  baselineNodeOptions: readonly string[];
};

/** 1 MB = 10^6 bytes. */
const MB = 1_000_000;

/** The table's rows, in reading order. */
export function buildMintRows(m: MintMeasurements): MintRow[] {
  const { preparation: p, baseline: b, print } = m;
  const n = (value: number, digits = 0) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const cards = `${n(m.cards)} cards`;
  const threads = `${m.workers} worker thread${m.workers === 1 ? "" : "s"}`;
  const log2 = (value: number) => Math.round(Math.log2(value));
  const oursParallel = p.stages.keys + p.stages.tree;
  return [
    row({
      key: "prepare.codes.seconds",
      figure: `prepare ${cards}: codes`,
      value: p.stages.codes,
      unit: "s",
      note: `CSPRNG (getRandomValues), check character; includes starting ${threads}`,
    }),
    row({
      key: "prepare.keys.seconds",
      figure: `prepare ${cards}: card keys + leaves`,
      value: p.stages.keys,
      unit: "s",
      note: `a secp256k1 public key (${p.backend === "native" ? "libsecp256k1, native" : "@noble/curves, pure JS"}) and 4 Keccak-256 permutations a card, 16,384-card tasks over ${threads}`,
    }),
    row({
      key: "prepare.tree.seconds",
      figure: `prepare ${cards}: Merkle tree`,
      value: p.stages.tree,
      unit: "s",
      note: "lower 14 levels in the workers, the top in the main thread",
    }),
    row({
      key: "prepare.manifest.seconds",
      figure: `prepare ${cards}: manifest + hash`,
      value: p.stages.manifest,
      unit: "s",
      note: `${n(p.manifestBytes / MB, 1)} MB canonical JSON and its Keccak-256, main thread`,
    }),
    row({
      key: "prepare.codesFile.seconds",
      figure: `prepare ${cards}: encrypted codes file`,
      value: p.codesFile.seconds,
      unit: "s",
      note:
        `scrypt N=2^${log2(CODES_FILE_KDF.N)} r=${CODES_FILE_KDF.r} p=${CODES_FILE_KDF.p}: ${n(p.codesFile.kdfSeconds, 2)} s; ` +
        `AES-256-GCM, fsync, ${n(p.codesFile.bytes / MB, 1)} MB`,
    }),
    row({
      key: "prepare.total.seconds",
      figure: `prepare ${cards}: total`,
      value: p.totalSeconds,
      unit: "s",
      target: { op: "<=", value: 15 },
      note: "prepareBatch + writeCodesFile, wall time in a fresh process",
    }),
    row({
      key: "prepare.peakRssMb",
      figure: `prepare ${cards}: peak RSS`,
      value: p.memory.peakRss / MB,
      unit: "MB",
      target: { op: "<=", value: 1_500 },
      note: `VmHWM of the child process, worker threads included; ${n(p.memory.startRss / MB)} MB before preparing`,
    }),
    row({
      key: "tree.ours.seconds",
      figure: "tree from the card keys: ours, 1 thread",
      value: p.reference.seconds,
      unit: "s",
      note:
        `leaves (chainId, registry, batchId, serial, cardKey; double Keccak) + tree with scripts/lib; ` +
        `same root as prepareBatch: ${p.reference.sameRoot ? "yes" : "NO"}`,
    }),
    row({
      key: "tree.baseline.seconds",
      figure: "tree from the card keys: StandardMerkleTree",
      value: b.treeSeconds,
      unit: "s",
      note:
        `@openzeppelin/merkle-tree, values [serial, cardKey] as (uint32, address), sortLeaves false; ` +
        `+ ${n(b.valuesSeconds, 1)} s to build the hex values; own process (${m.baselineNodeOptions.join(" ") || "default heap"})`,
    }),
    row({
      key: "tree.ratio",
      figure: "tree: baseline / ours, 1 thread each",
      value: b.treeSeconds / p.reference.seconds,
      unit: "x",
      note:
        `baseline / prepareBatch's keys + tree stages (${threads}, card keys included): ` +
        `${n(b.treeSeconds / oursParallel, 1)}x`,
    }),
    row({
      key: "baseline.peakRssMb",
      figure: "StandardMerkleTree: peak RSS",
      value: b.memory.peakRss / MB,
      unit: "MB",
      note: `VmHWM of its process (input values included); ${n(b.memory.startRss / MB)} MB before`,
    }),
    ...proofRows(p.proofs, b.proofs),
    row({
      key: "print.seconds",
      figure: `print ${n(print.cards)} cards to PDF`,
      value: print.seconds,
      unit: "s",
      target: { op: "<=", value: 30 },
      note:
        `readCodesFile (scrypt + decrypt ${cards}): ${n(print.decryptSeconds, 2)} s; createSheetPdfWriter: ` +
        `${n(print.pages)} pages, ${n(print.bytes / MB, 1)} MB`,
    }),
  ];
}

function proofRows(ours: PreparationResult["proofs"], baseline: BaselineResult["proofs"]): MintRow[] {
  const verified = (ok: boolean) => (ok ? "a proof verifies" : "a proof FAILS to verify");
  return [
    row({
      key: "proof.ours.medianUs",
      figure: "proof of a random serial: ours, median",
      value: ours.medianUs,
      unit: "µs",
      note: `tree.getProof, ${ours.samples} random serials; ${verified(ours.verified)} (verifyMerkleProof)`,
    }),
    row({ key: "proof.ours.p99Us", figure: "proof: ours, p99", value: ours.p99Us, unit: "µs", note: "" }),
    row({
      key: "proof.baseline.medianUs",
      figure: "proof: StandardMerkleTree, median",
      value: baseline.medianUs,
      unit: "µs",
      note: `tree.getProof, the same serials; ${verified(baseline.verified)} (StandardMerkleTree.verify)`,
    }),
    row({
      key: "proof.baseline.p99Us",
      figure: "proof: StandardMerkleTree, p99",
      value: baseline.p99Us,
      unit: "µs",
      note: "",
    }),
    row({
      key: "proof.ratio",
      figure: "proof: baseline / ours, median",
      value: baseline.medianUs / ours.medianUs,
      unit: "x",
      note: `p99: ${(baseline.p99Us / ours.p99Us).toFixed(1)}x`,
    }),
  ];
}

function row(fields: Omit<MintRow, "met" | "target"> & { target?: MintRow["target"] }): MintRow {
  const target = fields.target ?? null;
  const met = target === null ? null : target.op === "<=" ? fields.value <= target.value : fields.value >= target.value;
  return { ...fields, target, met };
}

/** `1234.5, "MB"` → `"1,235 MB"`; two decimals under 10, one under 100. */
export function formatValue(value: number, unit: MintUnit): string {
  const digits = unit === "x" ? (value < 10 ? 2 : 1) : value < 10 ? 2 : value < 100 ? 1 : 0;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === "x" ? `${text}x` : `${text} ${unit}`;
}

/** The summary line: targets met, or which were missed. */
export function summarizeMintRows(rows: readonly MintRow[], { quick }: { quick: boolean }) {
  const withTarget = rows.filter((r) => r.target !== null);
  const missed = withTarget.filter((r) => r.met === false);
  let line =
    missed.length === 0
      ? `Summary: all ${withTarget.length} targets met (${rows.length} figures).`
      : `Summary: ${withTarget.length - missed.length} of ${withTarget.length} targets met; missed: ` +
        missed
          .map(
            (r) =>
              `${r.figure} ${formatValue(r.value, r.unit)} (target ${r.target!.op} ${formatValue(r.target!.value, r.unit)})`,
          )
          .join(", ") +
        ".";
  if (quick) line += " Quick run: the targets are set for 1,000,000 cards.";
  return { line, figures: rows.length, targets: withTarget.length, missed: missed.length };
}
