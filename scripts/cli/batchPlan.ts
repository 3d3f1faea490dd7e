import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { getAddress, type Address, type Hex } from "viem";

import { CliError } from "./CliError.js";
import type { Deployment } from "./deploymentFile.js";

/** Where `batch mint` keeps each batch's folder unless `--out` says otherwise. */
export const BATCHES_DIR = ".cardproof/batches";
/** The files of a batch folder. */
export const PLAN_FILE = "batch.json";
export const MANIFEST_FILE = "manifest.json";
export const CODES_FILE = "codes.cpcodes";

/** `issueBatch`'s parameters, as the plan records them (bigints as decimal strings on disk). */
export type PlannedParams = {
  merkleRoot: Hex;
  count: number;
  faceValue: bigint;
  currency: string;
  expiresAt: number;
  activationRequired: boolean;
  metadataHash: Hex;
  manifestHash: Hex;
  metadataURI: string;
};

/**
 * A batch folder's `batch.json`: what is being minted and how far it got. `prepared`: codes,
 * manifest and tree are on disk, nothing sent; `sent`: `issueBatch` was sent as `transaction`;
 * `issued`: the chain holds the batch with this plan's root.
 */
export type BatchPlan = {
  version: 1;
  state: "prepared" | "sent" | "issued";
  chainId: bigint;
  registry: Address;
  /** The deploy block's hash of the registry's deployment (a restarted dev chain redeploys at the same address). */
  deployBlockHash?: Hex;
  issuer: Address;
  issuerName: string | undefined;
  batchId: bigint;
  params: PlannedParams;
  redeemers: Address[];
  /** `--expires` as typed (`+365d`, a date): a re-run with the same text resumes this plan. */
  expiresRequested?: string;
  transaction?: Hex;
  issuedBlock?: bigint;
  preparedAt: string;
};

/** Writes `batch.json` atomically: the plan on disk is always whole. */
export async function writePlan(folder: string, plan: BatchPlan): Promise<void> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, PLAN_FILE);
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(
    temporary,
    `${JSON.stringify(plan, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`,
  );
  await rename(temporary, path);
}

/**
 * Reads a batch folder's plan.
 *
 * @throws {CliError} when the folder has no plan or it is malformed.
 */
export async function readPlan(folder: string): Promise<BatchPlan> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(join(folder, PLAN_FILE), "utf8")) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CliError(
      missing ? `${folder} is not a batch folder (no ${PLAN_FILE})` : `${join(folder, PLAN_FILE)} is not valid JSON`,
      {
        hint: missing
          ? "pass the folder `cardproof batch mint` wrote (see its output)"
          : "restore the file from a backup",
      },
    );
  }
  try {
    const params = raw.params as Record<string, unknown>;
    if (raw.version !== 1 || !["prepared", "sent", "issued"].includes(raw.state as string)) throw new Error();
    return {
      version: 1,
      state: raw.state as BatchPlan["state"],
      chainId: BigInt(raw.chainId as string),
      registry: getAddress(raw.registry as string),
      ...(typeof raw.deployBlockHash === "string" ? { deployBlockHash: raw.deployBlockHash as Hex } : {}),
      issuer: getAddress(raw.issuer as string),
      issuerName: typeof raw.issuerName === "string" ? raw.issuerName : undefined,
      batchId: BigInt(raw.batchId as string),
      params: {
        merkleRoot: params.merkleRoot as Hex,
        count: Number(params.count),
        faceValue: BigInt(params.faceValue as string),
        currency: String(params.currency),
        expiresAt: Number(params.expiresAt),
        activationRequired: params.activationRequired === true,
        metadataHash: params.metadataHash as Hex,
        manifestHash: params.manifestHash as Hex,
        metadataURI: String(params.metadataURI ?? ""),
      },
      redeemers: (raw.redeemers as string[]).map((address) => getAddress(address)),
      ...(typeof raw.expiresRequested === "string" ? { expiresRequested: raw.expiresRequested } : {}),
      ...(typeof raw.transaction === "string" ? { transaction: raw.transaction as Hex } : {}),
      ...(raw.issuedBlock === undefined ? {} : { issuedBlock: BigInt(raw.issuedBlock as string) }),
      preparedAt: String(raw.preparedAt),
    };
  } catch {
    throw new CliError(`${join(folder, PLAN_FILE)} is not a batch plan this CLI understands`, {
      hint: "restore the file from a backup; do not edit it by hand",
    });
  }
}

/** Every readable plan under `dir` (one level deep), with its folder. */
export async function listPlans(dir: string): Promise<{ folder: string; plan: BatchPlan }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const plans = [];
  for (const name of names) {
    const folder = join(dir, name);
    try {
      plans.push({ folder, plan: await readPlan(folder) });
    } catch {
      // Not a batch folder (or a broken one, which `batch mint --resume` reports when asked).
    }
  }
  return plans;
}

/**
 * Whether `plan` was made for `deployment`: same chain, registry and deploy block. Plans written
 * before the deploy block was recorded match on chain and registry alone.
 */
export function belongsToDeployment(plan: BatchPlan, deployment: Deployment): boolean {
  return (
    plan.chainId === deployment.chainId &&
    plan.registry === deployment.registry &&
    (plan.deployBlockHash === undefined || plan.deployBlockHash === deployment.deployBlockHash)
  );
}

/**
 * A batch's default folder, named after its deployment (chain, registry, deploy block) and id, so a
 * restarted local chain, which deploys again at the same address, never meets an old batch's files.
 */
export function defaultBatchFolder(deployment: Deployment, batchId: bigint): string {
  const registry = deployment.registry.slice(2, 10).toLowerCase();
  const deployBlock = deployment.deployBlockHash.slice(2, 10).toLowerCase();
  return join(BATCHES_DIR, `${deployment.chainId}-${registry}-${deployBlock}-${batchId}`);
}
