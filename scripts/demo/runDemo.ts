import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import hre from "hardhat";
import { bytesToHex, createPublicClient, http, type Address, type Hex } from "viem";

import { BaseError } from "../../server/internal/BaseError.js";
import { DEFAULT_CONFIG } from "../../server/internal/loadConfig.js";
import { CODES_FILE, MANIFEST_FILE } from "../cli/batchPlan.js";
import { CliError } from "../cli/CliError.js";
import { readDeployment } from "../cli/deploymentFile.js";
import { decodeBatchManifest, type DecodedBatchManifest } from "../lib/batchManifest.js";
import { CODE_LENGTH } from "../lib/codeAlphabet.js";
import { encodeSecretPayload } from "../lib/secretPayload.js";
import { settlementEscrowAbi } from "../lib/settlementEscrowAbi.js";
import { readCodesFile } from "../mint/codesFile.js";
import { assertPortFree } from "./assertPortFree.js";
import { createCommandRunner } from "./createCommandRunner.js";
import { presentCard, type ShowcaseCard } from "./presentCard.js";
import type { DemoOptions } from "./readDemoOptions.js";
import { startDemoIndexer } from "./startDemoIndexer.js";
import { startLocalChain } from "./startLocalChain.js";
import { startShardServer } from "./startShardServer.js";

/**
 * The passphrase of the demo batch's codes file. A DEMO value: printed on purpose, worthless for
 * protecting anything. Real batches take a passphrase only their supplier knows.
 */
export const DEMO_PASSPHRASE = "cardproof-demo-passphrase-NOT-SECRET";

/** Marks a folder as the demo's own, so a restart may empty it (and no other folder). */
const MARKER_FILE = ".cardproof-demo";

/** Who signs as whom: `--account-index N` picks the local node's unlocked account N. */
const ROLES = ["admin", "supplier (issuer)", "distributor", "retailer", "game studio (redeemer)"] as const;
const [ADMIN, SUPPLIER, DISTRIBUTOR, RETAILER, STUDIO] = [0, 1, 2, 3, 4] as const;

const CARD_COUNT = 10_000;
const REDEEMED_SERIAL = 3;
/** The three cards the summary shows, with the status the steps leave them in. */
const SHOWCASE_CARDS: readonly ShowcaseCard[] = [
  { serial: 5, label: "genuine: sold and activated at the till, unused", expected: "Active" },
  { serial: REDEEMED_SERIAL, label: "already redeemed by the game studio", expected: "Redeemed" },
  { serial: 5000, label: "revoked: part of a lot reported stolen", expected: "Revoked" },
];
/** Cards `batch print` renders for the user to print or scan. */
const PRINTED_SERIALS = "0-5";
/** Cards `cardproof audit` compares one by one (the API's rate limit makes each ~25 ms). */
const AUDIT_SAMPLE = 20;
/** The `cardproof` steps, for `[n/TOTAL]` (the status step runs once per showcase card). */
const TOTAL_STEPS = 15 + SHOWCASE_CARDS.length;

/** What `runDemo` hands back once everything is up. */
export type RunningDemo = {
  /** Rejects when the indexer stops on its own (a fatal sync error). */
  indexerDone: Promise<void>;
};

/**
 * The main job on the embedded default, step by step: an empty demo folder, the contracts built, a
 * local chain, then every `cardproof` command of the supply chain in order (deploy, register a
 * supplier, mint 10,000 cards, buy 1,000 through the escrow, pass 100 on, activate, redeem, revoke a
 * stolen lot, print cards, check statuses, audit), with the indexer and its API following the chain
 * from the deploy block. Ends with a summary: links and QR codes of a genuine, a redeemed and a revoked
 * card, and what the API says about each.
 *
 * Everything started is handed to `defer` (stop functions, in start order); the caller stops them
 * in reverse, whether this returns or throws.
 *
 * @dev SECURITY: the demo decrypts card 3's code to redeem it and passes it to `cardproof redeem`
 *      in this process; it is never printed, logged or written anywhere but the encrypted codes file.
 * @throws {CliError} when a port is taken, the demo folder is not the demo's, or a step fails; and
 *         `signal.reason` when aborted between steps.
 */
