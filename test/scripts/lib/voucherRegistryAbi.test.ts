import { expect } from "chai";
import { artifacts } from "hardhat";

import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";

describe("voucherRegistryAbi", function () {
  it("equals the ABI of the compiled VoucherRegistry (run `npm run abi` after an interface change)", async function () {
    const artifact = await artifacts.readArtifact("VoucherRegistry");
    expect(voucherRegistryAbi).to.deep.equal(artifact.abi);
  });
});
