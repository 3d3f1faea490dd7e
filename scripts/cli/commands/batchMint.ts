import { existsSync, rmSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

import { keccak256, stringToHex, zeroHash, type Address, type Hex } from "viem";

import { makeBatchId } from "../../lib/batchId.js";
import { isIsoCurrency } from "../../lib/isIsoCurrency.js";
import { decodeIssuerName } from "../../lib/issuerName.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { writeCodesFile } from "../../mint/codesFile.js";
import { MAX_BATCH_CARDS, prepareBatch, type PreparationStage } from "../../mint/prepareBatch.js";
import { currencyDecimals } from "../../print/formatFaceValue.js";
import { acquireLock } from "../acquireLock.js";
import { readChainTime } from "../chain/readChainTime.js";
import { claimFolder } from "../claimFolder.js";
import { explainCodesFileError } from "../explainCodesFileError.js";
import { noteState, noteTransaction } from "../interruption.js";
import { isNetworkError } from "../isNetworkError.js";
import { writeFileAtomically } from "../writeFileAtomically.js";
import {
  BATCHES_DIR,
  belongsToDeployment,
  CODES_FILE,
  defaultBatchFolder,
  listPlans,
  MANIFEST_FILE,
  readPlan,
  writePlan,
  type BatchPlan,
  type PlannedParams,
} from "../batchPlan.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import type { Deployment } from "../deploymentFile.js";
import type { Progress } from "../createOutput.js";
import {
  optionalString,
  parseAddress,
  parseBigInteger,
  parseDecimalAmount,
  parseInteger,
  parseTime,
  requiredString,
  stringList,
  type OptionValues,
} from "../parseOptionValue.js";
import { publishManifest } from "../publishManifest.js";
import { readPassphrase } from "../readPassphrase.js";
import { sendContractTransaction, waitForReceipt } from "../sendContractTransaction.js";

/** `cardproof batch mint`: generate, commit and secure a batch of cards; resumable. */
export const batchMintCommand: CliCommand = {
  path: ["batch", "mint"],
  summary: "generate a batch's secret codes, commit its Merkle root on chain, keep the codes encrypted",
  usage: `Usage: cardproof batch mint --count <n> --face-value <amount> --currency <ISO 4217> [options]
       cardproof batch mint --resume <folder>

  --count <n>               cards in the batch, 1 to ${MAX_BATCH_CARDS.toLocaleString("en-US")}
  --face-value <amount>     value of one card in the currency, e.g. 50 or 49.99
  --currency <code>         ISO 4217 code, e.g. USD, EUR, JPY
  --expires <when>          last moment a card can be redeemed: 2027-12-31, an ISO date-time, or +365d
                            (default: never)
  --activation-required     cards must be activated at a point of sale before they can be redeemed
  --metadata-uri <uri>      where the batch's public metadata lives (e.g. ipfs://…)
  --metadata-file <file>    that metadata document; its keccak256 is committed on chain
  --redeemer <address>      may redeem the batch's cards (repeatable; more later with \`batch redeemer\`)
  --batch-id <id>           the batch id (default: the issuer's next free one)
  --out <folder>            where to write the batch (default ${BATCHES_DIR}/<chain>-<registry>-<deploy
                            block>-<batch id>; \`batch print\` and \`batch publish\` also take the batch id)
  --indexer-url <url>       publish the manifest to this indexer once it has seen the batch
                            (env CARDPROOF_INDEXER_URL)
  --resume <folder>         finish a batch whose files were written but which is not issued yet
  --new-batch               mint a new batch even though an earlier run of this issuer left one
                            prepared with other terms (it stays as it is, resumable)

The folder gets manifest.json (serial → card key, public), ${CODES_FILE} (the secret codes,
AES-256-GCM with a key from your passphrase: CARDPROOF_CODES_PASSPHRASE or typed) and batch.json.
Run the same command again after a failure: it finds the prepared batch and resumes it instead of
minting different codes; with other terms it refuses and shows what differs. One mint per issuer
runs at a time, and a mint writes only into a folder it created itself.`,
  options: {
    count: { type: "string" },
    "face-value": { type: "string" },
    currency: { type: "string" },
    expires: { type: "string" },
    "activation-required": { type: "boolean" },
    "metadata-uri": { type: "string" },
    "metadata-file": { type: "string" },
    redeemer: { type: "string", multiple: true },
    "batch-id": { type: "string" },
    out: { type: "string" },
    "indexer-url": { type: "string" },
    resume: { type: "string" },
    "new-batch": { type: "boolean" },
  },
  async run({ values, output, context }) {
    const resumeFolder = optionalString(values, "resume");
    const request = resumeFolder === undefined ? await readRequest(values) : undefined;
    const indexerUrl = optionalString(values, "indexer-url") ?? process.env.CARDPROOF_INDEXER_URL;
    const ctx = await context();
    const deployment = await ctx.deployment();
    const { registry } = deployment;
    const { account } = await ctx.signer();
    const issuer = typeof account === "string" ? account : account.address;
    const [issuerId, profileHash] = await ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "issuerOf",
      args: [issuer],
    });
    if (issuerId === 0) {
      throw new CliError(`${issuer} is not a registered issuer on registry ${registry}`, {
        hint: "the registry's admin registers it with `cardproof issuer register <address> --name …`",
      });
    }
    if (request !== undefined) await checkAgainstChain(ctx, registry, request, issuerId);

    // One mint per issuer at a time: two would pick the same next batch id and folder.
    const lock = await acquireLock(
      join(dirname(BATCHES_DIR), "locks", `mint-${ctx.chainId}-${registry}-${issuer}.lock`.toLowerCase()),
      `\`batch mint\` of issuer ${issuer}`,
    );
    try {
      let folder: string;
      let plan: BatchPlan;
      let batchId: bigint;
      if (resumeFolder !== undefined) {
        folder = resumeFolder;
        plan = await readPlan(folder);
        checkPlanBelongs(plan, deployment, issuer, folder);
        output.info(`resuming batch ${plan.batchId} from ${folder} (state: ${plan.state})`);
      } else {
        const pending = await findPendingPlan(deployment, issuer, request!, values["new-batch"] === true);
        if (pending !== undefined) {
          ({ folder, plan } = pending);
          output.info(
            `resuming batch ${plan.batchId} prepared earlier in ${folder} (state: ${plan.state}): ` +
              "same codes, no second batch (pass --batch-id for a new batch with the same terms)",
          );
        } else {
          ({ folder, batchId } = await claimBatchFolder(
            ctx,
            deployment,
            issuerId,
            request!,
            optionalString(values, "out"),
          ));
          plan = await prepareFolder(ctx, {
            folder,
            registry,
            deployBlockHash: deployment.deployBlockHash,
            issuer,
            issuerName: decodeIssuerName(profileHash),
            batchId,
            request: request!,
          });
        }
      }

      let published: string | undefined;
      if (plan.state !== "issued") notePrepared(plan.batchId, folder);
      try {
        plan = await issue(ctx, folder, plan);
        for (const redeemer of plan.redeemers) await allowRedeemer(ctx, registry, plan.batchId, redeemer);
        if (indexerUrl !== undefined) {
          published = await publishManifest(ctx, {
            indexerUrl,
            batchId: plan.batchId,
            manifest: await readFile(join(folder, MANIFEST_FILE)),
          });
        }
      } catch (error) {
        throw await explainUnfinished(error, folder, plan.batchId);
      }

      const { params } = plan;
      output.result(
        {
          batchId: plan.batchId,
          folder: resolve(folder),
          issuer,
          count: params.count,
          faceValue: params.faceValue,
          currency: params.currency,
          expiresAt: params.expiresAt,
          activationRequired: params.activationRequired,
          merkleRoot: params.merkleRoot,
          manifestHash: params.manifestHash,
          transaction: plan.transaction,
          issuedBlock: plan.issuedBlock,
          redeemers: plan.redeemers,
          manifestPublished: published ?? null,
        },
        [
          `batch ${plan.batchId}: ${params.count.toLocaleString("en-US")} cards issued in block ${plan.issuedBlock}`,
          `  Merkle root   ${params.merkleRoot}`,
          `  manifest      ${join(folder, MANIFEST_FILE)} (public; hash ${params.manifestHash})`,
          `  secret codes  ${join(folder, CODES_FILE)} (encrypted; keep it and its passphrase safe)`,
          ...(published === undefined ? [] : [`  manifest published to ${published}`]),
          `print the cards with: cardproof batch print ${folder}`,
        ],
      );
    } finally {
      lock.release();
    }
  },
};

