import { inspect } from "node:util";

import { expect } from "chai";

import { computeCheckCharacter } from "../../../scripts/lib/codeAlphabet.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { InvalidCodeError } from "../../../scripts/lib/InvalidCodeError.js";
import { parseCode } from "../../../scripts/lib/parseCode.js";

/** Appends the check character. */
const withCheck = (data: string) => data + computeCheckCharacter(data);

/** A code with 0s and 1s, to exercise the look-alikes. */
const CODE = withCheck("K7QM20R4TB1HCWNP3VZ");
/** Fixed codes for the secrecy checks, so that no 4-character window can match a word by chance. */
const SECRET_CODES = [CODE, withCheck("XR4TB9HCWNP3VZ8K7QM"), withCheck("1Y2X0Z9W8V7T6S5R4Q3")];

/** What `fn` threw, asserting it is an InvalidCodeError. */
function invalidCodeErrorOf(fn: () => unknown): InvalidCodeError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.an.instanceOf(InvalidCodeError);
    return error as InvalidCodeError;
  }
  expect.fail("expected an InvalidCodeError");
}

/** Every way the error could surface in a log. */
function renderings(error: InvalidCodeError): string[] {
  return [
    error.message,
    error.shortMessage,
    error.details,
    String(error),
    error.stack ?? "",
    JSON.stringify(error),
    JSON.stringify({ ...error }),
    inspect(error, { depth: 5 }),
  ];
}

/** Mistakes a person or a scanner makes with `code`. */
function mistakesWith(code: string): string[] {
  const formatted = formatCode(code);
  return [
    code.slice(0, -1), // a character missing
    `${code}7`, // a character too many
    `${code.slice(0, 6)}U${code.slice(7)}`, // an invalid character
    `${code.slice(0, 6)}${code[6] === "A" ? "B" : "A"}${code.slice(7)}`, // a substitution
    `${code.slice(0, 9)}${code[10]}${code[9]}${code.slice(11)}`, // a transposition
    `${formatted.slice(0, 8)}#${formatted.slice(9)}`, // punctuation in the printed form
    `${formatted} ${formatted}`, // pasted twice
    `${code}${"-".repeat(300)}`, // far too long
  ];
}

