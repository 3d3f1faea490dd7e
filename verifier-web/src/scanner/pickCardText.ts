import { parseCardUrl } from "../../../scripts/lib/cardPayload.js";
import { InvalidCardPayloadError } from "../../../scripts/lib/InvalidCardPayloadError.js";

/**
 * Of the QR texts found in one frame, the card's public one (a printed card also shows the secret
 * redemption QR once scratched): `card` with the text, `secret` when only a redemption QR or code was
 * seen, `none` otherwise. The secret text itself is never returned.
 */
export function pickCardText(texts: readonly string[]): { kind: "card"; text: string } | { kind: "secret" | "none" } {
  let secret = false;
  for (const text of texts) {
    try {
      parseCardUrl(text);
      return { kind: "card", text };
    } catch (error) {
      if (error instanceof InvalidCardPayloadError && error.reason === "secret") secret = true;
    }
  }
  return { kind: secret ? "secret" : "none" };
}
