import { expect } from "chai";
import { network } from "hardhat";
import { decodeEventLog, type Hex } from "viem";

import { makeBatchId } from "../../../scripts/lib/batchId.js";
import { toProvenanceEvent } from "../../../scripts/lib/toProvenanceEvent.js";
import { replayProvenance } from "../../../scripts/lib/provenanceChain.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { deployRegistry } from "../../helpers/registryFixture.js";

const { ethers } = await network.create();

describe("toProvenanceEvent", function () {
  it("turns viem-decoded registry logs into links that replay to the on-chain head", async function () {
    const { registry, issuer, distributor, redeemer, prepareBatch } = await deployRegistry(ethers);
    const batch = prepareBatch(3, { count: 8 });
    await registry.connect(issuer).issueBatch(batch.batchId, batch.params);
    await registry.connect(issuer).setRedeemer(batch.batchId, redeemer.address, true);
    await registry.connect(issuer).transferLot(batch.batchId, issuer.address, distributor.address, 0, 4, 0);
    await registry.connect(distributor).activateLot(batch.batchId, 0, 2, 0);
    await registry.connect(issuer).revokeLot(batch.batchId, 6, 8, 4, 2);
    const { sigR, sigVs, proof } = await batch.redemptionOf(1, redeemer.address);
    await registry.connect(redeemer).redeem(batch.batchId, 1, 0, sigR, sigVs, proof);

    const logs = await ethers.provider.getLogs({ address: await registry.getAddress(), fromBlock: 0 });
    const decoded = logs.map((log) =>
      decodeEventLog({ abi: voucherRegistryAbi, data: log.data as Hex, topics: log.topics as [Hex, ...Hex[]] }),
    );
    const events = decoded.flatMap(({ eventName, args }) => {
      const event = toProvenanceEvent(eventName, args as unknown as Record<string, unknown>);
      return event === undefined ? [] : [event];
    });

    expect(events.map((event) => event.kind)).to.deep.equal([
      "BatchIssued",
      "RedeemerSet",
      "LotTransferred",
      "LotActivated",
      "LotRevoked",
      "VoucherRedeemed",
    ]);
    const { tips, mismatches } = replayProvenance(events);
    const onChain = await registry.batchOf(batch.batchId);
    expect(mismatches).to.deep.equal([]);
    expect(tips.get(batch.batchId)).to.deep.equal({ seq: onChain.seq, head: onChain.head });
  });

  it("ignores events that are not links of a batch's chain", function () {
    expect(toProvenanceEvent("IssuerRegistered", { account: "0x01", issuerId: 1n })).to.equal(undefined);
    expect(toProvenanceEvent("ApprovalForAll", { holder: "0x01" })).to.equal(undefined);
  });

  it("accepts numbers as bigint or number", function () {
    const head = `0x${"11".repeat(32)}` as Hex;
    const args = { batchId: makeBatchId(1, 1), start: 5n, end: 9, reason: 3n, seq: 4n, head };
    expect(toProvenanceEvent("LotRevoked", args)).to.deep.equal({
      kind: "LotRevoked",
      batchId: makeBatchId(1, 1),
      start: 5,
      end: 9,
      reason: 3,
      seq: 4n,
      head,
    });
  });
});
