/**
 * Static proof shards benchmark, several shard sizes side by side in one run, for one batch:
 *
 * - writing the batch's shards with `writeProofShards` (what `cardproof batch publish --static`
 *   does after rebuilding the tree): seconds, files, folder bytes;
 * - the bytes a phone fetches for one card: its shard file, raw and gzipped (what a static host or
 *   CDN sends with `Content-Encoding: gzip`), for a full shard and the largest file;
 * - deriving and verifying a card's proof from its shard: JSON.parse, decode, rebuild the shard's
 *   subtree, verify against the root; median and p99 in Node, and median in Debian's Chromium
 *   (the page's own code, bundled by esbuild), as is and with DevTools' 4x CPU slowdown (what
 *   DevTools calls a mid-tier mobile).
 *
 *   npm run bench:shards                    table on stdout, progress on stderr
 *   npm run -s bench:shards -- --json       the same figures as one JSON document on stdout
 *   npm run bench:shards -- --quick         smoke run (100,000 cards)
 *
 * Card keys are pseudo-random (Keccak-256 of the serial), as incompressible as real ones, so the
 * batch takes seconds instead of the half minute real secp256k1 keys take. Files go to a temporary
 * folder, deleted at the end. Timings vary with the machine and its load: compare figures of the
 * same run.
 */
import { randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { build } from "esbuild";

import type { Address } from "viem";

import { buildMerkleTree } from "../lib/buildMerkleTree.js";
import { createLeafHasher, hashLeaf } from "../lib/hashLeaf.js";
import { keccak256Bytes } from "../lib/keccak256Bytes.js";
import { proofShardCardProof } from "../lib/proofShardCardProof.js";
import { PROOF_SHARD_BITS, decodeProofShard, proofShardOf, proofShardPath } from "../lib/proofShardFormat.js";
import { writeProofShards } from "../lib/proofShardWriter.js";
import { verifyMerkleProof } from "../lib/verifyMerkleProof.js";
import { launchVerifierBrowser } from "../../test/helpers/verifierBrowser.js";
import { percentile } from "./indexer/summarizeLatencies.js";
import { argumentsAfterScript } from "./lib/argumentsAfterScript.js";
import { BenchUsageError } from "./lib/BenchUsageError.js";
import { readBenchFlags } from "./lib/readBenchFlags.js";
import { renderTable } from "./lib/renderTable.js";

const CARDS = 1_000_000;
const QUICK_CARDS = 100_000;
/** Shard sizes compared (log2 of cards per shard). */
const SHARD_BITS = [8, 9, 10, 11];
/** Random cards whose proof is derived and verified, per shard size (after as many untimed ones). */
const SAMPLES = 200;
const CONTEXT = {
  chainId: 31337n,
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Address,
  batchId: (1n << 32n) | 1n,
};

const USAGE = `Usage: npm run bench:shards -- [--json] [--quick]

Writes the static proof shards of a ${CARDS.toLocaleString("en-US")}-card batch with ${SHARD_BITS.map((bits) => 2 ** bits).join(", ")} cards
per shard and measures, side by side: write time, files and folder bytes, the bytes a phone fetches
for one card (raw and gzipped), and the time to derive and verify a card's proof from its shard.
  --json    print the figures as JSON on stdout (progress stays on stderr)
  --quick   smoke run: ${QUICK_CARDS.toLocaleString("en-US")} cards`;

type ShardRow = {
  cardsPerShard: number;
  shardBits: number;
  writeSeconds: number;
  files: number;
  folderBytes: number;
  /** A full shard (shard 0): the bytes a phone fetches for one card, raw and gzipped (level 6). */
  fetchBytes: number;
  fetchGzipBytes: number;
  /** The largest shard file (a full shard with the longest upper proof). */
  maxFetchBytes: number;
  maxFetchGzipBytes: number;
  proofSiblings: number;
  deriveMedianMs: number;
  deriveP99Ms: number;
  chromiumMedianMs: number;
  chromiumSlowedMedianMs: number;
};

/** Random cards timed in Chromium per shard size and CPU rate (after as many untimed ones). */
const BROWSER_SAMPLES = 50;
/** DevTools' CPU slowdown for a mid-tier phone. */
const CPU_SLOWDOWN = 4;

const log = (line: string) => console.error(`[bench:shards] ${line}`);

const flags = readBenchFlags(() => {
  const parsed = { json: false, quick: false, help: false };
  for (const word of argumentsAfterScript(process.argv, import.meta.url)) {
    if (word === "--json") parsed.json = true;
    else if (word === "--quick") parsed.quick = true;
    else if (word === "--help" || word === "-h") parsed.help = true;
    else if (word !== "--") throw new BenchUsageError(`unknown argument "${word}"`);
  }
  return parsed;
}, USAGE);

const cards = flags.quick ? QUICK_CARDS : CARDS;
const dir = mkdtempSync(join(tmpdir(), "cardproof-bench-shards-"));
try {
  let started = performance.now();
  const cardKeys = new Uint8Array(20 * cards);
  const leaves = new Uint8Array(32 * cards);
  const seed = new Uint8Array(4);
  const digest = new Uint8Array(32);
  const leafOf = createLeafHasher(CONTEXT);
  for (let serial = 0; serial < cards; serial++) {
    new DataView(seed.buffer).setUint32(0, serial);
    cardKeys.set(keccak256Bytes(seed, digest).subarray(0, 20), 20 * serial);
    leafOf(serial, cardKeys.subarray(20 * serial, 20 * serial + 20), leaves, 32 * serial);
  }
  const tree = buildMerkleTree(leaves);
  log(`built a ${cards.toLocaleString("en-US")}-card batch and its tree in ${seconds(started)} s`);

  const browser = await startBrowserDeriver();
  const rows: ShardRow[] = [];
  for (const shardBits of SHARD_BITS) {
    const out = join(dir, `bits-${shardBits}`);
    started = performance.now();
    const written = await writeProofShards(out, { ...CONTEXT, cardKeys }, tree, { shardBits });
    const writeSeconds = (performance.now() - started) / 1000;
    if (written.status !== "written") throw new Error(`unexpected ${written.status} in a fresh folder`);

    const fileOf = (serial: number) => join(out, proofShardPath({ ...CONTEXT, serial }, shardBits));
    let maxFetchBytes = 0;
    let maxFetchGzipBytes = 0;
    let largest = 0;
    for (let shard = 0; shard < written.shards; shard++) {
      const bytes = readFileSync(fileOf(shard * 2 ** shardBits));
      if (bytes.length > maxFetchBytes) [maxFetchBytes, largest] = [bytes.length, shard];
    }
    maxFetchGzipBytes = gzipSync(readFileSync(fileOf(largest * 2 ** shardBits))).length;
    const first = readFileSync(fileOf(0));

    const serials = Array.from({ length: 2 * SAMPLES }, () => randomInt(cards));
    const texts = new Map(serials.map((serial) => [serial, readFileSync(fileOf(serial), "utf8")]));
    let siblings = 0;
    const times = serials.map((serial, i) => {
      const begin = performance.now();
      const shard = decodeProofShard(JSON.parse(texts.get(serial)!), {
        ...CONTEXT,
        shard: proofShardOf(serial, shardBits),
        shardBits,
      });
      const { cardKey, proof } = proofShardCardProof(shard, serial);
      if (!verifyMerkleProof(proof, tree.root, hashLeaf({ ...CONTEXT, serial, cardKey }))) {
        throw new Error(`the proof of card ${serial} from its shard does not verify`);
      }
      siblings = proof.length;
      return i < SAMPLES ? -1 : performance.now() - begin; // the first half warms the JIT up
    });
    const timed = times.filter((time) => time >= 0);
    const browserCards = serials.slice(0, 2 * BROWSER_SAMPLES).map((serial) => ({ serial, text: texts.get(serial)! }));
    const chromiumMedianMs = await browser.median(browserCards, shardBits, tree.root, 1);
    const chromiumSlowedMedianMs = await browser.median(browserCards, shardBits, tree.root, CPU_SLOWDOWN);
    rows.push({
      cardsPerShard: 2 ** shardBits,
      shardBits,
      writeSeconds,
      files: written.shards + 1,
      folderBytes: written.bytes,
      fetchBytes: first.length,
      fetchGzipBytes: gzipSync(first).length,
      maxFetchBytes,
      maxFetchGzipBytes,
      proofSiblings: siblings,
      deriveMedianMs: percentile(timed, 50),
      deriveP99Ms: percentile(timed, 99),
      chromiumMedianMs,
      chromiumSlowedMedianMs,
    });
    log(`${2 ** shardBits} cards per shard: written in ${writeSeconds.toFixed(1)} s`);
    rmSync(out, { recursive: true, force: true });
  }
  await browser.close();

  const settings = { cards, samples: SAMPLES, cpu: cpus()[0]?.model ?? "unknown", node: process.version };
  if (flags.json) {
    console.log(JSON.stringify({ settings, root: tree.root, rows }, null, 2));
  } else {
    const kb = (bytes: number) => (bytes / 1000).toFixed(1);
    console.log(
      `Static proof shards of a ${cards.toLocaleString("en-US")}-card batch (pseudo-random card keys; ` +
        `derive+verify: median and p99 over ${SAMPLES} random cards in Node ${settings.node}, median over ` +
        `${BROWSER_SAMPLES} in Chromium)\n`,
    );
    console.log(
      renderTable(
        [
          ">cards/shard",
          ">files",
          ">folder MB",
          ">write s",
          ">fetch KB",
          ">gzip KB",
          ">max KB",
          ">max gzip KB",
          ">node median ms",
          ">node p99 ms",
          ">chromium ms",
          `>chromium ${CPU_SLOWDOWN}x slower ms`,
        ],
        rows.map((row) => [
          row.cardsPerShard.toLocaleString("en-US"),
          row.files.toLocaleString("en-US"),
          (row.folderBytes / 1e6).toFixed(1),
          row.writeSeconds.toFixed(1),
          kb(row.fetchBytes),
          kb(row.fetchGzipBytes),
          kb(row.maxFetchBytes),
          kb(row.maxFetchGzipBytes),
          row.deriveMedianMs.toFixed(2),
          row.deriveP99Ms.toFixed(2),
          row.chromiumMedianMs.toFixed(1),
          row.chromiumSlowedMedianMs.toFixed(1),
        ]),
      ),
    );
    console.log(
      `\nThe format fixes ${2 ** PROOF_SHARD_BITS} cards per shard (PROOF_SHARD_BITS = ${PROOF_SHARD_BITS}).`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Debian's Chromium with the page's derivation code (proofShardFormat, proofShardCardProof,
 * verifyMerkleProof, hashLeaf) bundled by esbuild for the browser, as the page ships it.
 */
async function startBrowserDeriver() {
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  const bundle = await build({
    stdin: {
      contents: `
        import { decodeProofShard } from "./scripts/lib/proofShardFormat.ts";
        import { proofShardCardProof } from "./scripts/lib/proofShardCardProof.ts";
        import { hashLeaf } from "./scripts/lib/hashLeaf.ts";
        import { verifyMerkleProof } from "./scripts/lib/verifyMerkleProof.ts";
        globalThis.cardproofDerive = (text, card, shardBits, root) => {
          const at = { chainId: BigInt(card.chainId), registry: card.registry, batchId: BigInt(card.batchId), serial: card.serial };
          const shard = decodeProofShard(JSON.parse(text), { ...at, shard: Math.floor(at.serial / 2 ** shardBits), shardBits });
          const { cardKey, proof } = proofShardCardProof(shard, at.serial);
          return verifyMerkleProof(proof, root, hashLeaf({ ...at, cardKey }));
        };`,
      resolveDir: repo,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    minify: true,
    write: false,
  });
  const browser = await launchVerifierBrowser();
  const page = await (await browser.newContext()).newPage();
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const cdp = await page.context().newCDPSession(page);
  const card = { chainId: String(CONTEXT.chainId), registry: CONTEXT.registry, batchId: String(CONTEXT.batchId) };
  return {
    /** Median ms per card in the page (the first half of `cards` warms up), at `1 / rate` of the CPU. */
    async median(cards: { serial: number; text: string }[], shardBits: number, root: string, rate: number) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate });
      const times = await page.evaluate(
        ({ cards, card, shardBits, root }) => {
          const derive = (globalThis as unknown as { cardproofDerive: (...args: unknown[]) => boolean })
            .cardproofDerive;
          return cards.map(({ serial, text }) => {
            const begin = performance.now();
            if (!derive(text, { ...card, serial }, shardBits, root)) throw new Error(`card ${serial} did not verify`);
            return performance.now() - begin;
          });
        },
        { cards, card, shardBits, root },
      );
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      return percentile(times.slice(cards.length / 2), 50);
    },
    close: () => browser.close(),
  };
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
