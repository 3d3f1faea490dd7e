import { expect } from "chai";

import { computeCheckCharacter } from "../../../scripts/lib/codeAlphabet.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";
import { parseCode } from "../../../scripts/lib/parseCode.js";

describe("formatCode", function () {
  it("splits a canonical code into four dash-separated groups of five", function () {
    const code = "K7QM2XR4TB9HCWNP3VZ" + computeCheckCharacter("K7QM2XR4TB9HCWNP3VZ");
    expect(formatCode(code)).to.equal("K7QM2-XR4TB-9HCWN-P3VZ0");
  });

  it("produces what parseCode reads back", function () {
    for (const code of generateCodes(200)) {
      const formatted = formatCode(code);
      expect(formatted).to.match(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
      expect(parseCode(formatted)).to.equal(code);
    }
  });

  it("rejects a code that is not canonical, without repeating it", function () {
    const [code] = generateCodes(1);
    for (const input of [code!.slice(1), code!.toLowerCase(), formatCode(code!), `${code!.slice(0, -1)}U`]) {
      expect(() => formatCode(input)).to.throw(RangeError, /^formatCode expects a canonical code/);
      try {
        formatCode(input);
      } catch (error) {
        expect((error as Error).message).not.to.include(code!.slice(0, 5));
      }
    }
  });
});