describe("parseCode", function () {
  describe("accepts", function () {
    it("a canonical code", function () {
      expect(parseCode(CODE)).to.equal(CODE);
    });

    it("the printed form with dashes", function () {
      expect(parseCode(formatCode(CODE))).to.equal(CODE);
    });

    it("lowercase and mixed case", function () {
      expect(parseCode(CODE.toLowerCase())).to.equal(CODE);
      expect(
        parseCode(formatCode(CODE).replace(/[A-Z]/g, (char, i: number) => (i % 2 ? char.toLowerCase() : char))),
      ).to.equal(CODE);
    });

    it("spaces, tabs, line breaks, underscores and typographic dashes anywhere", function () {
      const groups = formatCode(CODE).split("-");
      for (const separator of [" ", "  ", "\t", "\n", "_", "\u2010", "\u2013", "\u2014", "\u2212", "\u00a0"]) {
        expect(parseCode(groups.join(separator)), JSON.stringify(separator)).to.equal(CODE);
      }
      expect(parseCode(`  ${CODE.split("").join(" ")}  `)).to.equal(CODE);
      expect(parseCode(`\t${formatCode(CODE)}\r\n`)).to.equal(CODE);
    });

    it("Crockford's look-alikes: I and L for 1, O for 0, in either case", function () {
      const typed = CODE.replace("1", "I").replace("0", "O");
      expect(typed).not.to.equal(CODE);
      expect(parseCode(typed)).to.equal(CODE);
      expect(parseCode(CODE.replace("1", "l").replace("0", "o"))).to.equal(CODE);
      expect(parseCode(CODE.replace("1", "L").replace("0", "O").toLowerCase())).to.equal(CODE);
    });

    it("full-width characters from East Asian keyboards", function () {
      const fullWidth = Array.from(formatCode(CODE), (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0)).join(
        "",
      );
      expect(parseCode(fullWidth)).to.equal(CODE);
    });
  });

  describe("rejects", function () {
    it("an empty input", function () {
      for (const input of ["", "   ", " - - ", "\n"]) {
        const error = invalidCodeErrorOf(() => parseCode(input));
        expect(error.reason).to.equal("empty");
        expect(error.message).to.equal(
          "no code was entered: type the 20 characters from the scratch panel on the card",
        );
      }
    });

    it("a code with a missing character, saying how many it has", function () {
      const error = invalidCodeErrorOf(() => parseCode(formatCode(CODE).slice(0, -1)));
      expect(error.reason).to.equal("length");
      expect(error.shortMessage).to.equal("the code has 19 characters but needs 20");
      expect(error.message).to.equal(
        "the code has 19 characters but needs 20: check the scratch panel for a missing character",
      );
    });

    it("a single character, in the singular", function () {
      expect(invalidCodeErrorOf(() => parseCode("7")).shortMessage).to.equal("the code has 1 character but needs 20");
    });

    it("a code with an extra character", function () {
      const error = invalidCodeErrorOf(() => parseCode(`${CODE}Q`));
      expect(error.reason).to.equal("length");
      expect(error.message).to.match(
        /^the code has 21 characters but needs 20: check for an extra or doubled character/,
      );
    });

    it("an input far longer than any code, without scanning it", function () {
      const error = invalidCodeErrorOf(() => parseCode(`${CODE} `.repeat(20)));
      expect(error.reason).to.equal("length");
      expect(error.shortMessage).to.equal("the input has more than 256 characters but a code has 20");
    });

    it("a character outside the alphabet, giving its position without separators", function () {
      const printed = formatCode(CODE);
      for (const [invalid, at] of [
        ["U", 7],
        ["u", 1],
        ["#", 20],
        ["é", 12],
        ["😀", 3],
        [".", 5],
      ] as const) {
        const code = CODE.slice(0, at - 1) + invalid + CODE.slice(at);
        const error = invalidCodeErrorOf(() => parseCode(code));
        expect(error.reason).to.equal("character");
        expect(error.position).to.equal(at);
        expect(error.shortMessage).to.equal(`character ${at} is not valid`);
        expect(error.details).to.match(/^check that character on the scratch panel/);
      }
      // In the printed form, character 7 is the second of the second group.
      const error = invalidCodeErrorOf(() => parseCode(`${printed.slice(0, 7)}U${printed.slice(8)}`));
      expect(error.position).to.equal(7);
    });

    it("a mistyped or swapped character through the check character", function () {
      const substituted = CODE.slice(0, 4) + (CODE[4] === "X" ? "Y" : "X") + CODE.slice(5);
      const swapped = CODE.slice(0, 2) + CODE[3] + CODE[2] + CODE.slice(4);
      for (const input of [
        substituted,
        swapped,
        formatCode(CODE)
          .toLowerCase()
          .replace(/^(.)(.)/, "$2$1"),
      ]) {
        const error = invalidCodeErrorOf(() => parseCode(input));
        expect(error.reason).to.equal("checkCharacter");
        expect(error.message).to.equal(
          "the check character does not match: a character was probably mistyped or two were swapped; " +
            "compare each one with the scratch panel",
        );
      }
    });
  });

  describe("InvalidCodeError", function () {
    it("is an Error named InvalidCodeError with shortMessage, details and reason", function () {
      const error = invalidCodeErrorOf(() => parseCode(CODE.slice(1)));
      expect(error).to.be.an.instanceOf(Error);
      expect(error.name).to.equal("InvalidCodeError");
      expect(String(error)).to.match(/^InvalidCodeError: the code has 19 characters/);
      expect(error.message).to.equal(`${error.shortMessage}: ${error.details}`);
      expect(error.position).to.equal(undefined);
    });

    it("never contains the code or any part of it", function () {
      for (const code of SECRET_CODES) {
        const windows = Array.from({ length: code.length - 3 }, (_, i) => code.slice(i, i + 4).toLowerCase());
        for (const input of mistakesWith(code)) {
          const error = invalidCodeErrorOf(() => parseCode(input));
          for (const rendering of renderings(error)) {
            const text = rendering.toLowerCase();
            expect(text).not.to.include(input.toLowerCase());
            for (const window of windows) expect(text, `${error.reason} error`).not.to.include(window);
          }
        }
      }
    });
  });
});