export async function runDemo(
  options: DemoOptions,
  {
    signal,
    write,
    warn,
    defer,
  }: {
    signal: AbortSignal;
    write(line: string): void;
    warn(line: string): void;
    defer(stop: () => Promise<void>): void;
  },
): Promise<RunningDemo> {
  const { host, dir } = options;
  const rpcPortHint = `start on another port: npm start -- --rpc-port <n> (or CARDPROOF_DEMO_RPC_PORT)`;
  const apiPortHint = `start on another port: npm start -- --api-port <n> (or CARDPROOF_DEMO_API_PORT)`;
  const shardsPortHint = `start on another port: npm start -- --shards-port <n> (or CARDPROOF_DEMO_SHARDS_PORT)`;

  signal.throwIfAborted();
  await assertPortFree({ host, port: options.rpcPort, purpose: "the local chain", hint: rpcPortHint });
  await assertPortFree({ host, port: options.apiPort, purpose: "the indexer API", hint: apiPortHint });
  await assertPortFree({ host, port: options.shardsPort, purpose: "the proof shard server", hint: shardsPortHint });
  await emptyDemoDir(dir);
  write(`starting clean: the local chain keeps no state between runs, so ${dir}/ was emptied`);

  write("compiling the contracts if they changed (npx hardhat build)…");
  try {
    await hre.tasks.getTask("build").run({ quiet: true });
  } catch (error) {
    throw new CliError(`the contracts do not build: ${(error as Error).message}`, {
      hint: "run `npx hardhat build` to see the compiler's errors",
      cause: error,
    });
  }
  signal.throwIfAborted();

  const chain = await startLocalChain({ host, port: options.rpcPort, portHint: rpcPortHint });
  defer(async () => {
    await chain.close();
    write("  local chain stopped");
  });
  write(`local chain: ${chain.rpcUrl} (chain ${chain.chainId}, Hardhat EDR in this process, mines each transaction)`);
  const who = chain.accounts.slice(0, ROLES.length);
  if (who.length < ROLES.length) throw new CliError(`the local chain unlocks only ${who.length} accounts`);
  ROLES.forEach((role, index) => write(`  --account-index ${index}  ${who[index]}  ${role}`));
  const [, supplier, distributor, retailer, studio] = who as [Address, Address, Address, Address, Address];

  const deploymentPath = join(dir, "deployment.json");
  const batchDir = join(dir, "batch");
  const cardsDir = join(dir, "cards");
  const shardsDir = join(dir, "proof-shards");
  // The CLI reads these like any shell would; the demo sets them for its own process only.
  process.env.CARDPROOF_RPC_URL = chain.rpcUrl;
  process.env.CARDPROOF_DEPLOYMENT = deploymentPath;
  process.env.CARDPROOF_CODES_PASSPHRASE = DEMO_PASSPHRASE;
  delete process.env.CARDPROOF_CONFIRMATIONS; // the default (1) suits a chain that mines at once
  write("");
  write("Every command below runs in this process as if typed in a shell after:");
  write(`  export CARDPROOF_RPC_URL=${chain.rpcUrl}`);
  write(`  export CARDPROOF_DEPLOYMENT=${deploymentPath}`);
  write(`  export CARDPROOF_CODES_PASSPHRASE=${DEMO_PASSPHRASE}`);
  write("  (a DEMO passphrase, printed on purpose: real codes files need a passphrase only you know)");

  const runner = createCommandRunner({ write, signal, total: TOTAL_STEPS });
  const as = (index: number) => ["--account-index", String(index)];

  await runner.run({
    title: "the platform deploys the registry, the escrow and a test stablecoin",
    args: ["deploy", ...as(ADMIN)],
  });
  const deployment = await readDeployment(deploymentPath);

  // Started before the indexer, whose page lists it as a proof source; it stops (silently) after the indexer.
  await mkdir(shardsDir, { recursive: true });
  const shards = await startShardServer({ dir: shardsDir, host, port: options.shardsPort, portHint: shardsPortHint });
  defer(() => shards.close());
  const shardsBase = `${shards.url}/`;

  const indexer = await startDemoIndexer({
    rpcUrl: chain.rpcUrl,
    deployment,
    dbPath: resolve(dir, "indexer.sqlite"),
    logPath: resolve(dir, "indexer.log"),
    host,
    port: options.apiPort,
    portHint: apiPortHint,
    proofShardsUrls: [shardsBase],
    onProblem: warn,
  });
  defer(async () => {
    await indexer.stop();
    write("  API and indexer stopped");
  });
  const apiBase = `${indexer.url}/`;
  write("");
  write(
    `indexer + API: ${indexer.url} (following the chain from block ${deployment.deployBlock}, log in ${dir}/indexer.log)`,
  );
  write(`  export CARDPROOF_INDEXER_URL=${indexer.url}`);
  process.env.CARDPROOF_INDEXER_URL = indexer.url;

  await runner.run({
    title: "the admin registers the supplier as an issuer",
    args: ["issuer", "register", supplier, "--name", "Acme Game Cards", ...as(ADMIN)],
  });

  await runner.run({
    title: `the supplier mints ${CARD_COUNT.toLocaleString("en-US")} cards and publishes the manifest to the indexer`,
    args: [
      "batch", "mint",
      "--count", String(CARD_COUNT),
      "--face-value", "50",
      "--currency", "USD",
      "--expires", "+365d",
      "--activation-required",
      "--redeemer", studio,
      "--out", batchDir,
      "--indexer-url", indexer.url,
      ...as(SUPPLIER),
    ],
  }); // prettier-ignore
  const manifest = decodeBatchManifest(new Uint8Array(await readFile(join(batchDir, MANIFEST_FILE))));
  const batchId = manifest.batchId.toString();
  await runner.run({
    title: `the supplier also writes the batch's static proof shards, served at ${shardsBase} (proofs outlive the indexer)`,
    args: ["batch", "publish", batchDir, "--static", shardsDir],
  });

  await runner.run({
    title: "the distributor gets test stablecoins (tUSD) to pay with",
    args: ["token", "mint", "--to", distributor, "--amount", "100000", ...as(ADMIN)],
  });

  const client = createPublicClient({ transport: http(chain.rpcUrl) });
  const beforeOrder = await client.getBlockNumber();
  await runner.run({
    title: "the distributor orders 1,000 cards at 47.50 each; the escrow locks the payment",
    args: [
      "order", "open",
      "--supplier", supplier,
      "--batch-id", batchId,
      "--quantity", "1000",
      "--unit-price", "47.50",
      ...as(DISTRIBUTOR),
    ],
  }); // prettier-ignore
  const orderId = await findOrderId(client, deployment.escrow, distributor, beforeOrder + 1n);
  await runner.run({
    title: "the supplier fulfils: the lot and the payment change hands in one transaction",
    args: ["order", "fulfill", orderId, "--start", "0", ...as(SUPPLIER)],
  });
  await runner.run({
    title: "the distributor confirms delivery, releasing the payment early",
    args: ["order", "confirm", orderId, ...as(DISTRIBUTOR)],
  });
  await runner.run({ title: "the supplier withdraws its payment", args: ["order", "withdraw", ...as(SUPPLIER)] });
  await runner.run({
    title: "the distributor passes cards 0-99 on to a retailer",
    args: ["lot", "transfer", batchId, "0-99", "--to", retailer, ...as(DISTRIBUTOR)],
  });
  await runner.run({
    title: "the retailer sells cards 0-9 and activates them at the till",
    args: ["lot", "activate", batchId, "0-9", ...as(RETAILER)],
  });

  const secret = await readSecretPayload(join(batchDir, CODES_FILE), manifest.batchId, REDEEMED_SERIAL);
  await runner.run({
    title: `a player redeems card ${REDEEMED_SERIAL} at the game studio (the code is read from the encrypted codes file, never shown)`,
    args: ["redeem", secret, "--indexer-url", indexer.url, ...as(STUDIO)],
    shown: [undefined, `"<card ${REDEEMED_SERIAL}'s redemption QR text>"`],
  });
  await runner.run({
    title: "the supplier revokes cards 5000-5999, reported stolen",
    args: ["lot", "revoke", batchId, "5000-5999", "--reason", "stolen", ...as(SUPPLIER)],
  });
  await runner.run({
    title: `the supplier prints cards ${PRINTED_SERIALS} (PDF sheet, PNG and SVG) with QR codes pointing at this verifier`,
    args: [
      "batch", "print", batchDir,
      "--serials", PRINTED_SERIALS,
      "--format", "pdf,png,svg",
      "--out", cardsDir,
      "--verifier-url", apiBase,
    ],
  }); // prettier-ignore

  await indexer.waitForBlock(await chain.blockNumber());
  const cards = await Promise.all(
    SHOWCASE_CARDS.map((card) =>
      presentCard({
        card,
        chainId: deployment.chainId,
        registry: deployment.registry,
        batchId: manifest.batchId,
        cardKey: cardKeyOf(manifest, card.serial),
        verifierBase: apiBase,
        apiBase,
      }),
    ),
  );
  for (const card of cards) {
    await runner.run({ title: `anyone checks card ${card.serial} (${card.label})`, args: ["status", card.url] });
  }

  await runner.run({
    title: `an auditor replays every log from the chain and checks the contracts and the indexer against it (${AUDIT_SAMPLE} random cards)`,
    args: ["audit", "--indexer-url", indexer.url, "--sample", String(AUDIT_SAMPLE)],
  });

  const verifierBuilt = existsSync(join(DEFAULT_CONFIG.verifierDir, "index.html"));
  write("");
  write("=".repeat(78));
  write(`ready in ${(performance.now() / 1000).toFixed(1)} s`);
  write(`  chain        ${chain.rpcUrl}  (chain ${chain.chainId}; registry ${deployment.registry})`);
  write(`  indexer API  ${indexer.url}/v1  (routes: ${indexer.url}/v1/openapi.json)`);
  write(
    verifierBuilt
      ? `  verifier     ${apiBase}`
      : `  verifier     ${apiBase} (not built yet: verifier-web/dist is missing, so use the API links below for now)`,
  );
  write(`  batch        ${batchId} (${CARD_COUNT.toLocaleString("en-US")} cards) in ${batchDir}/`);
  write(`  proof shards ${shardsBase}  (static files from ${shardsDir}/; the page's proof source after the indexer)`);
  write(`  printed      ${existsSync(cardsDir) ? `${cardsDir}/` : "(no printed cards)"}`);
  write("  audit        the chain's logs, the contracts' state and the indexer agree (`cardproof audit`)");
  for (const card of cards) {
    write("");
    write(`card ${card.serial}: ${card.label}`);
    write(`  verifier  ${card.url}`);
    write(`  API       ${card.apiUrl}`);
    write(
      "error" in card.api
        ? `  the API could not answer: ${card.api.error}`
        : `  the API says: ${card.api.status} (holder ${card.api.holder})${card.api.status === card.expected ? "" : `, expected ${card.expected}`}`,
    );
    write(card.qr.trimEnd());
  }

  write("");
  write(
    options.exitWhenReady
      ? "--exit-when-ready: stopping now"
      : "Open a link in a browser on this machine (each QR holds the same link). Press Ctrl-C to stop.",
  );
  return { indexerDone: watch(indexer.done, dir) };
}