/** For a Ctrl-C from here on: the batch's files stay, and how to go on. */
function notePrepared(batchId: bigint, folder: string) {
  noteState(
    `batch ${batchId} stays prepared in ${folder}: run the same command again ` +
      `(or \`cardproof batch mint --resume ${folder}\`) to resume it`,
  );
}

/**
 * A failure after the files were written: whatever went wrong, the batch's files stay, and the
 * user learns where they are, how far it got (the plan on disk) and that the same command resumes.
 */
async function explainUnfinished(error: unknown, folder: string, batchId: bigint): Promise<unknown> {
  const known = error instanceof CliError;
  if (!known && !isNetworkError(error)) return error; // a bug: reported with its stack
  const state = await readPlan(folder).then(
    (plan) => (plan.state === "sent" ? `sent in transaction ${plan.transaction}` : plan.state),
    () => "unknown",
  );
  const next =
    `batch ${batchId} keeps its codes and files in ${folder} (state: ${state}); once the cause is fixed, run ` +
    `the same command again, or \`cardproof batch mint --resume ${folder}\`: it checks the chain and resumes, ` +
    "never minting the batch twice";
  if (!known) return new CliError("lost the connection to the chain's RPC node", { hint: next, cause: error });
  return new CliError(error.message, {
    hint: error.hint === undefined ? next : `${error.hint}\n  ${next}`,
    exitCode: error.exitCode,
    cause: error,
  });
}

