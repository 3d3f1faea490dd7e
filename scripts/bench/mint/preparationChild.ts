/**
 * Child process of `npm run bench:mint`: prepares one batch with `prepareBatch` and writes its
 * encrypted codes file, timing each stage, then reports its own peak RSS (`VmHWM`: nothing else ran
 * in this process), the proof times of the tree, and a one-thread reference build of the same tree
 * from the card keys (the work StandardMerkleTree does in the baseline). Prints one JSON document
 * on stdout; progress goes to stderr.
 */
import { writeFileSync } from "node:fs";
import { statSync } from "node:fs";
import { join } from "node:path";

import { buildMerkleTree } from "../../lib/buildMerkleTree.js";
import { createLeafHasher } from "../../lib/hashLeaf.js";
import { verifyMerkleProof } from "../../lib/verifyMerkleProof.js";
import { writeCodesFile } from "../../mint/codesFile.js";
import { prepareBatch, type PreparationStage } from "../../mint/prepareBatch.js";
import { readProcessMemory } from "../indexer/readProcessMemory.js";
import { BENCH_BATCH, BENCH_CARD_KEYS_FILE, BENCH_CODES_FILE, BENCH_PASSPHRASE } from "./benchBatch.js";
import { measureProofs, type ProofTimes } from "./measureProofs.js";
import { readBenchJob } from "./runBenchChild.js";

/** What the parent asks for. */
export type PreparationJob = { cards: number; dir: string; serials: number[] };

/** What this child reports. */
export type PreparationResult = {
  cards: number;
  /** Seconds per stage of `prepareBatch` (the first includes starting the worker threads). */
  stages: Record<PreparationStage, number>;
  codesFile: { seconds: number; kdfSeconds: number; bytes: number };
  /** `prepareBatch` plus the codes file. */
  totalSeconds: number;
  memory: { peakRss: number; startRss: number };
  root: string;
  manifestHash: string;
  manifestBytes: number;
  proofs: ProofTimes & { verified: boolean };
  /** Leaves and tree from the card keys in this thread with scripts/lib, no workers. */
  reference: { seconds: number; sameRoot: boolean };
  /** The secp256k1 implementation that derived the card keys (`native`: libsecp256k1). */
  backend: string;
};

const log = (line: string) => console.error(`[bench:mint] ${line}`);
const job = readBenchJob<PreparationJob>();
const seconds = (from: number, to: number) => (to - from) / 1000;

const startRss = readProcessMemory(process.pid)?.rss ?? Number.NaN;
log(`preparing a ${job.cards.toLocaleString("en-US")}-card batch (codes, card keys, tree, manifest)`);
const started = performance.now();
const stageEnds = new Map<PreparationStage, number>();
const batch = await prepareBatch(
  { ...BENCH_BATCH, count: job.cards },
  {
    onProgress(stage, done, total) {
      if (done === total) stageEnds.set(stage, performance.now());
    },
  },
);
const order: PreparationStage[] = ["codes", "keys", "tree", "manifest"];
const stages = Object.fromEntries(
  order.map((stage, i) => [stage, seconds(i === 0 ? started : stageEnds.get(order[i - 1]!)!, stageEnds.get(stage)!)]),
) as Record<PreparationStage, number>;

log("writing the encrypted codes file (scrypt, AES-256-GCM, fsync)");
const codesPath = join(job.dir, BENCH_CODES_FILE);
const fileStarted = performance.now();
let keyDerived = Number.NaN;
await writeCodesFile(
  codesPath,
  {
    chainId: batch.chainId,
    registry: batch.registry,
    batchId: batch.batchId,
    count: batch.count,
    manifestHash: batch.manifestHash,
  },
  batch.codes,
  BENCH_PASSPHRASE,
  {
    onProgress(done) {
      if (done === 0) keyDerived = performance.now();
    },
  },
);
const finished = performance.now();
const memory = { peakRss: readProcessMemory(process.pid)?.peakRss ?? Number.NaN, startRss };
log(`prepared and saved in ${seconds(started, finished).toFixed(1)} s`);

const proofs = measureProofs((serial) => batch.tree.getProof(serial), job.serials);
const probe = job.serials[0]!;
const leaf = batch.tree.layers[0]!.subarray(32 * probe, 32 * probe + 32);
const verified = verifyMerkleProof(
  batch.tree.getProof(probe),
  batch.tree.root,
  `0x${Buffer.from(leaf).toString("hex")}`,
);

writeFileSync(join(job.dir, BENCH_CARD_KEYS_FILE), batch.cardKeys);
log("reference: leaves and tree from the card keys, one thread (scripts/lib)");
const referenceStarted = performance.now();
const hashLeafInto = createLeafHasher(BENCH_BATCH);
const leaves = new Uint8Array(32 * job.cards);
for (let serial = 0; serial < job.cards; serial++) {
  hashLeafInto(serial, batch.cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
}
const referenceRoot = buildMerkleTree(leaves).root;
const reference = {
  seconds: seconds(referenceStarted, performance.now()),
  sameRoot: referenceRoot === batch.tree.root,
};

const result: PreparationResult = {
  cards: job.cards,
  stages,
  codesFile: {
    seconds: seconds(fileStarted, finished),
    kdfSeconds: seconds(fileStarted, keyDerived),
    bytes: statSync(codesPath).size,
  },
  totalSeconds: seconds(started, finished),
  memory,
  root: batch.tree.root,
  manifestHash: batch.manifestHash,
  manifestBytes: batch.manifest.length,
  proofs: { ...proofs, verified },
  reference,
  backend: batch.backend,
};
batch.codes.fill(0);
process.stdout.write(`${JSON.stringify(result)}\n`);
