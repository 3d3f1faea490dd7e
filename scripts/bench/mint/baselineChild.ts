/**
 * Child process of `npm run bench:mint`: the baseline. Builds the batch's tree with
 * `@openzeppelin/merkle-tree`'s `StandardMerkleTree` from the same card keys the preparation child
 * wrote (values `[serial, cardKey]`, types `["uint32", "address"]`, leaves kept in serial order),
 * then times its proofs. In its own process so that its memory is measured alone and does not
 * weigh on ours. Prints one JSON document on stdout; progress goes to stderr.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

import { readProcessMemory } from "../indexer/readProcessMemory.js";
import { BENCH_CARD_KEYS_FILE } from "./benchBatch.js";
import { measureProofs, type ProofTimes } from "./measureProofs.js";
import { readBenchJob } from "./runBenchChild.js";

/** What the parent asks for. */
export type BaselineJob = { cards: number; dir: string; serials: number[] };

/** What this child reports. */
export type BaselineResult = {
  cards: number;
  /** Turning the card keys into the library's input values (hex strings). */
  valuesSeconds: number;
  /** `StandardMerkleTree.of`: leaf hashes and tree. */
  treeSeconds: number;
  memory: { peakRss: number; startRss: number };
  proofs: ProofTimes & { verified: boolean };
};

const LEAF_ENCODING = ["uint32", "address"];
const log = (line: string) => console.error(`[bench:mint] ${line}`);
const job = readBenchJob<BaselineJob>();

const startRss = readProcessMemory(process.pid)?.rss ?? Number.NaN;
const cardKeys = readFileSync(join(job.dir, BENCH_CARD_KEYS_FILE));
if (cardKeys.length !== 20 * job.cards) throw new Error(`expected ${job.cards} card keys`);

const valuesStarted = performance.now();
const values: [number, string][] = Array.from({ length: job.cards }, (_, serial) => [
  serial,
  `0x${cardKeys.toString("hex", 20 * serial, 20 * serial + 20)}`,
]);
const treeStarted = performance.now();
log(`baseline: StandardMerkleTree.of over ${job.cards.toLocaleString("en-US")} values (slow: minutes at 1,000,000)`);
const tree = StandardMerkleTree.of(values, LEAF_ENCODING, { sortLeaves: false });
const treeFinished = performance.now();
const memory = { peakRss: readProcessMemory(process.pid)?.peakRss ?? Number.NaN, startRss };
log(`baseline tree built in ${((treeFinished - treeStarted) / 1000).toFixed(1)} s`);

const proofs = measureProofs((serial) => tree.getProof(serial), job.serials);
const probe = job.serials[0]!;
const verified = StandardMerkleTree.verify(tree.root, LEAF_ENCODING, values[probe]!, tree.getProof(probe));

const result: BaselineResult = {
  cards: job.cards,
  valuesSeconds: (treeStarted - valuesStarted) / 1000,
  treeSeconds: (treeFinished - treeStarted) / 1000,
  memory,
  proofs: { ...proofs, verified },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
