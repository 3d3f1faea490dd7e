import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { createPublicClient, createWalletClient, http, stringToHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { encodeBatchManifest, hashBatchManifest } from "../../scripts/lib/batchManifest.js";
import { buildMerkleTree } from "../../scripts/lib/buildMerkleTree.js";
import { generateCodes } from "../../scripts/lib/generateCode.js";
import { deriveCardKey } from "../../scripts/lib/deriveCardKey.js";
import { createLeafHasher } from "../../scripts/lib/hashLeaf.js";
import { voucherRegistryAbi } from "../../scripts/lib/voucherRegistryAbi.js";
import { HARDHAT_KEYS, type CliChain } from "./cliHarness.js";

/** A batch issued for CLI tests: its secret codes and the manifest file written beside the deployment. */
export type CliBatch = {
  batchId: bigint;
  count: number;
  /** Canonical secret codes, serial `i` at `i`. */
  codes: string[];
  /** Card keys (lower-case addresses), serial `i` at `i`: what the leaves and the manifest hold. */
  cardKeys: Address[];
  root: Hex;
  manifestHash: Hex;
  /** The canonical manifest, in the chain's working folder. */
  manifestPath: string;
};

export type IssueCliBatchOptions = {
  /** The batch number within the issuer's id space (the id is `issuerId << 32 | number`). */
  number: number;
  count: number;
  /** The issuer's key (default: Hardhat account 1, registered as issuer #1 by the tests). */
  issuerKey?: Hex;
  issuerId?: number;
  activationRequired?: boolean;
  expiresAt?: number;
  /** Minor units (default 10.00). */
  faceValue?: bigint;
  currency?: string;
};

/**
 * Issues a small batch directly over the chain's JSON-RPC, signed by the issuer, the way
 * `cardproof batch mint` does it (codes, card keys, leaves, tree, canonical manifest and its hash
 * committed), for tests of the commands that use batches. Reads the registry from the deployment
 * file `cardproof deploy` wrote in the working folder.
 */
export async function issueCliBatch(chain: CliChain, options: IssueCliBatchOptions): Promise<CliBatch> {
  const deployment = JSON.parse(await readFile(join(chain.workdir, ".cardproof/deployment.json"), "utf8")) as {
    chainId: string;
    registry: Address;
  };
  const chainId = BigInt(deployment.chainId);
  const { registry } = deployment;
  const batchId = makeBatchId(options.issuerId ?? 1, options.number);
  const codes = generateCodes(options.count);
  const cardKeys = codes.map((code, serial) => deriveCardKey({ chainId, registry, batchId, serial, code }));
  const leafOf = createLeafHasher({ chainId, registry, batchId });
  const leaves = new Uint8Array(32 * options.count);
  cardKeys.forEach((cardKey, serial) => leafOf(serial, Buffer.from(cardKey.slice(2), "hex"), leaves, 32 * serial));
  const tree = buildMerkleTree(leaves);
  const manifest = encodeBatchManifest({ chainId, registry, batchId, cardKeys });
  const manifestHash = hashBatchManifest(manifest);

  const transport = http(chain.rpcUrl);
  const chainConfig = { ...hardhat, id: Number(chainId) };
  const wallet = createWalletClient({
    account: privateKeyToAccount(options.issuerKey ?? HARDHAT_KEYS[1]),
    chain: chainConfig,
    transport,
  });
  const client = createPublicClient({ chain: chainConfig, transport, pollingInterval: 20 });
  const hash = await wallet.writeContract({
    address: registry,
    abi: voucherRegistryAbi,
    functionName: "issueBatch",
    args: [
      batchId,
      {
        merkleRoot: tree.root,
        count: options.count,
        faceValue: options.faceValue ?? 10_00n,
        currency: stringToHex(options.currency ?? "USD", { size: 3 }),
        expiresAt: options.expiresAt ?? 0,
        activationRequired: options.activationRequired ?? false,
        metadataHash: stringToHex("cli-test-metadata", { size: 32 }),
        manifestHash,
        metadataURI: "ipfs://cardproof-cli-test",
      },
    ],
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`issuing batch ${batchId} reverted`);

  const folder = join(chain.workdir, `batch-${batchId}`);
  await mkdir(folder, { recursive: true });
  const manifestPath = join(folder, "manifest.json");
  await writeFile(manifestPath, manifest);
  return { batchId, count: options.count, codes, cardKeys, root: tree.root, manifestHash, manifestPath };
}