/** What the user asked for, checked before anything touches the chain or the disk. */
type MintRequest = {
  count: number;
  params: Omit<PlannedParams, "merkleRoot" | "manifestHash" | "count">;
  redeemers: Address[];
  batchId: bigint | undefined;
  /** `--expires` as typed; a relative one (`+365d`) is re-read against the chain's clock. */
  expiresText: string | undefined;
};

async function readRequest(values: OptionValues): Promise<MintRequest> {
  const count = parseInteger("--count", requiredString(values, "count", "10000"), { min: 1, max: MAX_BATCH_CARDS });
  const currency = requiredString(values, "currency", "USD").toUpperCase();
  let decimals: number;
  try {
    decimals = currencyDecimals(currency);
  } catch {
    throw usageError(`--currency must be an ISO 4217 code of three letters, got "${currency}"`, "e.g. --currency USD");
  }
  if (!isIsoCurrency(currency)) {
    throw usageError(
      `--currency ${currency} is not an ISO 4217 currency in use`,
      "e.g. USD, EUR, JPY, CNY, BRL: it is committed on chain and printed on every card",
    );
  }
  const faceValue = parseDecimalAmount("--face-value", requiredString(values, "face-value", "50"), decimals);
  if (faceValue === 0n || faceValue >= 1n << 64n)
    throw usageError("--face-value must be above zero and fit 64 bits of minor units");
  const now = Math.floor(Date.now() / 1000);
  const expiresText = optionalString(values, "expires");
  const expiresAt = expiresText === undefined ? 0 : parseTime("--expires", expiresText, now);
  if (expiresText !== undefined && (expiresAt <= now || expiresAt >= 2 ** 32)) {
    throw usageError(`--expires must be in the future (and before 2106), got "${expiresText}"`);
  }
  const metadataFile = optionalString(values, "metadata-file");
  let metadataHash: Hex = zeroHash;
  if (metadataFile !== undefined) {
    try {
      metadataHash = keccak256(await readFile(metadataFile));
    } catch {
      throw usageError(`cannot read --metadata-file ${metadataFile}`);
    }
  }
  const batchIdText = optionalString(values, "batch-id");
  return {
    count,
    params: {
      faceValue,
      currency,
      expiresAt,
      activationRequired: values["activation-required"] === true,
      metadataHash,
      metadataURI: optionalString(values, "metadata-uri") ?? "",
    },
    redeemers: stringList(values, "redeemer").map((text) => parseAddress("--redeemer", text)),
    batchId:
      batchIdText === undefined
        ? undefined
        : parseBigInteger("--batch-id", batchIdText, { min: 1n, max: 2n ** 64n - 1n }),
    expiresText,
  };
}

/**
 * What the contract would refuse, checked before any file is written: a batch id of another
 * issuer or already issued, an expiry not after the chain's clock (which may run ahead of this
 * machine's; a relative `--expires` counts from it).
 */
