import { stringToHex, type Address, type Hex } from "viem";

import { buildMerkleTree } from "../../scripts/lib/buildMerkleTree.js";
import { generateCodes } from "../../scripts/lib/generateCode.js";
import { hashCode } from "../../scripts/lib/hashCode.js";
import { hashLeaf } from "../../scripts/lib/hashLeaf.js";

/** A batch prepared off-chain the way a supplier's CLI does: secret codes, leaves, tree. */
export type TestBatch = {
  batchId: bigint;
  codes: string[];
  codeHashes: Hex[];
  root: Hex;
  params: {
    merkleRoot: Hex;
    count: number;
    faceValue: bigint;
    currency: Hex;
    expiresAt: number;
    activationRequired: boolean;
    metadataHash: Hex;
    manifestHash: Hex;
    metadataURI: string;
  };
  /** Code as bytes (what `redeem` takes) and proof for `serial`. */
  redemptionOf(serial: number): { code: Hex; proof: Hex[] };
};

export type MakeBatchOptions = {
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  count: number;
  faceValue?: bigint;
  currency?: string;
  expiresAt?: number;
  activationRequired?: boolean;
};

export function makeBatch(options: MakeBatchOptions): TestBatch {
  const { chainId, registry, batchId, count } = options;
  const codes = generateCodes(count);
  const codeHashes = codes.map((code) => hashCode(code));
  const leaves = codeHashes.map((codeHash, serial) => hashLeaf({ chainId, registry, batchId, serial, codeHash }));
  const tree = buildMerkleTree(leaves);
  return {
    batchId,
    codes,
    codeHashes,
    root: tree.root,
    params: {
      merkleRoot: tree.root,
      count,
      faceValue: options.faceValue ?? 10_00n,
      currency: stringToHex(options.currency ?? "USD", { size: 3 }),
      expiresAt: options.expiresAt ?? 0,
      activationRequired: options.activationRequired ?? false,
      metadataHash: stringToHex("metadata", { size: 32 }),
      manifestHash: stringToHex("manifest", { size: 32 }),
      metadataURI: "ipfs://cardproof-test-batch",
    },
    redemptionOf(serial) {
      const code = codes[serial];
      if (code === undefined) throw new RangeError(`serial ${serial} is outside the batch`);
      return { code: stringToHex(code), proof: tree.getProof(serial) };
    },
  };
}
