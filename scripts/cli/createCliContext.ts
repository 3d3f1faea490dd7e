import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Chain,
  type PublicClient,
  type WalletClient,
  zeroHash,
  type Address,
} from "viem";

import { voucherRegistryAbi } from "../lib/voucherRegistryAbi.js";

import { CliError } from "./CliError.js";
import type { CliOutput } from "./createOutput.js";
import { readDeployment, type Deployment } from "./deploymentFile.js";
import { redactUrl, unreachable } from "./explainContractError.js";
import { resolveSigner, type CliSigner } from "./resolveAccount.js";

/** The local chain every command talks to unless told otherwise (`npm start`, `npx hardhat node`). */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/** What a command that touches the chain gets: clients, the deployment, the signer, the output. */
export type CliContext = {
  output: CliOutput;
  rpcUrl: string;
  chain: Chain;
  chainId: bigint;
  client: PublicClient;
  /** Blocks to wait after a transaction's own before reporting it done. */
  confirmations: number;
  deploymentPath: string;
  /** The deployment file, checked against this chain (chain id, deploy block hash); read once. */
  deployment(): Promise<Deployment>;
  /** The signing account (see {@link resolveSigner}); resolved once, on first use. */
  signer(): Promise<CliSigner & { wallet: WalletClient }>;
};

export type CliContextOptions = {
  rpcUrl: string;
  deploymentPath: string;
  confirmations: number;
  accountIndex?: number;
  output: CliOutput;
};

/**
 * Connects to the chain at `rpcUrl` (asking its chain id, so an unreachable node fails here with a
 * clear error) and prepares the lazy parts.
 */
export async function createCliContext(options: CliContextOptions): Promise<CliContext> {
  const { rpcUrl, deploymentPath, confirmations, output } = options;
  if (!/^https?:\/\//.test(rpcUrl)) {
    throw new CliError(`--rpc-url must be an http(s) URL, got "${redactUrl(rpcUrl)}"`, { exitCode: 2 });
  }
  const transport = http(rpcUrl, { retryCount: 2, timeout: 30_000 });
  const probe = createPublicClient({ transport });
  let chainId: bigint;
  try {
    chainId = BigInt(await probe.getChainId());
  } catch (error) {
    throw unreachable(rpcUrl, error);
  }
  const chain = defineChain({
    id: Number(chainId),
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // Dev chains mine at once; polling every second keeps waits short without flooding hosted RPCs.
  const client = createPublicClient({ chain, transport, pollingInterval: chainId === 31_337n ? 50 : 1_000 });

  let deployment: Promise<Deployment> | undefined;
  let signer: Promise<CliSigner & { wallet: WalletClient }> | undefined;
  return {
    output,
    rpcUrl,
    chain,
    chainId,
    client,
    confirmations,
    deploymentPath,
    deployment: () => (deployment ??= loadDeployment(client, chainId, deploymentPath, rpcUrl)),
    signer: () =>
      (signer ??= resolveSigner(
        client,
        options.accountIndex === undefined ? {} : { accountIndex: options.accountIndex },
      ).then(async (resolved) => {
        // Before any write: who signs, so a wrong key is seen before it acts.
        const address = typeof resolved.account === "string" ? resolved.account : resolved.account.address;
        const roles = await describeRoles(client, address, deployment ?? readDeploymentQuietly(deploymentPath));
        output.info(`signing as ${address} (${SIGNER_SOURCES[resolved.source]}${roles === "" ? "" : `; ${roles}`})`);
        return { ...resolved, wallet: createWalletClient({ account: resolved.account, chain, transport }) };
      })),
  };
}

const SIGNER_SOURCES: Record<CliSigner["source"], string> = {
  env: "key from CARDPROOF_PRIVATE_KEY",
  keystore: "key from Hardhat's keystore",
  node: "the node's unlocked account",
};

/** The deployment when its file exists (no chain checks: this only names roles), else undefined. */
async function readDeploymentQuietly(path: string): Promise<Deployment | undefined> {
  return await readDeployment(path).catch(() => undefined);
}

/**
 * The signer's roles on the registry ("registry admin", "issuer #3"), or "no role on the registry",
 * or "" without a deployment (the `deploy` command) or when the node cannot tell.
 */
async function describeRoles(
  client: PublicClient,
  account: Address,
  deployment: Promise<Deployment | undefined>,
): Promise<string> {
  const registry = (await deployment.catch(() => undefined))?.registry;
  if (registry === undefined) return "";
  try {
    const [admin, [issuerId]] = await Promise.all([
      client.readContract({
        address: registry,
        abi: voucherRegistryAbi,
        functionName: "hasRole",
        args: [zeroHash, account],
      }),
      client.readContract({ address: registry, abi: voucherRegistryAbi, functionName: "issuerOf", args: [account] }),
    ]);
    const roles = [...(admin ? ["registry admin"] : []), ...(issuerId === 0 ? [] : [`issuer #${issuerId}`])];
    return roles.length === 0 ? "no role on the registry" : roles.join(", ");
  } catch {
    return "";
  }
}

async function loadDeployment(
  client: PublicClient,
  chainId: bigint,
  path: string,
  rpcUrl: string,
): Promise<Deployment> {
  const deployment = await readDeployment(path);
  if (deployment.chainId !== chainId) {
    throw new CliError(
      `deployment file ${path} is for chain ${deployment.chainId}, but ${redactUrl(rpcUrl)} is chain ${chainId}`,
      { hint: "pass the matching --deployment and --rpc-url" },
    );
  }
  const block = await client.getBlock({ blockNumber: deployment.deployBlock }).catch(() => undefined);
  if (block?.hash !== deployment.deployBlockHash) {
    throw new CliError(`the chain at ${redactUrl(rpcUrl)} no longer holds the deployment in ${path}`, {
      hint:
        "a local chain forgets everything when it restarts: deploy again with `cardproof deploy` " +
        "(or restart `npm start`), or pass the right --deployment",
    });
  }
  return deployment;
}