async function checkAgainstChain(
  ctx: CliContext,
  registry: Address,
  request: MintRequest,
  issuerId: number,
): Promise<void> {
  const chainNow = await readChainTime(ctx);
  if (request.expiresText !== undefined) {
    const expiresAt = parseTime("--expires", request.expiresText, chainNow);
    if (expiresAt <= chainNow) {
      throw new CliError(
        `--expires ${request.expiresText} is not after the chain's clock (${new Date(chainNow * 1000).toISOString()}): ` +
          "the registry would refuse the batch",
        { hint: "pick a later expiry; the chain's clock, not this machine's, decides" },
      );
    }
    request.params.expiresAt = expiresAt;
  }
  const { batchId } = request;
  if (batchId === undefined) return;
  const owner = Number(batchId >> 32n);
  if (owner !== issuerId) {
    throw new CliError(`batch id ${batchId} belongs to issuer #${owner}, and you are issuer #${issuerId}`, {
      hint: `leave out --batch-id to take your next free one (yours are ${makeBatchId(issuerId, 1)} upwards)`,
    });
  }
  if (await isIssued(ctx, registry, batchId)) {
    throw new CliError(`batch ${batchId} is already issued`, {
      hint: "leave out --batch-id to take the next free one",
    });
  }
}

function checkPlanBelongs(plan: BatchPlan, deployment: Deployment, issuer: Address, folder: string) {
  if (plan.chainId !== deployment.chainId || plan.registry !== deployment.registry) {
    throw new CliError(`the batch in ${folder} belongs to registry ${plan.registry} on chain ${plan.chainId}`, {
      hint: "pass the --deployment and --rpc-url it was prepared for",
    });
  }
  if (!belongsToDeployment(plan, deployment)) {
    throw new CliError(
      `the batch in ${folder} was prepared for an earlier deployment at the same address (a restarted chain)`,
      { hint: "mint a new batch on this deployment: these codes were never issued here" },
    );
  }
  if (plan.issuer !== issuer) {
    throw new CliError(`the batch in ${folder} is issuer ${plan.issuer}'s, but ${issuer} signs`, {
      hint: "sign with the issuer's key",
    });
  }
}

/**
 * A batch this issuer prepared with exactly these terms but never saw issued: re-running the
 * command after a failure resumes it (same codes, same root) rather than minting a second batch.
 * A prepared batch with other terms is never resumed silently (its terms are what would be
 * issued): the command refuses, showing what differs, unless `--new-batch` says to leave it.
 */
async function findPendingPlan(
  deployment: Deployment,
  issuer: Address,
  request: MintRequest,
  newBatch: boolean,
): Promise<{ folder: string; plan: BatchPlan } | undefined> {
  const pending = (await listPlans(BATCHES_DIR)).filter(
    ({ plan }) =>
      plan.state !== "issued" &&
      belongsToDeployment(plan, deployment) &&
      plan.issuer === issuer &&
      (request.batchId === undefined || request.batchId === plan.batchId),
  );
  const same = pending.find(({ plan }) => termDifferences(plan, request).length === 0);
  if (same !== undefined || newBatch || pending.length === 0) return same;
  const shown = pending
    .slice(0, 3)
    .map(({ folder, plan }) => `batch ${plan.batchId} in ${folder}: ${termDifferences(plan, request).join("; ")}`);
  if (pending.length > shown.length) shown.push(`and ${pending.length - shown.length} more`);
  throw new CliError(
    `an earlier run left ${pending.length === 1 ? "a batch" : `${pending.length} batches`} prepared but not issued, ` +
      `with other terms than these (typed → prepared):\n  ${shown.join("\n  ")}`,
    {
      hint:
        `finish it as prepared with \`cardproof batch mint --resume ${pending[0]!.folder}\`, or add --new-batch ` +
        "to mint a new batch with these terms (the prepared one stays resumable)",
    },
  );
}

/** The terms of `request` that differ from `plan`'s, as "--name typed → prepared". */
function termDifferences(plan: BatchPlan, request: MintRequest): string[] {
  const differences: string[] = [];
  const compare = (name: string, typed: unknown, prepared: unknown) => {
    if (typed !== prepared) differences.push(`${name} ${String(typed)} → ${String(prepared)}`);
  };
  const { params } = plan;
  compare("--count", request.count, params.count);
  compare("--face-value (minor units)", request.params.faceValue, params.faceValue);
  compare("--currency", request.params.currency, params.currency);
  // A relative expiry (+365d) moves between runs: the text typed is what must match.
  const preparedExpiry =
    plan.expiresRequested ?? (params.expiresAt === 0 ? "never" : new Date(params.expiresAt * 1000).toISOString());
  const typedExpiry =
    request.expiresText === undefined
      ? "never"
      : plan.expiresRequested === undefined
        ? new Date(request.params.expiresAt * 1000).toISOString()
        : request.expiresText;
  compare("--expires", typedExpiry, preparedExpiry);
  compare("--activation-required", request.params.activationRequired, params.activationRequired);
  compare("metadata hash", request.params.metadataHash, params.metadataHash);
  compare("--metadata-uri", JSON.stringify(request.params.metadataURI), JSON.stringify(params.metadataURI));
  const list = (addresses: readonly Address[]) => [...addresses].sort().join(", ") || "none";
  compare("--redeemer", list(request.redeemers), list(plan.redeemers));
  return differences;
}

