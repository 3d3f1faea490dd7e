import { expect } from "chai";
import { artifacts } from "hardhat";

import { settlementEscrowAbi } from "../../../scripts/lib/settlementEscrowAbi.js";

describe("settlementEscrowAbi", function () {
  it("equals the ABI of the compiled SettlementEscrow (run `npm run abi` after an interface change)", async function () {
    const artifact = await artifacts.readArtifact("SettlementEscrow");
    expect(settlementEscrowAbi).to.deep.equal(artifact.abi);
  });
});
