import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import { CliError } from "./CliError.js";

/** Where `deploy` writes and every other command reads the deployment, unless told otherwise. */
export const DEFAULT_DEPLOYMENT_PATH = ".cardproof/deployment.json";

/** What `deploy` wrote: the chain, the contracts, and the block to read history from. */
export type Deployment = {
  version: 1;
  chainId: bigint;
  registry: Address;
  escrow: Address;
  /** First block that can hold a CardProof event: where indexers and auditors start reading. */
  deployBlock: bigint;
  /** Hash of `deployBlock`, so a restarted dev chain is told apart from the one deployed to. */
  deployBlockHash: Hex;
  deployer: Address;
  /** A test stablecoin deployed alongside, on development chains only. */
  testStablecoin?: Address;
  deployedAt: string;
};

/** Writes the deployment file atomically (temporary file, then rename), creating its folder. */
export async function writeDeployment(path: string, deployment: Deployment): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  const document = {
    ...deployment,
    chainId: deployment.chainId.toString(),
    deployBlock: deployment.deployBlock.toString(),
  };
  await writeFile(temporary, `${JSON.stringify(document, null, 2)}\n`);
  await rename(temporary, path);
}

/**
 * Reads and checks a deployment file.
 *
 * @throws {CliError} when the file is missing (hint: run `cardproof deploy` or pass `--deployment`) or
 *         malformed (which field, and that it should be rewritten by `deploy`).
 */
export async function readDeployment(path: string): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new CliError(`no deployment file at ${path}`, {
        hint: "deploy first with `cardproof deploy`, or point to the file with --deployment or CARDPROOF_DEPLOYMENT",
      });
    }
    throw new CliError(`cannot read deployment file ${path}: ${(error as Error).message}`);
  }
  const bad = (field: string) =>
    new CliError(`deployment file ${path} has no valid "${field}"`, {
      hint: "the file is written by `cardproof deploy`; restore it or deploy again",
    });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(`deployment file ${path} is not JSON`, {
      hint: "the file is written by `cardproof deploy`; restore it or deploy again",
    });
  }
  if (raw.version !== 1) throw bad("version");
  const decimal = (field: string) => {
    const value = raw[field];
    if (typeof value !== "string" || !/^\d+$/.test(value)) throw bad(field);
    return BigInt(value);
  };
  const address = (field: string) => {
    const value = raw[field];
    if (typeof value !== "string" || !isAddress(value, { strict: false })) throw bad(field);
    return getAddress(value);
  };
  const deployBlockHash = raw.deployBlockHash;
  if (typeof deployBlockHash !== "string" || !isHex(deployBlockHash) || deployBlockHash.length !== 66) {
    throw bad("deployBlockHash");
  }
  return {
    version: 1,
    chainId: decimal("chainId"),
    registry: address("registry"),
    escrow: address("escrow"),
    deployBlock: decimal("deployBlock"),
    deployBlockHash,
    deployer: address("deployer"),
    ...(raw.testStablecoin === undefined ? {} : { testStablecoin: address("testStablecoin") }),
    deployedAt: typeof raw.deployedAt === "string" ? raw.deployedAt : "",
  };
}
