import { makeBatchId } from "../../scripts/lib/batchId.js";
import { computeCheckCharacter } from "../../scripts/lib/codeAlphabet.js";
import type { PrintableCard } from "../../scripts/print/PrintableCard.js";

/** The verifier base the print tests use. */
export const TEST_VERIFIER = "https://verify.cardproof.example/";

/** A fixed secret code, so that no 4-character window of it can match a word of a message by chance. */
export const TEST_CODE = "K7QM20R4TB1HCWNP3VZ" + computeCheckCharacter("K7QM20R4TB1HCWNP3VZ");

/** A card of the local chain's demo registry, with `overrides` applied. */
export function makePrintableCard(overrides: Partial<PrintableCard> = {}): PrintableCard {
  return {
    chainId: 31337n,
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    batchId: makeBatchId(7, 1),
    serial: 123_456,
    code: TEST_CODE,
    faceValue: 5000n,
    currency: "USD",
    expiresAt: 1_830_297_600, // 2028-01-01 00:00 UTC
    supplierName: "Nordlicht Game Cards GmbH",
    ...overrides,
  };
}