async function isIssued(ctx: CliContext, registry: Address, batchId: bigint): Promise<boolean> {
  return await ctx.client.readContract({
    address: registry,
    abi: voucherRegistryAbi,
    functionName: "isIssued",
    args: [batchId],
  });
}

/**
 * The lowest batch number of this issuer that is neither on chain nor claimed by a local plan or
 * an existing default folder (one being written by a command that holds no lock).
 */
async function nextFreeBatchId(ctx: CliContext, deployment: Deployment, issuerId: number): Promise<bigint> {
  const claimed = new Set(
    (await listPlans(BATCHES_DIR))
      .filter(({ plan }) => belongsToDeployment(plan, deployment))
      .map(({ plan }) => plan.batchId),
  );
  for (let number = 1; number < 2 ** 32; number++) {
    const batchId = makeBatchId(issuerId, number);
    if (claimed.has(batchId) || existsSync(defaultBatchFolder(deployment, batchId))) continue;
    if (!(await isIssued(ctx, deployment.registry, batchId))) return batchId;
  }
  throw new CliError(`issuer #${issuerId} has used every batch number`);
}

/**
 * A new folder for the batch, created by this command (never one that exists: it may hold another
 * batch's codes). Without --batch-id and --out, a default folder that appeared meanwhile moves the
 * batch to the next free id.
 */
async function claimBatchFolder(
  ctx: CliContext,
  deployment: Deployment,
  issuerId: number,
  request: MintRequest,
  out: string | undefined,
): Promise<{ folder: string; batchId: bigint }> {
  if (out !== undefined) {
    if (!(await claimFolder(out))) {
      throw new CliError(`${out} already exists: batch mint writes only into a folder it creates`, {
        hint:
          "pass a new --out path, or finish a batch prepared there with `cardproof batch mint --resume " + out + "`",
      });
    }
    return { folder: out, batchId: request.batchId ?? (await nextFreeBatchId(ctx, deployment, issuerId)) };
  }
  for (;;) {
    const batchId = request.batchId ?? (await nextFreeBatchId(ctx, deployment, issuerId));
    const folder = defaultBatchFolder(deployment, batchId);
    if (await claimFolder(folder)) return { folder, batchId };
    if (request.batchId !== undefined) {
      throw new CliError(`${folder} already exists: batch mint writes only into a folder it creates`, {
        hint: `finish the batch there with \`cardproof batch mint --resume ${folder}\`, or pass --out <new folder>`,
      });
    }
  }
}

/**
 * Codes, card keys, tree and manifest, then the encrypted codes file, the manifest file and
 * last the plan: a folder with a plan is complete. Any failure removes the folder, which this
 * command created (`claimBatchFolder`) and which holds nothing on chain yet.
 */
