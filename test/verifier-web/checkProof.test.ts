import { expect } from "chai";
import { keccak256, stringToHex, type Address } from "viem";

import { decodeCardPayload, encodeCardPayload } from "../../scripts/lib/cardPayload.js";
import { makeBatch } from "../helpers/makeBatch.js";
import { checkProof } from "../../verifier-web/src/checkProof.js";
import type { RegistryConfig } from "../../verifier-web/src/pageConfig.js";

const registry: Address = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const config: RegistryConfig = {
  chainId: 31_337n,
  address: registry,
  rpcUrls: [],
  indexerUrl: undefined,
  proofSources: [],
  explorerUrl: undefined,
  escrow: undefined,
  chainName: undefined,
};

describe("verifier-web checkProof", function () {
  const batch = makeBatch({ chainId: 31_337n, registry, batchId: (1n << 32n) | 1n, count: 9 });
  const payloadOf = (serial: number, cardKey = batch.cardKeys[serial]!) =>
    decodeCardPayload(encodeCardPayload({ chainId: 31_337n, registry, batchId: batch.batchId, serial, cardKey }));
  const proofOf = (serial: number) => ({
    chainId: "31337",
    registry,
    cardKey: batch.cardKeys[serial]!,
    proof: batch.proofOf(serial),
    root: batch.root,
    hint: 0,
  });

  it("verifies a source's proof against the on-chain root, with the leaf rebuilt in the page", function () {
    for (const serial of [0, 4, 8]) {
      expect(checkProof(payloadOf(serial), config, proofOf(serial), batch.root)).to.deep.equal({
        kind: "verified",
        cardKey: batch.cardKeys[serial]!.toLowerCase(),
        depth: proofOf(serial).proof.length,
      });
    }
  });

  it("proves another card when the proof reaches the root but the QR's card key is not the committed one", function () {
    const forged = payloadOf(4, `0x${"ab".repeat(20)}`);
    expect(checkProof(forged, config, proofOf(4), batch.root)).to.deep.equal({
      kind: "otherCard",
      cardKey: batch.cardKeys[4]!.toLowerCase(),
    });
  });

  it("calls a proof invalid when it does not reach the on-chain root, whatever root the source claims", function () {
    const otherRoot = keccak256(stringToHex("another batch"));
    expect(checkProof(payloadOf(4), config, proofOf(4), otherRoot).kind).to.equal("invalid");
    // Another serial's proof, a tampered sibling, another registry: the rebuilt leaf does not fit.
    expect(checkProof(payloadOf(4), config, { ...proofOf(5), cardKey: batch.cardKeys[4]! }, batch.root)).to.deep.equal({
      kind: "invalid",
    });
    const tampered = proofOf(4);
    tampered.proof[0] = keccak256(tampered.proof[0]!);
    expect(checkProof(payloadOf(4), config, tampered, batch.root).kind).to.equal("invalid");
    const elsewhere = { ...config, address: `0x5fbdb2315678afec${"00".repeat(12)}` as Address };
    expect(checkProof(payloadOf(4), elsewhere, proofOf(4), batch.root).kind).to.equal("invalid");
    // A source cannot make a forged QR look like another card: a wrong key with a real proof is invalid.
    const forged = payloadOf(4, `0x${"ab".repeat(20)}`);
    expect(checkProof(forged, config, { ...proofOf(4), cardKey: `0x${"ab".repeat(20)}` }, batch.root).kind).to.equal(
      "invalid",
    );
  });

  it("calls malformed proofs invalid instead of throwing", function () {
    const bad = { ...proofOf(1), proof: ["0x1234"] as `0x${string}`[] };
    expect(checkProof(payloadOf(1), config, bad, batch.root)).to.deep.equal({ kind: "invalid" });
    const noKey = { ...proofOf(1), cardKey: "nope" as Address };
    expect(checkProof(payloadOf(1), config, noKey, batch.root).kind).to.equal("invalid");
    const codeHashShaped = { ...proofOf(1), cardKey: keccak256(stringToHex("v1")) as Address };
    expect(checkProof(payloadOf(1), config, codeHashShaped, batch.root).kind).to.equal("invalid");
    expect(checkProof(payloadOf(1), config, { cardKey: batch.cardKeys[1], proof: "0x" }, batch.root).kind).to.equal(
      "invalid",
    );
  });
});
