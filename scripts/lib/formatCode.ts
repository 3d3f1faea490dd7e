import { isCanonicalCode } from "./isCanonicalCode.js";

/** Characters per group in the printed form of a code. */
const GROUP_LENGTH = 5;

/**
 * Formats a canonical code for printing on the card and showing to people: four groups of five
 * characters separated by "-", e.g. `K7QM2-XR4TB-9HCWN-P3VZ0`. {@link parseCode} reads it back.
 *
 * @throws {RangeError} when `canonicalCode` is not canonical (see {@link isCanonicalCode}); the
 *         message never contains the code.
 */
export function formatCode(canonicalCode: string): string {
  if (!isCanonicalCode(canonicalCode)) {
    throw new RangeError("formatCode expects a canonical code: pass what a person typed through parseCode first");
  }
  const groups: string[] = [];
  for (let start = 0; start < canonicalCode.length; start += GROUP_LENGTH) {
    groups.push(canonicalCode.slice(start, start + GROUP_LENGTH));
  }
  return groups.join("-");
}
