import type { Address } from "viem";

import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { InvalidCodeError, type InvalidCodeReason } from "../../../scripts/lib/InvalidCodeError.js";
import { parseCode } from "../../../scripts/lib/parseCode.js";

/** Where a card lives: what its key is derived with, besides the code. */
export type CardLocation = { chainId: bigint; registry: Address; batchId: bigint; serial: number };

/** The card key a typed code gives, or why the text cannot be a code. */
export type TypedCodeResult =
  { kind: "key"; cardKey: Address } | { kind: "invalid"; reason: InvalidCodeReason; position: number | undefined };

/**
 * The card key of a code typed from under the scratch panel, derived in this browser: the text is
 * parsed (`parseCode`: spacing, look-alike letters, check character) and the key derived with
 * `deriveCardKey` (secp256k1 from @noble/curves, about 20 KB gzipped).
 *
 * @dev The verifier page loads this module with `import()` only when "Check my scratched code" is
 *      opened, so the curve code stays out of the page's initial JavaScript. The code and the
 *      secret derived from it never leave this function: nothing is sent, stored or logged, and
 *      `deriveCardKey` wipes the secret key bytes after use.
 */
export function cardKeyOfTypedCode(text: string, card: CardLocation): TypedCodeResult {
  try {
    return { kind: "key", cardKey: deriveCardKey({ ...card, code: parseCode(text) }) };
  } catch (error) {
    if (!(error instanceof InvalidCodeError)) throw error;
    return { kind: "invalid", reason: error.reason, position: error.position };
  }
}
