import { stringToHex } from "viem";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { makeBatch, type MakeBatchOptions } from "./makeBatch.js";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

export const ISSUER_PROFILE = stringToHex("acme-cards-profile-v1", { size: 32 });

/**
 * A registry with a registered issuer, ready for batches. Returns the signers by role so tests
 * read as the people who use CardProof.
 */
export async function deployRegistry(ethers: HardhatEthers) {
  const [admin, pauser, issuer, distributor, retailer, redeemer, stranger, operator, otherIssuer] =
    await ethers.getSigners();
  if (otherIssuer === undefined) throw new Error("the local chain needs at least 9 accounts");
  const registry = await ethers.deployContract("VoucherRegistry", [admin!.address, pauser!.address]);
  await registry.connect(admin).registerIssuer(issuer!.address, ISSUER_PROFILE);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const registryAddress = (await registry.getAddress()) as `0x${string}`;
  return {
    registry,
    chainId,
    registryAddress,
    admin: admin!,
    pauser: pauser!,
    issuer: issuer!,
    distributor: distributor!,
    retailer: retailer!,
    redeemer: redeemer!,
    stranger: stranger!,
    operator: operator!,
    otherIssuer: otherIssuer,
    /** Prepares batch number `number` of issuer 1 off-chain. */
    prepareBatch(number: number, options: Omit<MakeBatchOptions, "chainId" | "registry" | "batchId">) {
      return makeBatch({ chainId, registry: registryAddress, batchId: makeBatchId(1, number), ...options });
    },
  };
}