/** The indexer's end as a {@link CliError}; marked handled, since no one awaits it with --exit-when-ready. */
function watch(done: Promise<void>, dir: string): Promise<void> {
  const watched = done.catch((error: unknown) => {
    throw new CliError(`the indexer stopped: ${error instanceof BaseError ? error.shortMessage : String(error)}`, {
      hint: `its log is in ${dir}/indexer.log`,
      cause: error,
    });
  });
  watched.catch(() => undefined);
  return watched;
}

/**
 * Empties the demo folder (only if the demo made it, or it is empty) and marks it as the demo's,
 * with this process's id, so a second demo started on other ports cannot empty it under this one.
 */
async function emptyDemoDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(MARKER_FILE)) {
      throw new CliError(`${dir} is not empty and was not made by the demo, so the demo will not empty it`, {
        hint: "move its files elsewhere, or give the demo another folder: npm start -- --dir <folder>",
      });
    }
    const owner = Number((await readFile(join(dir, MARKER_FILE), "utf8").catch(() => "")).match(/pid (\d+)/)?.[1]);
    if (entries.length > 0 && isRunning(owner)) {
      throw new CliError(`another demo (process ${owner}) is running from ${dir}`, {
        hint: `stop it first (Ctrl-C in its terminal), or give this one another folder (npm start -- --dir <folder>); if no demo is running, delete ${dir}`,
      });
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, MARKER_FILE),
    `This folder belongs to \`npm start\` (the CardProof demo): it is emptied at every start.\nRun by pid ${process.pid}.\n`,
  );
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The order the distributor just opened, from the escrow's `OrderOpened` log. */
async function findOrderId(
  client: ReturnType<typeof createPublicClient>,
  escrow: Address,
  buyer: Address,
  fromBlock: bigint,
): Promise<Hex> {
  const logs = await client.getContractEvents({
    address: escrow,
    abi: settlementEscrowAbi,
    eventName: "OrderOpened",
    args: { buyer },
    fromBlock,
  });
  const orderId = logs.at(-1)?.args.orderId;
  if (orderId === undefined) throw new CliError("the escrow logged no OrderOpened for the distributor's order");
  return orderId;
}

/** Card `serial`'s redemption payload (the QR under its scratch panel), decrypted from the codes file. */
async function readSecretPayload(codesPath: string, batchId: bigint, serial: number): Promise<string> {
  const { codes } = await readCodesFile(codesPath, DEMO_PASSPHRASE);
  try {
    const code = new TextDecoder().decode(codes.subarray(serial * CODE_LENGTH, (serial + 1) * CODE_LENGTH));
    return encodeSecretPayload({ code, batchId, serial });
  } finally {
    codes.fill(0);
  }
}

function cardKeyOf(manifest: DecodedBatchManifest, serial: number): Address {
  return bytesToHex(manifest.cardKeys.subarray(serial * 20, serial * 20 + 20)) as Address;
}
