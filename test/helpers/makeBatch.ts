import { getAddress, stringToHex, type Address, type Hex } from "viem";

import { buildMerkleTree } from "../../scripts/lib/buildMerkleTree.js";
import { deriveCardKey, deriveCardSecret } from "../../scripts/lib/deriveCardKey.js";
import { generateCodes } from "../../scripts/lib/generateCode.js";
import { hashLeaf } from "../../scripts/lib/hashLeaf.js";
import { signRedemption } from "../../scripts/lib/redemptionTypedData.js";

/** What `redeem` takes for one card besides its batch, serial and hint. */
export type CardRedemption = { sigR: Hex; sigVs: Hex; proof: Hex[] };

/** A batch prepared off-chain the way a supplier's CLI does: secret codes, card keys, leaves, tree. */
export type TestBatch = {
  batchId: bigint;
  codes: string[];
  /** Per serial, the address of the key its code derives: what the leaf commits to. */
  cardKeys: Address[];
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
  /** Proof for `serial`. */
  proofOf(serial: number): Hex[];
  /** The card key's signature letting `redeemer` redeem `serial` (or another serial's key: `keySerial`). */
  signatureOf(serial: number, redeemer: string, keySerial?: number): Promise<{ sigR: Hex; sigVs: Hex }>;
  /** Signature and proof with which `redeemer` redeems `serial`. */
  redemptionOf(serial: number, redeemer: string): Promise<CardRedemption>;
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
  const cardKeys = codes.map((code, serial) => getAddress(deriveCardKey({ chainId, registry, batchId, serial, code })));
  const leaves = cardKeys.map((cardKey, serial) => hashLeaf({ chainId, registry, batchId, serial, cardKey }));
  const tree = buildMerkleTree(leaves);
  const codeOf = (serial: number) => {
    const code = codes[serial];
    if (code === undefined) throw new RangeError(`serial ${serial} is outside the batch`);
    return code;
  };
  const signatureOf = (serial: number, redeemer: string, keySerial = serial) => {
    const secret = deriveCardSecret({ chainId, registry, batchId, serial: keySerial, code: codeOf(keySerial) });
    return signRedemption(secret, { chainId, registry, batchId, serial, redeemer: redeemer as Address });
  };
  return {
    batchId,
    codes,
    cardKeys,
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
    proofOf(serial) {
      codeOf(serial);
      return tree.getProof(serial);
    },
    signatureOf,
    async redemptionOf(serial, redeemer) {
      return { ...(await signatureOf(serial, redeemer)), proof: tree.getProof(serial) };
    },
  };
}
