import { CODE_LENGTH, hasValidCheckCharacter } from "./codeAlphabet.js";

/**
 * Whether `value` is a code in canonical form: exactly {@link CODE_LENGTH} characters of the code
 * alphabet (uppercase, no separators, no look-alikes) whose last one is the check character.
 * {@link generateCode} and {@link parseCode} return canonical codes; `deriveCardKey` and
 * {@link formatCode} accept nothing else.
 */
export function isCanonicalCode(value: string): boolean {
  if (value.length !== CODE_LENGTH) return false;
  try {
    return hasValidCheckCharacter(value);
  } catch {
    // A character outside the alphabet.
    return false;
  }
}
