import { CODE_LENGTH, codeCharacterValue, hasValidCheckCharacter } from "./codeAlphabet.js";
import { InvalidCodeError } from "./InvalidCodeError.js";

/** Longer inputs are rejected before looking at them: no code, however formatted, is that long. */
const MAX_INPUT_LENGTH = 256;

/** Whitespace, underscores and the hyphen and dash characters people and keyboards produce. */
const SEPARATOR = /^[\s_\-\u2010-\u2015\u2212]$/u;

/** Crockford's look-alikes: read I and L as one, O as zero. */
const LOOK_ALIKES: Readonly<Record<string, string>> = { I: "1", L: "1", O: "0" };

/**
 * Reads a code as a person typed it or a scanner read it and returns it in canonical form (the input
 * of `deriveCardKey`). Accepts any case, spaces, dashes and underscores anywhere (e.g. the printed
 * `K7QM2-XR4TB-9HCWN-P3VZ0`), full-width characters, and Crockford's look-alikes (I and L for 1, O for
 * 0); then requires exactly 20 characters of the code alphabet with a matching check character.
 *
 * @throws {InvalidCodeError} saying what is wrong and what to check on the card. The error never
 *         contains the input or any part of it (codes are secrets): only lengths and positions.
 * @example
 * parseCode(" k7qm2 xr4tb-9hcwn_p3vzo ") // "K7QM2XR4TB9HCWNP3VZ0" (the typed "o" is read as zero)
 */
export function parseCode(input: string): string {
  if (input.length > MAX_INPUT_LENGTH) {
    throw new InvalidCodeError({
      reason: "length",
      shortMessage: `the input has more than ${MAX_INPUT_LENGTH} characters but a code has ${CODE_LENGTH}`,
      details: `enter only the ${CODE_LENGTH} characters from the scratch panel`,
    });
  }
  let code = "";
  let position = 0;
  // NFKC folds full-width letters, digits and hyphens (from East Asian input methods) to ASCII.
  for (const char of input.normalize("NFKC")) {
    if (SEPARATOR.test(char)) continue;
    position++;
    const upper = char >= "a" && char <= "z" ? char.toUpperCase() : char;
    const canonical = LOOK_ALIKES[upper] ?? upper;
    if (codeCharacterValue(canonical, 0) < 0) {
      throw new InvalidCodeError({
        reason: "character",
        position,
        shortMessage: `character ${position} is not valid`,
        details:
          "check that character on the scratch panel " +
          "(codes use only digits and the letters A to Z except U; spaces and dashes are not counted)",
      });
    }
    code += canonical;
  }
  if (code.length === 0) {
    throw new InvalidCodeError({
      reason: "empty",
      shortMessage: "no code was entered",
      details: `type the ${CODE_LENGTH} characters from the scratch panel on the card`,
    });
  }
  if (code.length !== CODE_LENGTH) {
    const has = `the code has ${code.length} character${code.length === 1 ? "" : "s"} but needs ${CODE_LENGTH}`;
    throw new InvalidCodeError({
      reason: "length",
      shortMessage: has,
      details:
        code.length < CODE_LENGTH
          ? "check the scratch panel for a missing character"
          : "check for an extra or doubled character, or a second code entered with it",
    });
  }
  if (!hasValidCheckCharacter(code)) {
    throw new InvalidCodeError({
      reason: "checkCharacter",
      shortMessage: "the check character does not match",
      details: "a character was probably mistyped or two were swapped; compare each one with the scratch panel",
    });
  }
  return code;
}