async function prepareFolder(
  ctx: CliContext,
  args: {
    folder: string;
    registry: Address;
    deployBlockHash: Hex;
    issuer: Address;
    issuerName: string | undefined;
    batchId: bigint;
    request: MintRequest;
  },
): Promise<BatchPlan> {
  const { folder, registry, batchId, request } = args;
  noteState(`batch ${batchId} was being prepared: its unfinished folder ${folder} is removed`, () =>
    rmSync(folder, { recursive: true, force: true }),
  );
  try {
    const passphrase = await readPassphrase(`encrypt the codes of batch ${batchId}`, { confirm: true });
    const stages = new Map<PreparationStage, Progress>();
    const labels: Record<PreparationStage, string> = {
      codes: "generating secret codes",
      keys: "deriving card keys and leaves",
      tree: "building the Merkle tree",
      manifest: "encoding the manifest",
    };
    const prepared = await prepareBatch(
      { chainId: ctx.chainId, registry, batchId, count: request.count },
      {
        onProgress(stage, done, total) {
          let progress = stages.get(stage);
          if (progress === undefined) {
            progress = ctx.output.progress(labels[stage], total, stage === "tree" ? "nodes" : "cards");
            stages.set(stage, progress);
          }
          progress.update(done);
          if (done >= total) progress.finish();
        },
      },
    );
    for (const progress of stages.values()) progress.finish();
    await writeFileAtomically(join(folder, MANIFEST_FILE), prepared.manifest);
    const encrypting = ctx.output.progress("encrypting the codes", request.count, "cards");
    await writeCodesFile(
      join(folder, CODES_FILE),
      { chainId: ctx.chainId, registry, batchId, count: request.count, manifestHash: prepared.manifestHash },
      prepared.codes,
      passphrase,
      { onProgress: (done: number) => encrypting.update(done) },
    ).catch((error: unknown) => {
      throw explainCodesFileError(error, join(folder, CODES_FILE));
    });
    encrypting.finish();
    prepared.codes.fill(0);
    const plan: BatchPlan = {
      version: 1,
      state: "prepared",
      chainId: ctx.chainId,
      registry,
      deployBlockHash: args.deployBlockHash,
      issuer: args.issuer,
      issuerName: args.issuerName,
      batchId,
      params: {
        ...request.params,
        count: request.count,
        merkleRoot: prepared.tree.root,
        manifestHash: prepared.manifestHash,
      },
      redeemers: request.redeemers,
      ...(request.expiresText === undefined ? {} : { expiresRequested: request.expiresText }),
      preparedAt: new Date().toISOString(),
    };
    await writePlan(folder, plan);
    notePrepared(batchId, folder);
    return plan;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Sends `issueBatch` unless the chain already holds this plan's batch; records each step in the plan. */
async function issue(ctx: CliContext, folder: string, plan: BatchPlan): Promise<BatchPlan> {
  if (plan.state === "issued") return plan;
  const { registry, batchId, params } = plan;
  if (plan.state === "sent" && plan.transaction !== undefined) {
    const receipt = await ctx.client.getTransactionReceipt({ hash: plan.transaction }).catch(() => undefined);
    if (receipt?.status === "success")
      return await markIssued(ctx, folder, plan, receipt.blockNumber, plan.transaction);
  }
  if (await isIssued(ctx, registry, batchId)) {
    const info = await ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "batchOf",
      args: [batchId],
    });
    if (info.merkleRoot !== params.merkleRoot) {
      throw new CliError(`batch ${batchId} is on chain with another Merkle root than the one prepared in ${folder}`, {
        hint: "these files do not belong to the issued batch; mint a new batch instead",
      });
    }
    return await markIssued(ctx, folder, plan, undefined, plan.transaction);
  }
  const { wallet, account } = await ctx.signer();
  let hash: Hex;
  const action = `issue batch ${batchId}`;
  try {
    const { request } = await ctx.client.simulateContract({
      account,
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "issueBatch",
      args: [batchId, { ...params, currency: stringToHex(params.currency, { size: 3 }) }],
    });
    hash = await wallet.writeContract(request);
    noteTransaction(action, `sent in ${hash}, maybe not mined yet`);
  } catch (error) {
    const { explainContractError } = await import("../explainContractError.js");
    throw explainContractError(error, action, ctx.rpcUrl);
  }
  await writePlan(folder, { ...plan, state: "sent", transaction: hash });
  const receipt = await waitForReceipt(ctx, hash, action);
  return await markIssued(ctx, folder, { ...plan, transaction: hash }, receipt.blockNumber, hash);
}

async function markIssued(
  ctx: CliContext,
  folder: string,
  plan: BatchPlan,
  block: bigint | undefined,
  hash: Hex | undefined,
) {
  const issued: BatchPlan = {
    ...plan,
    state: "issued",
    ...(hash === undefined ? {} : { transaction: hash }),
    ...(block === undefined ? {} : { issuedBlock: block }),
  };
  await writePlan(folder, issued);
  noteState(
    `batch ${plan.batchId} is issued, its files in ${folder}; \`cardproof batch mint --resume ${folder}\` ` +
      "finishes what follows (redeemers, publishing)",
  );
  return issued;
}

async function allowRedeemer(ctx: CliContext, registry: Address, batchId: bigint, redeemer: Address) {
  const allowed = await ctx.client.readContract({
    address: registry,
    abi: voucherRegistryAbi,
    functionName: "isRedeemer",
    args: [batchId, redeemer],
  });
  if (allowed) return;
  await sendContractTransaction(ctx, {
    address: registry,
    abi: voucherRegistryAbi,
    functionName: "setRedeemer",
    args: [batchId, redeemer, true],
    action: `allow ${redeemer} to redeem batch ${batchId}`,
  });
}
