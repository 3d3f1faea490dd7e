import { expect } from "chai";

import { generateCode } from "../../../scripts/lib/generateCode.js";
import { isCanonicalCode } from "../../../scripts/lib/isCanonicalCode.js";

describe("isCanonicalCode", function () {
  it("accepts generated codes", function () {
    expect(isCanonicalCode(generateCode())).to.equal(true);
  });

  it("rejects lowercase, separators, look-alikes, wrong lengths and a wrong check character", function () {
    const code = generateCode();
    const wrongCheck = code.slice(0, -1) + (code.endsWith("0") ? "1" : "0");
    const withLookAlike = `${code.slice(0, 3)}O${code.slice(4)}`;
    for (const input of [
      "",
      code.toLowerCase(),
      `${code.slice(0, 10)}-${code.slice(10)}`,
      withLookAlike,
      code.slice(1),
      `${code}0`,
      wrongCheck,
    ]) {
      expect(isCanonicalCode(input), input).to.equal(false);
    }
  });
});
