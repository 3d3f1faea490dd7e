import { expect } from "chai";
import { ContractFunctionRevertedError, encodeErrorResult, type AbiParameter } from "viem";

import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { explainContractError } from "../../../scripts/cli/explainContractError.js";

type AbiError = Extract<(typeof voucherRegistryAbi)[number], { type: "error" }>;

/** A plausible value of an ABI type, so an error can be encoded and explained. */
function sample(parameter: AbiParameter, index: number): unknown {
  const { type } = parameter;
  if (type === "address") return `0x${String(index + 1).padStart(40, "0")}`;
  if (type === "bool") return true;
  if (type.startsWith("bytes")) return `0x${"00".repeat(Number(type.slice(5)))}`;
  const bits = Number(type.replace(/^u?int/, "") || 256);
  return bits > 48 ? BigInt(index + 7) : index + 7;
}

/** The CliError explainContractError gives for a revert with `error`. */
function explain(error: AbiError) {
  const args = error.inputs.map(sample);
  const data = encodeErrorResult({ abi: [error], errorName: error.name, args } as never);
  const reverted = new ContractFunctionRevertedError({ abi: voucherRegistryAbi, data, functionName: "redeem" });
  return explainContractError(reverted, "redeem card 7", "http://127.0.0.1:8545");
}

describe("explainContractError", function () {
  const errors = voucherRegistryAbi.filter((item): item is AbiError => item.type === "error");

  it("has plain words for every registry v2 error, never the bare error name", function () {
    const registryErrors = errors.filter((error) => error.name.startsWith("VoucherRegistry"));
    expect(registryErrors.length).to.be.greaterThan(20);
    for (const error of registryErrors) {
      const explained = explain(error);
      expect(explained.message, error.name).to.match(/^could not redeem card 7: /);
      expect(explained.message, error.name).not.to.contain("the contract refused");
      expect(explained.message, error.name).not.to.contain(error.name);
    }
  });

  it("names the v2 errors of issue 12 in words a user can act on", function () {
    const byName = (name: string) => explain(errors.find((error) => error.name === name)!);
    expect(byName("VoucherRegistryIssuerInactive").message).to.contain("no longer holds the issuer role");
    expect(byName("VoucherRegistryIssuerInactive").hint).to.contain("rotates the issuer to a new key");
    expect(byName("VoucherRegistryUnknownIssuer").message).to.match(/issuer #\d+ is not registered/);
    expect(byName("VoucherRegistryLotHintMismatch").hint).to.contain("run the command again");
    expect(byName("VoucherRegistryLotOutOfRange").message).to.contain("runs past the end of batch");
    expect(byName("VoucherRegistryInvalidCardSignature").message).to.contain("card signature");
  });
});
