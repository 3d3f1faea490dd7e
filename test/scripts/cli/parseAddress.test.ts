import { expect } from "chai";

import { CliError } from "../../../scripts/cli/CliError.js";
import { parseAddress } from "../../../scripts/cli/parseOptionValue.js";

/** Hardhat's account #2, as wallets show it (EIP-55 mixed case). */
const CHECKSUMMED = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("parseAddress: addresses typed on the command line", function () {
  it("accepts a correct checksum, all-lowercase and all-uppercase digits, and returns the checksummed form", function () {
    for (const text of [CHECKSUMMED, CHECKSUMMED.toLowerCase(), `0x${CHECKSUMMED.slice(2).toUpperCase()}`]) {
      expect(parseAddress("--to", text), text).to.equal(CHECKSUMMED);
    }
  });

  it("refuses a mixed-case address whose checksum fails (one mistyped digit), as a usage error", function () {
    const mistyped = `${CHECKSUMMED.slice(0, -2)}BD`; // ...4293BC → ...4293BD
    const error = (() => {
      try {
        parseAddress("--to", mistyped);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).exitCode).to.equal(2);
    expect((error as CliError).message).to.equal(
      `--to ${mistyped} fails its EIP-55 checksum: a character is probably mistyped`,
    );
    // A wrong case alone (same digits) breaks it too.
    expect(() => parseAddress("--to", CHECKSUMMED.replace("Cd", "cd"))).to.throw(CliError, /EIP-55/);
  });

  it("still refuses what is not an address at all", function () {
    expect(() => parseAddress("--to", "0x1234")).to.throw(CliError, /--to is not an address/);
  });
});
