import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type { VoucherRegistry } from "../../types/ethers-contracts/index.js";
import { makeBatchId } from "../lib/batchId.js";
import { gasUsedBy } from "./lib/gasRow.js";
import type { BenchBatchParams } from "./lib/prepareBenchBatch.js";

/** Everything a benchmark scenario needs: the chain, a deployed registry and its actors. */
export type BenchContext = {
  ethers: HardhatEthers;
  registry: VoucherRegistry;
  chainId: bigint;
  registryAddress: string;
  issuer: HardhatEthersSigner;
  distributor: HardhatEthersSigner;
  wholesaler: HardhatEthersSigner;
  retailer: HardhatEthersSigner;
  redeemer: HardhatEthersSigner;
  /** The issuer's batch `number` as a batch id. */
  batchIdOf(number: number): bigint;
  /** Issues a batch as the issuer and returns the transaction's gas. */
  issue(batchId: bigint, params: BenchBatchParams): Promise<number>;
  /** Progress line on stderr. */
  log(line: string): void;
};

/**
 * Deploys a fresh VoucherRegistry on `ethers`' chain and registers one issuer.
 *
 * @dev Every scenario runs on this one registry, in a fixed order from a fresh chain, so the
 *      storage each transaction finds, and hence its gas, is the same on every run.
 */
export async function createBenchContext(ethers: HardhatEthers, log: (line: string) => void): Promise<BenchContext> {
  const [admin, pauser, issuer, distributor, wholesaler, retailer, redeemer] = await ethers.getSigners();
  if (redeemer === undefined) throw new Error("the benchmark chain needs at least 7 accounts");
  const registry = await ethers.deployContract("VoucherRegistry", [admin!.address, pauser!.address]);
  await gasUsedBy(registry.connect(admin!).registerIssuer(issuer!.address, ethers.id("cardproof-bench/issuer")));
  const [issuerId] = await registry.issuerOf(issuer!.address);
  const registryAddress = await registry.getAddress();
  return {
    ethers,
    registry,
    chainId: (await ethers.provider.getNetwork()).chainId,
    registryAddress,
    issuer: issuer!,
    distributor: distributor!,
    wholesaler: wholesaler!,
    retailer: retailer!,
    redeemer,
    batchIdOf: (number) => makeBatchId(issuerId, number),
    issue: (batchId, params) => gasUsedBy(registry.connect(issuer!).issueBatch(batchId, params)),
    log,
  };
}
