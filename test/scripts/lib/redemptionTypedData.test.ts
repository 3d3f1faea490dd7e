import { expect } from "chai";
import {
  bytesToHex,
  compactSignatureToSignature,
  getAddress,
  hashTypedData,
  recoverTypedDataAddress,
  type Address,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { deriveCardKey, deriveCardSecret } from "../../../scripts/lib/deriveCardKey.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";
import {
  redemptionDigest,
  redemptionTypedData,
  signRedemption,
  type RedemptionParameters,
} from "../../../scripts/lib/redemptionTypedData.js";

const REGISTRY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const REDEEMER: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("redemptionTypedData", function () {
  const [code] = generateCodes(1) as [string];
  const card = { chainId: 31337n, registry: REGISTRY, batchId: 3n, serial: 41, code };
  const params: RedemptionParameters = { ...card, redeemer: REDEEMER };

  it("is the spec's EIP-712 domain and RedeemCard(uint64 batchId, uint32 serial, address redeemer)", function () {
    expect(redemptionTypedData(params)).to.deep.equal({
      domain: { name: "CardProof VoucherRegistry", version: "2", chainId: 31337n, verifyingContract: REGISTRY },
      types: {
        RedeemCard: [
          { name: "batchId", type: "uint64" },
          { name: "serial", type: "uint32" },
          { name: "redeemer", type: "address" },
        ],
      },
      primaryType: "RedeemCard",
      message: { batchId: 3n, serial: 41, redeemer: REDEEMER },
    });
  });

  it("signs in compact form a signature that recovers the card key, equal to viem's signTypedData", async function () {
    const secret = deriveCardSecret(card);
    const { sigR, sigVs } = await signRedemption(secret, params);
    expect(sigR).to.match(/^0x[0-9a-f]{64}$/);
    expect(sigVs).to.match(/^0x[0-9a-f]{64}$/);
    const signature = compactSignatureToSignature({ r: sigR, yParityAndS: sigVs });
    const recovered = await recoverTypedDataAddress({ ...redemptionTypedData(params), signature });
    expect(recovered).to.equal(getAddress(deriveCardKey(card)));
    const viaViem = await privateKeyToAccount(bytesToHex(secret)).signTypedData(redemptionTypedData(params));
    expect(viaViem.slice(0, 66)).to.equal(sigR);
  });

  it("binds the redeemer: the same signature recovers another address for another sender", async function () {
    const { sigR, sigVs } = await signRedemption(deriveCardSecret(card), params);
    const signature = compactSignatureToSignature({ r: sigR, yParityAndS: sigVs });
    const recovered = await recoverTypedDataAddress({
      ...redemptionTypedData({ ...params, redeemer: OTHER }),
      signature,
    });
    expect(recovered).not.to.equal(getAddress(deriveCardKey(card)));
  });

  it("exposes the digest the registry's redemptionDigest view returns", function () {
    expect(redemptionDigest(params)).to.equal(hashTypedData(redemptionTypedData(params)));
    expect(redemptionDigest({ ...params, serial: 42 })).not.to.equal(redemptionDigest(params));
  });
});
